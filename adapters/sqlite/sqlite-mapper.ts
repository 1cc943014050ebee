import type { CustomerRecord, CustomerUserRecord } from '../../src/domain/records';
import type { TicketRecord } from '../../src/domain/tickets';
import { toCustomer, toCustomerUser as fromRow, toTicket, type CustomerUserRow as Row } from '../sql/sql-rows';

export { inKeyOrder, toCustomer, toTicket, type CustomerRow, type TicketRow } from '../sql/sql-rows';

/** A row of `customer_user` as SQLite returns it: the customer ids as a JSON array. */
export type CustomerUserRow = Omit<Row, 'customer_ids'> & { customer_ids: string };

/** The column list that {@link toCustomer} reads. */
export const CUSTOMER_COLUMNS = `id, customer_id, name, valid, street, zip, city, country, url, comment, created_at, changed_at`;

/** The column list that {@link toCustomerUser} reads, with the user's customer ids in position order. */
export const CUSTOMER_USER_COLUMNS = `u.id, u.login, u.email, u.title, u.first_name, u.last_name, u.phone, u.mobile,
  u.street, u.zip, u.city, u.country, u.comment, u.valid, u.customer_id, u.created_at, u.changed_at,
  (SELECT json_group_array(customer_id) FROM (SELECT customer_id FROM customer_user_customer x
     WHERE x.user_id = u.id ORDER BY x.position)) AS customer_ids`;

/** Maps a customer user row (customer ids as JSON) to the domain record. */
export function toCustomerUser(row: CustomerUserRow, sourceId: string) {
  return fromRow({ ...row, customer_ids: JSON.parse(row.customer_ids) as string[] }, sourceId);
}

// Rows read as arrays of column values (SqliteConnection.values): the column lists above, in
// their order, from position `at`. Each mapper names the columns once, as the object rows do.

/** The number of columns of {@link CUSTOMER_COLUMNS}. */
export const CUSTOMER_WIDTH = 12;

/** A customer from the values of {@link CUSTOMER_COLUMNS} at `at`. */
export function customerOfValues(v: readonly unknown[], sourceId: string, at = 0): CustomerRecord {
  return toCustomer(
    {
      id: v[at] as number,
      customer_id: v[at + 1] as string,
      name: v[at + 2] as string,
      valid: v[at + 3] as string,
      street: v[at + 4] as string | null,
      zip: v[at + 5] as string | null,
      city: v[at + 6] as string | null,
      country: v[at + 7] as string | null,
      url: v[at + 8] as string | null,
      comment: v[at + 9] as string | null,
      created_at: v[at + 10] as number,
      changed_at: v[at + 11] as number,
    },
    sourceId,
  );
}

/** The number of columns of {@link CUSTOMER_USER_COLUMNS}. */
export const CUSTOMER_USER_WIDTH = 18;

/** A customer user from the values of {@link CUSTOMER_USER_COLUMNS} at `at`. */
export function customerUserOfValues(v: readonly unknown[], sourceId: string, at = 0): CustomerUserRecord {
  return toCustomerUser(
    {
      id: v[at] as number,
      login: v[at + 1] as string,
      email: v[at + 2] as string,
      title: v[at + 3] as string | null,
      first_name: v[at + 4] as string,
      last_name: v[at + 5] as string,
      phone: v[at + 6] as string | null,
      mobile: v[at + 7] as string | null,
      street: v[at + 8] as string | null,
      zip: v[at + 9] as string | null,
      city: v[at + 10] as string | null,
      country: v[at + 11] as string | null,
      comment: v[at + 12] as string | null,
      valid: v[at + 13] as string,
      customer_id: v[at + 14] as string,
      created_at: v[at + 15] as number,
      changed_at: v[at + 16] as number,
      customer_ids: v[at + 17] as string,
    },
    sourceId,
  );
}

/** The columns of a ticket (alias `t`) that {@link ticketOfValues} reads, in its order. */
export const TICKET_COLUMNS = `t.id, t.number, t.title, t.state, t.state_type, t.priority, t.queue, t.customer_id,
  t.customer_user_login, t.created_at, t.changed_at, t.escalation_at, t.pending_until`;

/** A ticket from the values of {@link TICKET_COLUMNS} at `at`. */
export function ticketOfValues(v: readonly unknown[], at = 0): TicketRecord {
  return toTicket({
    id: v[at] as number,
    number: v[at + 1] as string,
    title: v[at + 2] as string,
    state: v[at + 3] as string,
    state_type: v[at + 4] as string,
    priority: v[at + 5] as string,
    queue: v[at + 6] as string,
    customer_id: v[at + 7] as string | null,
    customer_user_login: v[at + 8] as string | null,
    created_at: v[at + 9] as number,
    changed_at: v[at + 10] as number,
    escalation_at: v[at + 11] as number | null,
    pending_until: v[at + 12] as number | null,
  });
}
