import { idKey, type CustomerRecord, type CustomerUserRecord, type Validity } from './records';
import { collationKey } from './sort-keys';

/**
 * Which records a list keeps, its window aside: the filter part of `CustomerQuery`,
 * `CustomerUserQuery` and `CustomerUsersOfCustomerQuery`. A record is in a list's `totalCount`
 * exactly when it matches the list's filter.
 */
export interface ListFilter {
  readonly valid: readonly Validity[];
  /** A literal substring of the searched fields, ignoring case and accents; null for none. */
  readonly search: string | null;
  /** Customer users only: the customer id (any case) one of the user's ids must be; null for any. */
  readonly customerId: string | null;
}

/** The kinds of record a list holds. */
export type ListKind = 'customers' | 'customerUsers';

/** The filter of a list request (a customer list has no customer; a customer's users no search). */
export function listFilterOf(query: { readonly valid: readonly Validity[]; readonly search?: string | null; readonly customerId?: string | null }): ListFilter {
  return { valid: query.valid, search: query.search ?? null, customerId: query.customerId ?? null };
}

/** The folded fields a customer search matches: customer id and name. */
export function customerSearchText(c: Pick<CustomerRecord, 'customerId' | 'name'>): string {
  return `${collationKey(c.customerId)}\n${collationKey(c.name)}`;
}

/** The folded fields a customer user search matches: login, e-mail, first and last name. */
export function customerUserSearchText(u: Pick<CustomerUserRecord, 'login' | 'email' | 'firstName' | 'lastName'>): string {
  return [u.login, u.email, u.firstName, u.lastName].map(collationKey).join('\n');
}

/**
 * Whether a record matches a list filter, as the port documents list filters (`search` a
 * literal substring of the searched fields by `collationKey`). The fields are joined by newlines,
 * so a search holding one matches nothing.
 */
export function matchesListFilter(kind: ListKind, record: CustomerRecord | CustomerUserRecord, filter: ListFilter): boolean {
  if (!filter.valid.includes(record.valid)) return false;
  if (kind === 'customerUsers' && filter.customerId !== null) {
    const wanted = idKey(filter.customerId);
    if (!(record as CustomerUserRecord).customerIds.some((id) => idKey(id) === wanted)) return false;
  }
  if (filter.search === null || filter.search === '') return true;
  const search = collationKey(filter.search);
  if (search.includes('\n')) return false;
  const text = kind === 'customers' ? customerSearchText(record as CustomerRecord) : customerUserSearchText(record as CustomerUserRecord);
  return text.includes(search);
}
