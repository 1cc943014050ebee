import type {
  CustomerPatch,
  CustomerRecord,
  CustomerUserPatch,
  CustomerUserRecord,
  NewCustomer,
  NewCustomerUser,
  Validity,
} from './records';
import type { DynamicFieldObject, DynamicFieldValue } from './dynamic-fields';
import type { ListFilter, ListKind } from './list-filter';
import type { Page, PageRequest } from './page';
import type { customerSortKey, customerUserSortKey } from './sort-keys';
import type { TicketScope } from './ticket-scope';
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
  /**
   * The source keeps dynamic fields of its records (Znuny / OTOBO): it implements
   * {@link DataSource.dynamicFieldsOf}. Records of any other source have none.
   */
  readonly dynamicFields: boolean;
  /**
   * The source keeps the helpdesk's tickets beside its records (it is the helpdesk database): it
   * implements {@link DataSource.listCustomersWithCounts} and
   * {@link DataSource.customerUsersOfCustomersWithCounts}, which read the ticket counts of a
   * page's records in the page's own round trip. Only the loaders ask for them, when a list's rows
   * read their counts; the counts of any other source's records come from the ticket store.
   */
  readonly countsWithPages: boolean;
}

/** A customer list request. `search` is a literal substring, matched ignoring case and accents (by `collationKey`) in every source. */
export interface CustomerQuery extends PageRequest {
  readonly search: string | null;
  /** Validities to keep; never empty. */
  readonly valid: readonly Validity[];
}

/** A page of customers. */
export type CustomerPage = Page<CustomerRecord>;

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
}

/** A page of customer users. */
export type CustomerUserPage = Page<CustomerUserRecord>;

/**
 * Which ticket counts a page brings along ({@link DataSourceCapabilities.countsWithPages}),
 * judged as `TicketStore.counts` judges them.
 */
export interface TicketCountsWanted {
  /** The clock escalation is judged against. */
  readonly now: Date;
  /** Whether `escalated` is read too (else it is null, as without the hint in `TicketStore.counts`). */
  readonly escalated: boolean;
  /**
   * The caller's visibility, as `TicketStore.counts` takes it: counts of visible tickets only.
   * Kept per-owner counts have no queue dimension: under a scope other than 'all' a source counts
   * the ticket rows with the scope's filter, in the same statement.
   */
  readonly scope: TicketScope;
}

/**
 * Ticket counts read with a page, keyed by `idKey` of the customer id (customers) or the login
 * (customer users), each exactly as `TicketStore.counts(owner, …, now, { escalated }, scope)`
 * answers it. It may lack some of the page's records, or all of them (a source that cannot read
 * them along for this request's shape): the caller reads the missing ones from the ticket store.
 * It may also hold records read beyond the page (the row that tells whether more follow).
 */
export type CountsOfPage = ReadonlyMap<string, TicketCounts>;

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
   * {@link listCustomers} and the ticket counts of the page's customers, read in the same round
   * trip (only when `capabilities.countsWithPages`). The page is the one {@link listCustomers}
   * answers; the counts are as {@link CountsOfPage} says.
   */
  listCustomersWithCounts?(query: CustomerQuery, wanted: TicketCountsWanted): Promise<{ readonly page: CustomerPage; readonly counts: CountsOfPage }>;

  /**
   * {@link customerUsersOfCustomers} and the ticket counts of the pages' users, in the same
   * round trips (only when `capabilities.countsWithPages`): the pages as
   * {@link customerUsersOfCustomers} answers them, and one map of counts for all of them.
   */
  customerUsersOfCustomersWithCounts?(
    queries: readonly CustomerUsersOfCustomerQuery[],
    wanted: TicketCountsWanted,
  ): Promise<{ readonly pages: CustomerUserPage[]; readonly counts: CountsOfPage }>;

  /**
   * The id keys (`idKey` of the customer id or login) of every record each filter keeps, one list
   * per filter in filter order: the records that the list with that filter counts in its total.
   * Only a source that holds its lists in memory offers it (a directory's list index, just
   * brought up to date by the page read): it answers without a round trip. The registry uses it
   * to count a record that two sources hold once in a merged list's `totalCount`; a source
   * without it is asked by lookups instead (see `DataSourceRegistry`).
   */
  listedKeys?(kind: ListKind, filters: readonly ListFilter[]): Promise<string[][]>;

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

  /**
   * The dynamic fields of many records in one round trip (only when `capabilities.dynamicFields`):
   * one list per key (customer ids or logins, any case), in key order, each in the fields'
   * configured order; `[]` for a record without values.
   */
  dynamicFieldsOf?(object: DynamicFieldObject, keys: readonly string[]): Promise<DynamicFieldValue[][]>;

  /** Resolves when the backend answers; rejects with `DataSourceUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
