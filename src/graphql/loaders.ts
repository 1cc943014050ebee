import DataLoader from 'dataloader';
import type {
  CountsOfPage,
  CustomerPage,
  CustomerQuery,
  CustomerUserPage,
  CustomerUsersOfCustomerQuery,
  TicketCountsWanted,
} from '../domain/data-source';
import type { DynamicFieldObject, DynamicFieldValue } from '../domain/dynamic-fields';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';
import type { Slice } from '../domain/page';
import type { TicketScope } from '../domain/ticket-scope';
import type { CountHints, StateTypeCounts, TicketCounts, TicketListSpec, TicketOwner, TicketRecord, TicketStore } from '../domain/tickets';
import type { DataSourceRegistry, MergedPage, SourceRead } from '../registry/data-source-registry';

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
  /**
   * A customer's users page (the detail view's widget), its users primed for lookups; with
   * `counts`, their ticket counts come along where a source can read them (see {@link listCustomers}).
   */
  readonly customerUsersOfCustomer: DataLoader<UsersOfCustomerKey, MergedPage<CustomerUserRecord>, string>;
  /** Customers by source and stable id (global ids). */
  readonly customerByStableId: DataLoader<StableKey, CustomerRecord | null, string>;
  /** Customer users by source and stable id (global ids). */
  readonly customerUserByStableId: DataLoader<StableKey, CustomerUserRecord | null, string>;
  /** Tickets by row id (global ids). */
  readonly ticketById: DataLoader<number, TicketRecord | null>;
  /** Dynamic fields of customers and customer users, by source and key (one round trip per source and kind). */
  readonly dynamicFields: DataLoader<DynamicFieldsKey, readonly DynamicFieldValue[], string>;
  /**
   * Tells the count loaders of an owner kind that a selected field reads `escalated`: their next
   * batch computes it in the same statement (a look-ahead from the selection; see ticketCounts).
   */
  hintEscalated(owner: TicketOwner): void;
  /**
   * A customer list merged over the sources, or of one (`DataSourceRegistry.listCustomers`), its
   * records primed for lookups. With `counts` (a look-ahead: the rows read their ticket counts,
   * `escalated` among them when hinted), a source that can (`capabilities.countsWithPages`)
   * reads them with its page, in the same round trip, and they answer `customerTicketCounts`
   * without a statement of their own; the others' counts are loaded as usual. Not with batching
   * off, which measures one statement per row.
   */
  listCustomers(query: CustomerQuery, sourceId: string | null, counts: CountHints | null): Promise<MergedPage<CustomerRecord>>;
}

/** A customer's users page as a resolver loads it: the query, and the counts its rows read (see {@link Loaders.listCustomers}). */
export interface UsersOfCustomerKey extends CustomerUsersOfCustomerQuery {
  readonly counts?: CountHints;
}

/** A record named by its source and its stable id there. */
export interface StableKey {
  readonly sourceId: string;
  readonly stableId: string;
}

/** A record whose dynamic fields are read: its kind, source, and customer id or login. */
export interface DynamicFieldsKey {
  readonly object: DynamicFieldObject;
  readonly sourceId: string;
  readonly key: string;
}

/** What the loaders read from. */
export interface LoaderDeps {
  readonly sources: DataSourceRegistry;
  readonly tickets: TicketStore;
  /** The request's clock: escalation and reminder times are judged against it. */
  readonly now: Date;
  /** False only to measure what batching buys: every load then runs alone. */
  readonly batching: boolean;
  /** The tickets the request's caller may see: every ticket read of these loaders is restricted to them. */
  readonly scope: TicketScope;
}

/**
 * Creates the loaders of one request (never shared between requests), or of one visibility
 * within a live tick: ticket loaders answer for `scope` only, so their caches never hold what
 * another visibility sees.
 */
