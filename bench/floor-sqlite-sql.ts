/**
 * The statements of the SQLite floor (bench/floor-server.ts): the service's own, as
 * adapters/sqlite runs them for the two screens, built from the adapter's column lists and count
 * columns. `test/unit/floor-sql.test.ts` runs both screens through the service and fails when a
 * statement here differs from one the service ran, so the ratio measures what the service adds
 * around its SQL, not a difference in SQL.
 */
import { countColumns, dueSql, OPEN_TYPES_SQL } from '../adapters/sqlite/sqlite-count-columns';
import { CUSTOMER_COLUMNS, CUSTOMER_USER_COLUMNS, TICKET_COLUMNS } from '../adapters/sqlite/sqlite-mapper';

const ALL = { kind: 'all' } as const;

/** CustomerList(first): the page with its customers' counts and the total (parameters v0, n, now, hour, hourStart). */
export const LIST_SQL = `SELECT ${CUSTOMER_COLUMNS}, customer_key, ${countColumns('customer', 'customer.customer_key', true, ALL)}, (SELECT count(*) FROM customer WHERE valid = @v0) AS total FROM customer WHERE valid = @v0  ORDER BY name_sort ASC, customer_key ASC LIMIT @n`;

/** The ticket widget branches of the detail view: escalated, reminder, open, all (the service's `fewLists`). */
const WIDGETS: readonly [condition: string, order: string][] = [
  ['t2.is_open = 1 AND t2.escalation_at <= @now', 't2.escalation_at ASC, t2.id ASC'],
  [`t2.state_type = 'PENDING_REMINDER' AND t2.pending_until <= 9000000000000000`, 't2.pending_until ASC, t2.id ASC'],
  ['t2.is_open = 1', 't2.created_at DESC, t2.id DESC'],
  ['', 't2.created_at DESC, t2.id DESC'],
];

/** CustomerDetailView's statements, in the order the service runs them: four, and the fifth (`usersByLogin`) only when a ticket names a user the page did not list. */
export const DETAIL_SQL = {
  /** The customer by its key (one JSON array, as the customer loader binds its batch). */
  customer: `SELECT k.key AS idx, c.* FROM json_each(?) k JOIN customer c ON c.customer_key = k.value`,
  /** Its ticket counts, escalated included (parameters keys, now, hour, hourStart). */
  counts: `SELECT k.key AS idx,
        coalesce(sum(c.n), 0) AS total,
        coalesce(sum(c.n) FILTER (WHERE c.state_type IN (${OPEN_TYPES_SQL})), 0) AS open,
        coalesce(sum(c.n) FILTER (WHERE c.state_type = 'PENDING_REMINDER'), 0) AS pending,
        ${dueSql('customer', 'e')} AS escalated
      FROM json_each(@keys) k LEFT JOIN ticket_count c ON c.owner = 'c' AND c.owner_key = k.value
      GROUP BY k.key`,
  /** The four widgets in one statement (parameters now, i0..i3, o0..o3, n0..n3). */
  widgets: WIDGETS.map(
    ([condition, order], j) => `SELECT @i${j} AS idx, ${TICKET_COLUMNS} FROM ticket t WHERE t.id IN (
        SELECT id FROM ticket t2 WHERE t2.customer_key = @o${j}${condition ? ` AND ${condition}` : ''} ORDER BY ${order} LIMIT @n${j})`,
  ).join('\nUNION ALL\n'),
  /** The customer-user page with its users' counts and its total (parameters c, v0, n, now, hour, hourStart). */
  users: `SELECT ${CUSTOMER_USER_COLUMNS}, x.login_key, ${countColumns('customerUser', 'x.login_key', true, ALL)}, (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = @c AND x.valid = @v0) AS total FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id
         WHERE x.customer_key = @c AND x.valid = @v0  ORDER BY x.last_key ASC, x.first_key ASC, x.login_key ASC LIMIT @n`,
  /** The customer users of the listed tickets that the page did not hold (one JSON array of login keys). */
  usersByLogin: `SELECT k.key AS idx, ${CUSTOMER_USER_COLUMNS} FROM json_each(?) k JOIN customer_user u ON u.login_key = k.value`,
} as const;
