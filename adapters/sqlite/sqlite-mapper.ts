import { toCustomerUser as fromRow, type CustomerUserRow as Row } from '../sql/sql-rows';

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
