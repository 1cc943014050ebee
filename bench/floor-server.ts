/**
 * The floor of the benchmark: a plain node:http server answering the customer list (first 50)
 * and the customer detail view with hand-written SQL on the same database, producing the same
 * JSON as the service's contract operations. No GraphQL, no loaders, no validation: the best a
 * hand-written endpoint can do.
 *
 *   node dist/bench/floor-server.js <database> <port>
 *   GET /list                  → { data: CustomerList(first: 50) }
 *   GET /detail?customerId=ID  → { data: CustomerDetailView(customerId: ID) }
 */
import Database from 'better-sqlite3';
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

const listPage = db.prepare(`
  SELECT c.id, c.customer_id, c.name, c.city, c.country, c.valid, c.name_sort, c.customer_key, ${countColumns('c', 'c.customer_key', 'customer_key')}
  FROM customer c WHERE c.valid = 'VALID' ORDER BY c.name_sort, c.customer_key LIMIT @n`);
const listTotal = db.prepare(`SELECT count(*) AS n FROM customer WHERE valid = 'VALID'`).pluck();

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
  return listResponse(listPage.all({ ...clock(), n: first + 1 }) as ListRow[], first, listTotal.get() as number);
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
