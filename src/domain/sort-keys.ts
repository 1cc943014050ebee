import type { CustomerRecord, CustomerUserRecord } from './records';
import type { SortKey } from './page';

/** Letters that Unicode decomposition leaves whole, written as their usual base letters. */
const FOLDED: Readonly<Record<string, string>> = {
  æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ħ: 'h', ı: 'i', ŀ: 'l', ŧ: 't', ĸ: 'k',
};
const FOLDED_RE = new RegExp(`[${Object.keys(FOLDED).join('')}]`, 'gu');
const ASCII_RE = /^[\x00-\x7f]*$/;

/**
 * The one collation of every list: case- and accent-insensitive ("Çelik" sorts with the c's,
 * "ß" as "ss", "Æ" as "ae"). SQLite and PostgreSQL store these keys in columns compared
 * byte-wise, directories compute them in memory, and merged lists compare them with
 * `compareKeys`, so every source orders alike and cursors stay valid across sources.
 * Change it only with a migration that recomputes the stored keys.
 */
export function collationKey(value: string): string {
  // ASCII decomposes to itself and folds by case alone: the common case, without Unicode work.
  if (ASCII_RE.test(value)) return value.toLowerCase();
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase() // ß → SS
    .toLowerCase()
    .replace(FOLDED_RE, (c) => FOLDED[c]!);
}

/**
 * The list orders of the contract, as keys every adapter computes the same way: customers by
 * name then customer id, customer users by last name, first name, login, all by
 * {@link collationKey}; the last column is the lower-cased unique id, so a key is a position
 * in a merged list.
 */
export function customerSortKey(c: Pick<CustomerRecord, 'name' | 'customerId'>): SortKey {
  return [collationKey(c.name), c.customerId.toLowerCase()];
}

/** See {@link customerSortKey}. */
export function customerUserSortKey(u: Pick<CustomerUserRecord, 'lastName' | 'firstName' | 'login'>): SortKey {
  return [collationKey(u.lastName), collationKey(u.firstName), u.login.toLowerCase()];
}
