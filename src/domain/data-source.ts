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
}

/** A customer list request. `search` is matched literally, ignoring case. */
export interface CustomerQuery extends PageRequest {
  readonly search: string | null;
  /** Validities to keep; never empty. */
  readonly valid: readonly Validity[];
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

  customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]>;
  /** Customers by {@link CustomerRecord.stableId}, in key order, null for a missing or malformed key. */
  customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]>;
  listCustomers(query: CustomerQuery): Promise<Page<CustomerRecord>>;
  customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]>;
  /** Customer users by {@link CustomerUserRecord.stableId}, in key order, null for a missing or malformed key. */
  customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]>;
  listCustomerUsers(query: CustomerUserQuery): Promise<Page<CustomerUserRecord>>;
  /** One page per query, in query order: the customer user lists of many customers at once. */
  customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<Page<CustomerUserRecord>[]>;

  createCustomer(input: NewCustomer): Promise<CustomerRecord>;
  /** Changes a customer; a new customer id moves its customer users (and, where kept here, tickets) with it. */
  updateCustomer(customerId: string, patch: CustomerPatch): Promise<CustomerRecord>;
  createCustomerUser(input: NewCustomerUser): Promise<CustomerUserRecord>;
  updateCustomerUser(login: string, patch: CustomerUserPatch): Promise<CustomerUserRecord>;

  /** Resolves when the backend answers; rejects with `DataSourceUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
