import type {
  CustomerPatch,
  CustomerRecord,
  CustomerUserPatch,
  CustomerUserRecord,
  NewCustomer,
  NewCustomerUser,
  Validity,
} from './records';
import type { Page, PageRequest } from './page';
import type { customerSortKey, customerUserSortKey } from './sort-keys';
import type { TicketCounts } from './tickets';

/**
 * What a data source can do. Code and tests branch on these flags, never on adapter names.
 */
export interface DataSourceCapabilities {
  /** The source serves customers (organizations). */
  readonly customers: boolean;
  /** The source serves customer users (people). */
  readonly customerUsers: boolean;
  /** Customers of this source can be created and changed through the API. */
  readonly writableCustomers: boolean;
  /** Customer users of this source can be created and changed through the API. */
  readonly writableCustomerUsers: boolean;
  /**
   * Renaming a customer here moves its tickets in the same transaction (the source is the helpdesk
   * database itself); otherwise the caller moves them in the ticket store.
   */
  readonly movesTicketsOnRename: boolean;
}

/** A customer list request. `search` is matched literally, ignoring case. */
export interface CustomerQuery extends PageRequest {
  readonly search: string | null;
  /** Validities to keep; never empty. */
  readonly valid: readonly Validity[];
  /**
   * The caller will read the ticket counts of the page's customers (a look-ahead at its
   * selection): a source that keeps the helpdesk's tickets may return them with the page, in the
   * same round trip ({@link CustomerPage.ticketCounts}); any other source ignores this. It changes
   * no record of the page.
   */
  readonly ticketCounts?: TicketCountsWanted;
}

/** Which ticket counts a list page may bring along, judged against `now` (as `TicketStore.counts`). */
export interface TicketCountsWanted {
  readonly now: Date;
  /** Whether `escalated` is read too (else it may be null, as without the hint in `TicketStore.counts`). */
  readonly escalated: boolean;
}

/** A page of customers, possibly with their ticket counts (see {@link CustomerQuery.ticketCounts}). */
export interface CustomerPage extends Page<CustomerRecord> {
  /**
   * The counts of the page's customers keyed by `idKey(customerId)`, exactly as
   * `TicketStore.counts('customer', …, now, { escalated })` answers them; absent when the source
   * did not read them.
   */
  readonly ticketCounts?: ReadonlyMap<string, TicketCounts>;
}

/** A customer user list request. `customerId` keeps the users of that customer (any of their ids). */
export interface CustomerUserQuery extends PageRequest {
  readonly search: string | null;
  readonly valid: readonly Validity[];
  readonly customerId: string | null;
}

/** The customer users of one customer, as the customer detail view lists them. */
export interface CustomerUsersOfCustomerQuery extends PageRequest {
  readonly customerId: string;
  readonly valid: readonly Validity[];
  /** As {@link CustomerQuery.ticketCounts}: the users' counts with the page, keyed by `idKey(login)`. */
  readonly ticketCounts?: TicketCountsWanted;
}

/** A page of customer users, possibly with their ticket counts (see {@link CustomerUsersOfCustomerQuery.ticketCounts}). */
export interface CustomerUserPage extends Page<CustomerUserRecord> {
  /** The counts of the page's users keyed by `idKey(login)`, as `TicketStore.counts('customerUser', …)` answers them; absent when not read. */
  readonly ticketCounts?: ReadonlyMap<string, TicketCounts>;
}

/**
 * A backend of customers and customer users: the helpdesk database or a directory.
 *
 * Reads are batched by design: every "by ids" method takes many keys and answers in key order
 * with `null` for a missing key. Lookups of customer ids and logins ignore case. Lists are
 * ordered by the sort keys of `src/domain/sort-keys.ts` and paged by keyset, so that lists of
 * several sources can be merged. Writes to a source whose capability says it is not writable
 * throw `ReadOnlyDataSourceError` without contacting the backend.
 */
export interface DataSource {
  /** Stable id from the configuration. */
  readonly id: string;
  /** Display name from the configuration. */
  readonly name: string;
  /** Adapter kind: 'sqlite', 'ldap', ... */
  readonly kind: string;
  readonly capabilities: DataSourceCapabilities;

  /**
   * Loads customers by customer id. Answers one entry per key, in key order (a key given twice
   * is answered twice); `null` where the source has no such customer. Keys match ignoring case.
   * An empty list answers `[]` without contacting the backend. Rejects with
   * `DataSourceUnavailableError` when the backend does not answer in time.
   */
  customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]>;

  /**
   * Loads customers by {@link CustomerRecord.stableId} (the part of a global id the source
   * gave out). Key order and missing keys as in {@link customersByIds}; a malformed or forged
   * id is a missing key, never an error.
   */
  customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]>;

  /**
   * One page of the customers matching `query`, ordered by {@link customerSortKey}: the window
   * between `after` and `before`, `size` records from its start (or from its end when
   * `backward`), always listed in list order, with the total of all matches. Rejects with
   * `DataSourceUnavailableError` when the backend does not answer in time.
   */
  listCustomers(query: CustomerQuery): Promise<CustomerPage>;

  /** Loads customer users by login; key order, case and missing keys as in {@link customersByIds}. */
  customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]>;

  /** Loads customer users by {@link CustomerUserRecord.stableId}; as {@link customersByStableIds}. */
  customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]>;

  /** One page of the customer users matching `query`, ordered by {@link customerUserSortKey}; as {@link listCustomers}. */
  listCustomerUsers(query: CustomerUserQuery): Promise<Page<CustomerUserRecord>>;

  /**
   * The customer user pages of many customers in one call (the customer users widget of many
   * detail views): one page per query, in query order, each as {@link listCustomerUsers} with
   * `customerId` would answer it. Adapters answer a batch in a bounded number of round trips.
   */
  customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<CustomerUserPage[]>;

  /**
   * Creates a customer in one transaction and returns it as stored. `ConflictError` when the
   * customer id (ignoring case) or, within this source, the name is taken; `ReadOnlyDataSourceError`
   * without contacting the backend when `capabilities.writableCustomers` is false.
   */
  createCustomer(input: NewCustomer): Promise<CustomerRecord>;

  /**
   * Changes a customer in one transaction; absent keys stay, null clears. A new customer id
   * moves its customer users (and, where the tickets live in the same database, its tickets)
   * in the same transaction. `NotFoundError`, `ConflictError` and `ReadOnlyDataSourceError` as
   * for {@link createCustomer}.
   */
  updateCustomer(customerId: string, patch: CustomerPatch): Promise<CustomerRecord>;

  /** Creates a customer user in one transaction; `ConflictError` when the login is taken; read-only as above. */
  createCustomerUser(input: NewCustomerUser): Promise<CustomerUserRecord>;

  /** Changes a customer user in one transaction; absent keys stay, null clears; `NotFoundError`; read-only as above. */
  updateCustomerUser(login: string, patch: CustomerUserPatch): Promise<CustomerUserRecord>;

  /** Resolves when the backend answers; rejects with `DataSourceUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
