/**
 * The floor of the benchmark on PostgreSQL (`npm run bench -- --engine postgres`): the same
 * screens and JSON as bench/floor-server.ts, with hand-written SQL for PostgreSQL over a `pg`
 * pool (as many connections as the service's pool). No GraphQL, no loaders, no validation.
 *
 *   node dist/bench/floor-server-postgres.js <postgres-url> <port>
 *   GET /list                  → { data: CustomerList(first: 50) }
 *   GET /detail?customerId=ID  → { data: CustomerDetailView(customerId: ID) }
 */
import pg from 'pg';
import { detailResponse, listResponse, serveFloor, type ListRow, type TicketUserRow } from './floor-shapes';

const [database, portText] = process.argv.slice(2);
if (!database || !portText) {
  console.error('usage: node dist/bench/floor-server-postgres.js <postgres-url> <port>');
  process.exit(2);
}

// int8 and numeric (epoch milliseconds, counts, sums) as numbers, as the service reads them.
const types = { getTypeParser: (oid: number, format?: 'text') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) };
const pool = new pg.Pool({ connectionString: database, max: 10, types: types as never });
pool.on('error', () => {});
/** One statement, named so that PostgreSQL plans it once per connection, as better-sqlite3's prepare does. */
const prepared = (name: string, text: string) => async <R>(values: unknown[]) => (await pool.query({ name, text, values })).rows as R[];

const HOUR = 3_600_000;
/** The clock parameters $2..$4 of the escalated count (tickets per escalation hour, kept by triggers, plus the current hour). */
const clock = () => {
  const now = Date.now();
  return [now, Math.floor(now / HOUR), Math.floor(now / HOUR) * HOUR];
};
const OPEN_TYPES = `('NEW', 'OPEN', 'PENDING_REMINDER')`;
/** The five counts of the screens for an owner ('c' or 'u') whose key is `keyExpr`, as columns. */
const countColumns = (o: 'c' | 'u', keyExpr: string, ticketColumn: string) => `
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = '${o}' AND k.owner_key = ${keyExpr}) AS total,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = '${o}' AND k.owner_key = ${keyExpr} AND k.state_type IN ${OPEN_TYPES}) AS open,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = '${o}' AND k.owner_key = ${keyExpr} AND k.state_type = 'PENDING_REMINDER') AS pending_reminder,
    (SELECT coalesce(sum(n), 0) FROM ticket_due d WHERE d.owner = '${o}' AND d.owner_key = ${keyExpr} AND d.kind = 'e' AND d.hour < $3)
      + (SELECT count(*) FROM ticket t WHERE t.${ticketColumn} = ${keyExpr} AND t.is_open AND t.escalation_at >= $4 AND t.escalation_at <= $2) AS escalated`;

// ---- CustomerList(first: 50) ----------------------------------------------------------------

const listPage = prepared('list_page', `
  SELECT c.id, c.customer_id, c.name, c.city, c.country, c.valid, c.name_sort, c.customer_key, ${countColumns('c', 'c.customer_key', 'customer_key')}
  FROM customer c WHERE c.valid = 'VALID' ORDER BY c.name_sort, c.customer_key LIMIT $1`);
const listTotal = prepared('list_total', `SELECT count(*) AS n FROM customer WHERE valid = 'VALID'`);

// ---- CustomerDetailView ---------------------------------------------------------------------

const customerRow = prepared('customer_row', `
  SELECT c.*, ${countColumns('c', 'c.customer_key', 'customer_key')},
    (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = c.customer_key AND x.valid = 'VALID') AS users
  FROM customer c WHERE c.customer_key = $1`);

const TICKET_USER = `t.*, u.id AS u_id, u.login AS u_login, u.title AS u_title, u.first_name AS u_first, u.last_name AS u_last
  FROM ticket t LEFT JOIN customer_user u ON u.login_key = t.customer_user_key`;
const escalated = prepared('escalated', `SELECT ${TICKET_USER} WHERE t.customer_key = $1 AND t.is_open AND t.escalation_at <= $2
  ORDER BY t.escalation_at, t.id LIMIT 10`);
const reminders = prepared('reminders', `SELECT ${TICKET_USER} WHERE t.customer_key = $1 AND t.state_type = 'PENDING_REMINDER'
  AND t.pending_until IS NOT NULL ORDER BY t.pending_until, t.id LIMIT 10`);
const openTickets = prepared('open_tickets', `SELECT ${TICKET_USER} WHERE t.customer_key = $1 AND t.is_open
  ORDER BY t.created_at DESC, t.id DESC LIMIT 10`);
const allTickets = prepared('all_tickets', `SELECT ${TICKET_USER} WHERE t.customer_key = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 26`);
const users = prepared('users', `
  SELECT u.id, u.login, u.title, u.first_name, u.last_name, u.email, u.phone, u.valid, x.last_key, x.first_key, x.login_key,
    ${countColumns('u', 'x.login_key', 'customer_user_key')}
  FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id
  WHERE x.customer_key = $1 AND x.valid = 'VALID' ORDER BY x.last_key, x.first_key, x.login_key LIMIT 26`);

async function customerList(first: number): Promise<unknown> {
  const [rows, [total]] = await Promise.all([listPage<ListRow>([first + 1, ...clock()]), listTotal<{ n: number }>([])]);
  return listResponse(rows, first, total!.n);
}

async function customerDetail(customerId: string): Promise<unknown> {
  const key = customerId.toLowerCase();
  const params = [key, ...clock()];
  const [[c], all, userRows, escalatedRows, reminderRows, openRows] = await Promise.all([
    customerRow<Record<string, any>>(params),
    allTickets<TicketUserRow>([key]),
    users<Record<string, any>>(params),
    escalated<TicketUserRow>([key, params[1]]),
    reminders<TicketUserRow>([key]),
    openTickets<TicketUserRow>([key]),
  ]);
  return detailResponse(c, { all, users: userRows, escalated: escalatedRows, reminders: reminderRows, open: openRows }, 'postgres');
}

serveFloor(Number(portText), { list: customerList, detail: customerDetail });
