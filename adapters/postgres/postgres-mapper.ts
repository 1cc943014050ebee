export { inKeyOrder, toCustomer, toCustomerUser, toTicket, type CustomerRow, type CustomerUserRow, type TicketRow } from '../sql/sql-rows';

/** The column list that {@link toCustomerUser} reads (alias `u`), customer ids as a text array. */
export const CUSTOMER_USER_COLUMNS = `u.id, u.login, u.email, u.title, u.first_name, u.last_name, u.phone, u.mobile,
  u.street, u.zip, u.city, u.country, u.comment, u.valid, u.customer_id, u.created_at, u.changed_at,
  ARRAY(SELECT x.customer_id FROM customer_user_customer x WHERE x.user_id = u.id ORDER BY x.position) AS customer_ids`;
