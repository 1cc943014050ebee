import DataLoader from 'dataloader';
import type { CustomerUsersOfCustomerQuery } from '../domain/data-source';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';
import type { Slice } from '../domain/page';
import type { StateTypeCounts, TicketCounts, TicketListSpec, TicketOwner, TicketRecord, TicketStore } from '../domain/tickets';
import type { DataSourceRegistry, MergedPage } from '../registry/data-source-registry';

/** The per-request loaders: every relation, count and widget list goes through one of these. */
export interface Loaders {
  /** Keyed by lower-cased customer id. */
  readonly customer: DataLoader<string, CustomerRecord | null>;
  /** Keyed by lower-cased login. */
  readonly customerUser: DataLoader<string, CustomerUserRecord | null>;
  readonly customerTicketCounts: DataLoader<string, TicketCounts>;
  readonly customerUserTicketCounts: DataLoader<string, TicketCounts>;
  /** Open tickets past their escalation time, per owner kind (when the counts did not carry them). */
  readonly escalatedCounts: Readonly<Record<TicketOwner, DataLoader<string, number>>>;
  /** Reminders reached, per owner kind (when the counts did not carry them). */
  readonly reminderReachedCounts: Readonly<Record<TicketOwner, DataLoader<string, number>>>;
  /** Tickets per state type, per owner kind (totals of filtered lists). */
  readonly stateTypeCounts: Readonly<Record<TicketOwner, DataLoader<string, StateTypeCounts>>>;
  readonly ticketList: DataLoader<TicketListSpec, Slice<TicketRecord>, string>;
  readonly customerUsersOfCustomer: DataLoader<CustomerUsersOfCustomerQuery, MergedPage<CustomerUserRecord>, string>;
  /** Customers by source and stable id (global ids). */
  readonly customerByStableId: DataLoader<StableKey, CustomerRecord | null, string>;
  /** Customer users by source and stable id (global ids). */
  readonly customerUserByStableId: DataLoader<StableKey, CustomerUserRecord | null, string>;
  /** Tickets by row id (global ids). */
  readonly ticketById: DataLoader<number, TicketRecord | null>;
  /**
   * Tells the count loaders of an owner kind that a selected field reads `escalated`: their next
   * batch computes it in the same statement (a look-ahead from the selection; see ticketCounts).
   */
  hintEscalated(owner: TicketOwner): void;
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
  const escalated: Record<TicketOwner, boolean> = { customer: false, customerUser: false };
  const keyed = { ...options, cacheKeyFn: (k: object) => JSON.stringify(k) };
  // Customer user pages of this request still loading: a lookup of a user they list waits for
  // them instead of asking the source again (a detail view's tickets name the users its widget lists).
  const pagesInFlight = new Set<Promise<readonly MergedPage<CustomerUserRecord>[]>>();
  const customerUser = new DataLoader(async (keys: readonly string[]) => {
    const listed = new Map<string, CustomerUserRecord>();
    for (const settled of await Promise.allSettled(pagesInFlight)) {
      if (settled.status === 'fulfilled') for (const page of settled.value) for (const u of page.nodes) listed.set(idKey(u.login), u);
    }
    const missing = keys.filter((k) => !listed.has(k));
    const found = missing.length > 0 ? await sources.customerUsersByLogins(missing) : [];
    const byKey = new Map(missing.map((k, i) => [k, found[i]!] as const));
    return keys.map((k) => listed.get(k) ?? byKey.get(k) ?? null);
  }, options);
  const userCounts = new DataLoader((keys: readonly string[]) => tickets.counts('customerUser', keys, now, { escalated: escalated.customerUser }), options);
  return {
    customer: new DataLoader((keys) => sources.customersByIds(keys), options),
    customerUser,
    customerTicketCounts: new DataLoader((keys) => tickets.counts('customer', keys, now, { escalated: escalated.customer }), options),
    customerUserTicketCounts: userCounts,
    escalatedCounts: perOwner((owner) => new DataLoader((keys: readonly string[]) => tickets.dueCounts(owner, 'escalated', keys, now), options)),
    reminderReachedCounts: perOwner((owner) => new DataLoader((keys: readonly string[]) => tickets.dueCounts(owner, 'reminderReached', keys, now), options)),
    stateTypeCounts: perOwner((owner) => new DataLoader((keys: readonly string[]) => tickets.stateTypeCounts(owner, keys), options)),
    ticketList: new DataLoader((specs: readonly TicketListSpec[]) => tickets.lists(specs, now), keyed),
    // The users a page lists are then looked up by login without another round trip.
    customerUsersOfCustomer: new DataLoader(async (queries: readonly CustomerUsersOfCustomerQuery[]) => {
      const loading = sources.customerUsersOfCustomers(queries);
      pagesInFlight.add(loading);
      try {
        const pages = await loading;
        for (const page of pages) {
          for (const u of page.nodes) customerUser.prime(idKey(u.login), u);
          // Counts read with a page answer its users' ticketCounts without a statement of their own.
          if (page.ticketCounts) for (const [key, counts] of page.ticketCounts) userCounts.prime(key, counts);
        }
        return pages;
      } finally {
        pagesInFlight.delete(loading);
      }
    }, keyed),
    customerByStableId: new DataLoader((keys: readonly StableKey[]) => sources.customersByStableIds(keys), keyed),
    customerUserByStableId: new DataLoader((keys: readonly StableKey[]) => sources.customerUsersByStableIds(keys), keyed),
    ticketById: new DataLoader((ids: readonly number[]) => tickets.byIds(ids), options),
    hintEscalated: (owner) => void (escalated[owner] = true),
  };
}

/** One loader per owner kind. */
function perOwner<L>(make: (owner: TicketOwner) => L): Readonly<Record<TicketOwner, L>> {
  return { customer: make('customer'), customerUser: make('customerUser') };
}

/** Lets later lookups of listed records hit the cache instead of the source. */
export function primeCustomers(loaders: Loaders, records: readonly CustomerRecord[]): void {
  for (const r of records) loaders.customer.prime(idKey(r.customerId), r);
}

/** See {@link primeCustomers}. */
export function primeCustomerUsers(loaders: Loaders, records: readonly CustomerUserRecord[]): void {
  for (const r of records) loaders.customerUser.prime(idKey(r.login), r);
}
