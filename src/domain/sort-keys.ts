import type { CustomerRecord, CustomerUserRecord } from './records';
import type { SortKey } from './page';

/**
 * The list orders of the contract, as keys every adapter computes the same way:
 * customers by name then customer id, customer users by last name, first name, login,
 * all ignoring case. The last column is unique, so a key is a position in a merged list.
 */
export function customerSortKey(c: Pick<CustomerRecord, 'name' | 'customerId'>): SortKey {
  return [c.name.toLowerCase(), c.customerId.toLowerCase()];
}

/** See {@link customerSortKey}. */
export function customerUserSortKey(u: Pick<CustomerUserRecord, 'lastName' | 'firstName' | 'login'>): SortKey {
  return [u.lastName.toLowerCase(), u.firstName.toLowerCase(), u.login.toLowerCase()];
}
