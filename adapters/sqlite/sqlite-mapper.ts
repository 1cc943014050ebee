import type { CustomerRecord, CustomerUserRecord, Validity } from '../../src/domain/records';
import type { TicketRecord, TicketStateType } from '../../src/domain/tickets';

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

/** A row of `customer_user` with its customer ids as a JSON array (`customer_ids`). */
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
  customer_ids: string;
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

/** The column list that {@link toCustomer} reads. */
export const CUSTOMER_COLUMNS = `id, customer_id, name, valid, street, zip, city, country, url, comment, created_at, changed_at`;

/** The column list that {@link toCustomerUser} reads, with the user's customer ids in position order. */
export const CUSTOMER_USER_COLUMNS = `u.id, u.login, u.email, u.title, u.first_name, u.last_name, u.phone, u.mobile,
  u.street, u.zip, u.city, u.country, u.comment, u.valid, u.customer_id, u.created_at, u.changed_at,
  (SELECT json_group_array(customer_id) FROM (SELECT customer_id FROM customer_user_customer x
     WHERE x.user_id = u.id ORDER BY x.position)) AS customer_ids`;

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
  const ids = JSON.parse(row.customer_ids) as string[];
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
    customerIds: ids.length > 0 ? ids : [row.customer_id],
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

/** Puts rows tagged with `idx` (their key's position) back in key order, `null` where none. */
export function inKeyOrder<R extends { idx: number }, T>(count: number, rows: readonly R[], map: (row: R) => T): (T | null)[] {
  const out: (T | null)[] = new Array(count).fill(null);
  for (const row of rows) out[row.idx] = map(row);
  return out;
}
