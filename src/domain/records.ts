import { Validity } from './validity';

export { Validity };
export type { CustomerPatch, CustomerUserPatch, NewCustomer, NewCustomerUser } from './write-inputs';

/** What kind of record a data source serves. */
export enum DataSourceObject {
  CUSTOMER = 'CUSTOMER',
  CUSTOMER_USER = 'CUSTOMER_USER',
}

/** A customer (organization) as a data source returns it. */
export interface CustomerRecord {
  /** Id of the data source the record came from. */
  readonly sourceId: string;
  /**
   * The record's identity within its source, stable for the life of the record (a rename of
   * the customer id keeps it): a row id, a directory's entryUUID or objectGUID, else the DN.
   */
  readonly stableId: string;
  readonly customerId: string;
  readonly name: string;
  readonly valid: Validity;
  readonly street: string | null;
  readonly zip: string | null;
  readonly city: string | null;
  /** ISO 3166-1 alpha-2, upper case, or null. */
  readonly countryCode: string | null;
  readonly url: string | null;
  readonly comment: string | null;
  readonly createdAt: Date | null;
  readonly changedAt: Date | null;
}

/** A customer user (person) as a data source returns it. */
export interface CustomerUserRecord {
  readonly sourceId: string;
  /** See {@link CustomerRecord.stableId}: a rename of the login keeps it. */
  readonly stableId: string;
  readonly login: string;
  readonly email: string;
  readonly title: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly phone: string | null;
  readonly mobile: string | null;
  readonly street: string | null;
  readonly zip: string | null;
  readonly city: string | null;
  readonly countryCode: string | null;
  readonly comment: string | null;
  readonly valid: Validity;
  /** The primary customer id. */
  readonly customerId: string;
  /** All customer ids, the primary one first. */
  readonly customerIds: readonly string[];
  readonly createdAt: Date | null;
  readonly changedAt: Date | null;
}

/**
 * The comparison key of customer ids and logins: they are unique and looked up ignoring case,
 * as in OTRS. Every adapter and loader uses this one function.
 */
export function idKey(value: string): string {
  return value.toLowerCase();
}

/** The ids without repeats by {@link idKey}, in their order; the first spelling of each wins. */
export function distinctIds(values: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const v of values) if (!seen.has(idKey(v))) seen.set(idKey(v), v);
  return [...seen.values()];
}