export function createLoaders({ sources, tickets, now, batching, scope }: LoaderDeps): Loaders {
  const options = { batch: batching };
  const escalated: Record<TicketOwner, boolean> = { customer: false, customerUser: false };
  const keyed = { ...options, cacheKeyFn: (k: object) => JSON.stringify(k) };
  // Owners are loaded as their records spell them (a store that compares exactly needs the
  // spelling) and cached ignoring case.
  const owners = { ...options, cacheKeyFn: idKey };
  // The customer user pages of this request still loading, and the users of those that arrived:
  // a lookup of a user they list waits for them instead of asking the source again (a detail
  // view's tickets name the users its widget lists). A page primes the loader, so only a lookup
  // asked for before its page arrived (a page from a synchronous store arrives within the same
  // tick) reaches a batch with such a user; the batch takes it out of `arrived`, and from then on
  // the loader's cache (the request's one) answers for it.
  const arrived = new Map<string, CustomerUserRecord>();
  const pagesInFlight = new Set<Promise<readonly MergedPage<CustomerUserRecord>[]>>();
  const customerUser = new DataLoader(async (keys: readonly string[]) => {
    if (pagesInFlight.size > 0) await Promise.allSettled(pagesInFlight);
    const listed = keys.map((k) => arrived.get(k));
    for (const k of keys) arrived.delete(k);
    const missing = keys.filter((_, i) => listed[i] === undefined);
    const found = missing.length > 0 ? await sources.customerUsersByLogins(missing) : [];
    const byKey = new Map(missing.map((k, i) => [k, found[i]!] as const));
    return keys.map((k, i) => listed[i] ?? byKey.get(k) ?? null);
  }, options);
  const userCounts = new DataLoader((keys: readonly string[]) => tickets.counts('customerUser', keys, now, { escalated: escalated.customerUser }, scope), owners);
  const customer = new DataLoader((keys: readonly string[]) => sources.customersByIds(keys), options);
  const customerCounts = new DataLoader((keys: readonly string[]) => tickets.counts('customer', keys, now, { escalated: escalated.customer }, scope), owners);
  // Counts read with pages are judged as these loaders judge theirs: this clock, this visibility.
  const wanted = (hints: readonly (CountHints | undefined)[]): TicketCountsWanted | null =>
    batching && hints.some((h) => h !== undefined) ? { now, escalated: hints.some((h) => h?.escalated === true), scope } : null;
  // No getters in this literal (loaders made on first use were tried): V8 allocates an object
  // literal's accessor pair in old space, and its closures would keep every request's loaders and
  // records reachable until a full GC (docs/performance.md, changes 19 and 21: RSS 145 -> 238 MB).
  return {
    customer,
    customerUser,
    customerTicketCounts: customerCounts,
    customerUserTicketCounts: userCounts,
    escalatedCounts: perOwner((owner) => new DataLoader((keys: readonly string[]) => tickets.dueCounts(owner, 'escalated', keys, now, scope), owners)),
    reminderReachedCounts: perOwner((owner) => new DataLoader((keys: readonly string[]) => tickets.dueCounts(owner, 'reminderReached', keys, now, scope), owners)),
    stateTypeCounts: perOwner((owner) => new DataLoader((keys: readonly string[]) => tickets.stateTypeCounts(owner, keys, scope), owners)),
    ticketList: new DataLoader((specs: readonly TicketListSpec[]) => tickets.lists(specs, now, scope), keyed),
    // The users a page lists are then looked up by login without another round trip.
    customerUsersOfCustomer: new DataLoader(async (keys: readonly UsersOfCustomerKey[]) => {
      const queries: CustomerUsersOfCustomerQuery[] = keys.map(({ counts, ...query }) => query);
      const withCounts = wanted(keys.map((k) => k.counts));
      const read: CountsOfPage[] = [];
      const loading = sources.customerUsersOfCustomers(queries, withCounts ? usersWithCounts(queries, withCounts, read) : undefined);
      pagesInFlight.add(loading);
      try {
        const pages = await loading;
        for (const page of pages) {
          for (const u of page.nodes) {
            arrived.set(idKey(u.login), u);
            customerUser.prime(idKey(u.login), u);
          }
        }
        // Counts read with the pages answer their users' ticketCounts without a statement of their own.
        for (const counts of read) for (const [key, c] of counts) userCounts.prime(key, c);
        return pages;
      } finally {
        pagesInFlight.delete(loading);
      }
    }, keyed),
    customerByStableId: new DataLoader((keys: readonly StableKey[]) => sources.customersByStableIds(keys), keyed),
    customerUserByStableId: new DataLoader((keys: readonly StableKey[]) => sources.customerUsersByStableIds(keys), keyed),
    ticketById: new DataLoader((ids: readonly number[]) => tickets.byIds(ids, scope), options),
    dynamicFields: new DataLoader((keys: readonly DynamicFieldsKey[]) => sources.dynamicFieldsOf(keys), {
      ...options,
      cacheKeyFn: (k: DynamicFieldsKey) => `${k.object}\u0000${k.sourceId}\u0000${idKey(k.key)}`,
    }),
    hintEscalated: (owner) => void (escalated[owner] = true),
    listCustomers: async (query, sourceId, counts) => {
      const withCounts = wanted([counts ?? undefined]);
      const read: CountsOfPage[] = [];
      const page = await sources.listCustomers(query, sourceId, withCounts ? customersWithCounts(query, withCounts, read) : undefined);
      for (const r of page.nodes) customer.prime(idKey(r.customerId), r);
      for (const c of read) for (const [key, value] of c) customerCounts.prime(key, value);
      return page;
    },
  };
}

/**
 * How the registry asks each source for its customer page when the rows read their ticket counts:
 * with them where the source reads them along (`capabilities.countsWithPages`), else the plain
 * list. The counts that came along are pushed to `into`.
 */
function customersWithCounts(query: CustomerQuery, wanted: TicketCountsWanted, into: CountsOfPage[]): SourceRead<CustomerPage> {
  return (s) =>
    s.capabilities.countsWithPages && s.listCustomersWithCounts
      ? s.listCustomersWithCounts(query, wanted).then(({ page, counts }) => (into.push(counts), page))
      : s.listCustomers(query);
}

/** {@link customersWithCounts} for the customer user pages of many customers. */
function usersWithCounts(queries: readonly CustomerUsersOfCustomerQuery[], wanted: TicketCountsWanted, into: CountsOfPage[]): SourceRead<CustomerUserPage[]> {
  return (s) =>
    s.capabilities.countsWithPages && s.customerUsersOfCustomersWithCounts
      ? s.customerUsersOfCustomersWithCounts(queries, wanted).then(({ pages, counts }) => (into.push(counts), pages))
      : s.customerUsersOfCustomers(queries);
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
