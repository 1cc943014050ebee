import DataLoader from 'dataloader';
import type { CustomerUsersOfCustomerQuery } from '../domain/data-source';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';
import type { TicketCounts, TicketListSpec, TicketRecord, TicketSlice, TicketStore } from '../domain/tickets';
import type { DataSourceRegistry, MergedPage } from '../sources/data-source-registry';

/** The per-request loaders: every relation, count and widget list goes through one of these. */
export interface Loaders {
  /** Keyed by lower-cased customer id. */
  readonly customer: DataLoader<string, CustomerRecord | null>;
  /** Keyed by lower-cased login. */
  readonly customerUser: DataLoader<string, CustomerUserRecord | null>;
  readonly customerTicketCounts: DataLoader<string, TicketCounts>;
  readonly customerUserTicketCounts: DataLoader<string, TicketCounts>;
  readonly ticketList: DataLoader<TicketListSpec, TicketSlice, string>;
  readonly customerUsersOfCustomer: DataLoader<CustomerUsersOfCustomerQuery, MergedPage<CustomerUserRecord>, string>;
  /** Customers by source and stable id (global ids). */
  readonly customerByStableId: DataLoader<StableKey, CustomerRecord | null, string>;
  /** Customer users by source and stable id (global ids). */
  readonly customerUserByStableId: DataLoader<StableKey, CustomerUserRecord | null, string>;
  /** Tickets by row id (global ids). */
  readonly ticketById: DataLoader<number, TicketRecord | null>;
}

/** A record named by its source and its stable id there. */
export interface StableKey {
  readonly sourceId: string;
  readonly stableId: string;
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
    customerByStableId: new DataLoader((keys: readonly StableKey[]) => sources.customersByStableIds(keys), keyed),
    customerUserByStableId: new DataLoader((keys: readonly StableKey[]) => sources.customerUsersByStableIds(keys), keyed),
    ticketById: new DataLoader((ids: readonly number[]) => tickets.byIds(ids), options),
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
