import { collationKey } from '../../src/domain/sort-keys';
import { idKey, type CustomerRecord, type CustomerUserRecord, type NewCustomerUser, type Validity } from '../../src/domain/records';
import type { TicketRecord, TicketStateType } from '../../src/domain/tickets';

// The rows and write columns of the helpdesk tables, shared by the SQL engines (adapters/sqlite,
// adapters/postgres): the same tables, so one mapping. Each engine's mapper adds its own SQL.

/** A row of the `customer` table. */
export interface CustomerRow {
  id: number;
  customer_id: string;
  name: string;
  valid: string;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  url: string | null;
  comment: string | null;
  created_at: number;
  changed_at: number;
}

/** A row of `customer_user` with its customer ids in position order (`customer_ids`; SQLite reads them as JSON, see sqlite-mapper.ts). */
export interface CustomerUserRow {
  id: number;
  login: string;
  email: string;
  title: string | null;
  first_name: string;
  last_name: string;
  phone: string | null;
  mobile: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  comment: string | null;
  valid: string;
  customer_id: string;
  customer_ids: readonly string[];
  created_at: number;
  changed_at: number;
}

/** A row of the `ticket` table. */
export interface TicketRow {
  id: number;
  number: string;
  title: string;
  state: string;
  state_type: string;
  priority: string;
  queue: string;
  customer_id: string | null;
  customer_user_login: string | null;
  created_at: number;
  changed_at: number;
  escalation_at: number | null;
  pending_until: number | null;
}

/** Maps a customer row to the domain record. */
export function toCustomer(row: CustomerRow, sourceId: string): CustomerRecord {
  return {
    sourceId,
    stableId: String(row.id),
    customerId: row.customer_id,
    name: row.name,
    valid: row.valid as Validity,
    street: row.street,
    zip: row.zip,
    city: row.city,
    countryCode: row.country,
    url: row.url,
    comment: row.comment,
    createdAt: new Date(row.created_at),
    changedAt: new Date(row.changed_at),
  };
}

/** Maps a customer user row to the domain record. */
export function toCustomerUser(row: CustomerUserRow, sourceId: string): CustomerUserRecord {
  return {
    sourceId,
    stableId: String(row.id),
    login: row.login,
    email: row.email,
    title: row.title,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    mobile: row.mobile,
    street: row.street,
    zip: row.zip,
    city: row.city,
    countryCode: row.country,
    comment: row.comment,
    valid: row.valid as Validity,
    customerId: row.customer_id,
    customerIds: row.customer_ids.length > 0 ? row.customer_ids : [row.customer_id],
    createdAt: new Date(row.created_at),
    changedAt: new Date(row.changed_at),
  };
}

/** Maps a ticket row to the domain record. */
export function toTicket(row: TicketRow): TicketRecord {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    state: row.state,
    stateType: row.state_type as TicketStateType,
    priority: row.priority,
    queue: row.queue,
    customerId: row.customer_id,
    customerUserLogin: row.customer_user_login,
    createdAt: new Date(row.created_at),
    changedAt: new Date(row.changed_at),
    escalationAt: row.escalation_at === null ? null : new Date(row.escalation_at),
    pendingUntil: row.pending_until === null ? null : new Date(row.pending_until),
  };
}

/**
 * Puts rows tagged with their key's 0-based position (`idx`, or what `indexOf` reads: rows read
 * as arrays) back in key order, `null` where none.
 */
export function inKeyOrder<R extends { idx: number }, T>(count: number, rows: readonly R[], map: (row: R) => T): (T | null)[];
export function inKeyOrder<R, T>(count: number, rows: readonly R[], map: (row: R) => T, indexOf: (row: R) => number): (T | null)[];
export function inKeyOrder<R, T>(count: number, rows: readonly R[], map: (row: R) => T, indexOf = (row: R) => (row as { idx: number }).idx): (T | null)[] {
  const out: (T | null)[] = new Array(count).fill(null);
  for (const row of rows) out[indexOf(row)] = map(row);
  return out;
}

/** The columns of a customer user's row, with its sort and lookup keys. */
export function userColumns(u: Omit<NewCustomerUser, 'login'>) {
  return {
    email: u.email,
    title: u.title,
    firstName: u.firstName,
    lastName: u.lastName,
    firstKey: collationKey(u.firstName),
    lastKey: collationKey(u.lastName),
    phone: u.phone,
    mobile: u.mobile,
    street: u.street,
    zip: u.zip,
    city: u.city,
    countryCode: u.countryCode,
    comment: u.comment,
    valid: u.valid,
    customerId: u.customerId,
    customerKey: idKey(u.customerId),
  };
}

/** The keys of a patch that were given (undefined means "leave as it is"). */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
