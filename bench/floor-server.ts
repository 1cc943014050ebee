/**
 * The floor of the benchmark: a plain node:http server answering the customer list (first 50)
 * and the customer detail view on the same database, producing the same JSON as the service's
 * contract operations. No GraphQL, no loaders, no validation: the best a hand-written endpoint
 * can do.
 *
 * The list runs the service's own statement (built from the adapter's column list and count
 * columns, as adapters/sqlite runs it: the page, its customers' counts and the total in one
 * statement, rows as arrays) and decodes its rows with the adapter's decoder, so that the ratio
 * measures what the service adds around the SQL. Until issue 21 it ran two statements of its own
 * (the page with fewer columns, then the total). The detail view keeps its six hand-written
 * statements: the service's five are not cheaper on SQLite (docs/performance.md, "The benchmark").
 *
 *   node dist/bench/floor-server.js <database> <port>
 *   GET /list                  → { data: CustomerList(first: 50) }
 *   GET /detail?customerId=ID  → { data: CustomerDetailView(customerId: ID) }
 */
import Database from 'better-sqlite3';
import { countColumns as serviceCountColumns } from '../adapters/sqlite/sqlite-count-columns';
import { CUSTOMER_COLUMNS, CUSTOMER_WIDTH, customerOfValues } from '../adapters/sqlite/sqlite-mapper';
import { collationKey } from '../src/domain/sort-keys';
import { detailResponse, listResponse, serveFloor, type ListRow, type TicketUserRow } from './floor-shapes';

const [database, portText] = process.argv.slice(2);
if (!database || !portText) {
  console.error('usage: node dist/bench/floor-server.js <database> <port>');
  process.exit(2);
}

const db = new Database(database, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');

const HOUR = 3_600_000;
/** The clock parameters of the escalated count (tickets per escalation hour, kept by triggers, plus the current hour). */
const clock = () => {
  const now = Date.now();
  return { now, hour: Math.floor(now / HOUR), hourStart: Math.floor(now / HOUR) * HOUR };
};
const OPEN_TYPES = `('NEW', 'OPEN', 'PENDING_REMINDER')`;
/** The five counts of the screens for an owner ('c' or 'u') whose key is `keyExpr`, as columns. */
const countColumns = (o: 'c' | 'u', keyExpr: string, ticketColumn: string) => `
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = '${o}' AND k.owner_key = ${keyExpr}) AS total,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = '${o}' AND k.owner_key = ${keyExpr} AND k.state_type IN ${OPEN_TYPES}) AS open,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = '${o}' AND k.owner_key = ${keyExpr} AND k.state_type = 'PENDING_REMINDER') AS pending_reminder,
    (SELECT coalesce(sum(n), 0) FROM ticket_due d WHERE d.owner = '${o}' AND d.owner_key = ${keyExpr} AND d.kind = 'e' AND d.hour < @hour)
      + (SELECT count(*) FROM ticket t WHERE t.${ticketColumn} = ${keyExpr} AND t.is_open = 1 AND t.escalation_at >= @hourStart AND t.escalation_at <= @now) AS escalated`;

// ---- CustomerList(first: 50) ----------------------------------------------------------------

const listPage = db
  .prepare(
    `SELECT ${CUSTOMER_COLUMNS}, customer_key, ${serviceCountColumns('customer', 'customer.customer_key', true, { kind: 'all' })}, (SELECT count(*) FROM customer WHERE valid = @v0) AS total FROM customer WHERE valid = @v0  ORDER BY name_sort ASC, customer_key ASC LIMIT @n`,
  )
  .raw(true);

/** A row of the list statement as floor-shapes reads it: the customer by the adapter's decoder, then its key, counts and the total. */
function listRow(v: unknown[]): ListRow {
  const c = customerOfValues(v, 'local');
  const at = CUSTOMER_WIDTH;
  return {
    id: Number(c.stableId),
    customer_id: c.customerId,
    name: c.name,
    city: c.city,
    country: c.countryCode,
    valid: c.valid,
    name_sort: collationKey(c.name),
    customer_key: v[at] as string,
    total: v[at + 1] as number,
    open: v[at + 2] as number,
    pending_reminder: v[at + 3] as number,
    escalated: v[at + 4] as number,
  };
}

// ---- CustomerDetailView ---------------------------------------------------------------------

const customerRow = db.prepare(`
  SELECT c.*, ${countColumns('c', 'c.customer_key', 'customer_key')},
    (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = c.customer_key AND x.valid = 'VALID') AS users
  FROM customer c WHERE c.customer_key = @key`);

const TICKET_USER = `t.*, u.id AS u_id, u.login AS u_login, u.title AS u_title, u.first_name AS u_first, u.last_name AS u_last
  FROM ticket t LEFT JOIN customer_user u ON u.login_key = t.customer_user_key`;
const escalated = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key AND t.is_open = 1 AND t.escalation_at <= @now
  ORDER BY t.escalation_at, t.id LIMIT 10`);
const reminders = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key AND t.state_type = 'PENDING_REMINDER'
  AND t.pending_until IS NOT NULL ORDER BY t.pending_until, t.id LIMIT 10`);
const openTickets = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key AND t.is_open = 1
  ORDER BY t.created_at DESC, t.id DESC LIMIT 10`);
const allTickets = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key ORDER BY t.created_at DESC, t.id DESC LIMIT 26`);
const users = db.prepare(`
  SELECT u.id, u.login, u.title, u.first_name, u.last_name, u.email, u.phone, u.valid, x.last_key, x.first_key, x.login_key,
    ${countColumns('u', 'x.login_key', 'customer_user_key')}
  FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id
  WHERE x.customer_key = @key AND x.valid = 'VALID' ORDER BY x.last_key, x.first_key, x.login_key LIMIT 26`);

function customerList(first: number): unknown {
  const rows = listPage.all({ v0: 'VALID', ...clock(), n: first + 1 }) as unknown[][];
  // The bench's list is never empty: the total comes with its rows.
  return listResponse(rows.map(listRow), first, rows[0]![rows[0]!.length - 1] as number);
}

function customerDetail(customerId: string): unknown {
  const params = { key: customerId.toLowerCase(), ...clock() };
  return detailResponse(customerRow.get(params) as Record<string, any> | undefined, {
    all: allTickets.all(params) as TicketUserRow[],
    users: users.all(params) as Record<string, any>[],
    escalated: escalated.all(params) as TicketUserRow[],
    reminders: reminders.all(params) as TicketUserRow[],
    open: openTickets.all(params) as TicketUserRow[],
  }, 'sqlite');
}

serveFloor(Number(portText), { list: customerList, detail: customerDetail });
