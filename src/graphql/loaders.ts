import DataLoader from 'dataloader';
import type { CustomerUsersOfCustomerQuery } from '../domain/data-source';
import type { Page } from '../domain/page';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';
import type { TicketCounts, TicketListSpec, TicketSlice, TicketStore } from '../domain/tickets';
import type { DataSourceRegistry } from '../sources/data-source-registry';

/** The per-request loaders: every relation, count and widget list goes through one of these. */
export interface Loaders {
  /** Keyed by lower-cased customer id. */
  readonly customer: DataLoader<string, CustomerRecord | null>;
  /** Keyed by lower-cased login. */
  readonly customerUser: DataLoader<string, CustomerUserRecord | null>;
  readonly customerTicketCounts: DataLoader<string, TicketCounts>;
  readonly customerUserTicketCounts: DataLoader<string, TicketCounts>;
  readonly ticketList: DataLoader<TicketListSpec, TicketSlice, string>;
  readonly customerUsersOfCustomer: DataLoader<CustomerUsersOfCustomerQuery, Page<CustomerUserRecord>, string>;
}

/** What the loaders read from. */
export interface LoaderDeps {
  readonly sources: DataSourceRegistry;
  readonly tickets: TicketStore;
  /** The request's clock: escalation and reminder times are judged against it. */
  readonly now: Date;
  /** False only to measure what batching buys: every load then runs alone. */
  readonly batching: boolean;
}

/** Creates the loaders of one request (never shared between requests). */
export function createLoaders({ sources, tickets, now, batching }: LoaderDeps): Loaders {
  const options = { batch: batching };
  const keyed = { ...options, cacheKeyFn: (k: object) => JSON.stringify(k) };
  return {
    customer: new DataLoader((keys) => sources.customersByIds(keys), options),
    customerUser: new DataLoader((keys) => sources.customerUsersByLogins(keys), options),
    customerTicketCounts: new DataLoader((keys) => tickets.counts('customer', keys, now), options),
    customerUserTicketCounts: new DataLoader((keys) => tickets.counts('customerUser', keys, now), options),
    ticketList: new DataLoader((specs: readonly TicketListSpec[]) => tickets.lists(specs, now), keyed),
    customerUsersOfCustomer: new DataLoader((queries: readonly CustomerUsersOfCustomerQuery[]) => sources.customerUsersOfCustomers(queries), keyed),
  };
}

/** Lets later lookups of listed records hit the cache instead of the source. */
export function primeCustomers(loaders: Loaders, records: readonly CustomerRecord[]): void {
  for (const r of records) loaders.customer.prime(idKey(r.customerId), r);
}

/** See {@link primeCustomers}. */
export function primeCustomerUsers(loaders: Loaders, records: readonly CustomerUserRecord[]): void {
  for (const r of records) loaders.customerUser.prime(idKey(r.login), r);
}
