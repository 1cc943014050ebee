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
import countries from 'i18n-iso-countries';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { benchLinks } from './bench-config';

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

const COUNTRY = new Map(Object.entries(countries.getNames('en', { select: 'official' })).map(([code, name]) => [code, { code, name }]));
const country = (code: string | null) => (code ? (COUNTRY.get(code.toUpperCase()) ?? null) : null);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const cursor = (key: (string | number)[]) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const fullName = (title: string | null, first: string, last: string) =>
  [title, first, last].filter((p) => p && p.trim() !== '').join(' ').replace(/\s+/g, ' ');
const SOURCE = { id: 'local', name: 'Helpdesk database', kind: 'postgres', readOnly: false };
const gid = (...parts: (string | number)[]) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
const customerGid = (id: number) => gid('Customer', SOURCE.id, String(id));
const userGid = (id: number) => gid('CustomerUser', SOURCE.id, String(id));
const ticketGid = (id: number) => gid('Ticket', id);
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
interface Counts {
  total: number;
  open: number;
  pending_reminder: number;
  escalated: number;
}
const counts = (r: Counts) => ({ open: r.open, closed: r.total - r.open, escalated: r.escalated, pendingReminder: r.pending_reminder, total: r.total });
const pageInfo = (hasNextPage: boolean, first: (string | number)[] | null, last: (string | number)[] | null) => ({
  hasNextPage,
  hasPreviousPage: false,
  startCursor: first ? cursor(first) : null,
  endCursor: last ? cursor(last) : null,
});

// ---- CustomerList(first: 50) ----------------------------------------------------------------

const listPage = prepared('list_page', `
  SELECT c.id, c.customer_id, c.name, c.city, c.country, c.valid, c.name_sort, c.customer_key, ${countColumns('c', 'c.customer_key', 'customer_key')}
  FROM customer c WHERE c.valid = 'VALID' ORDER BY c.name_sort, c.customer_key LIMIT $1`);
const listTotal = prepared('list_total', `SELECT count(*) AS n FROM customer WHERE valid = 'VALID'`);

interface ListRow extends Counts {
  id: number;
  customer_id: string;
  name: string;
  city: string | null;
  country: string | null;
  valid: string;
  name_sort: string;
  customer_key: string;
}

async function customerList(first: number): Promise<unknown> {
  const [rows, [total]] = await Promise.all([listPage<ListRow>([first + 1, ...clock()]), listTotal<{ n: number }>([])]);
  const page = rows.slice(0, first);
  const key = (r: ListRow) => [r.name_sort, r.customer_key];
  return {
    customers: {
      totalCount: total!.n,
      pageInfo: pageInfo(rows.length > first, page.length ? key(page[0]!) : null, page.length ? key(page[page.length - 1]!) : null),
      unavailableSources: [],
      edges: page.map((r) => ({
        cursor: cursor(key(r)),
        node: {
          id: customerGid(r.id),
          customerId: r.customer_id,
          name: r.name,
          city: r.city,
          country: country(r.country),
          valid: r.valid,
          readOnly: false,
          viewerCanUpdate: false,
          dataSource: { id: SOURCE.id, name: SOURCE.name },
          ticketCounts: counts(r),
        },
      })),
    },
  };
}

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

interface TicketUserRow {
  id: number;
  number: string;
  title: string;
  state: string;
  state_type: string;
  priority: string;
  queue: string;
  created_at: number;
  changed_at: number;
  escalation_at: number | null;
  pending_until: number | null;
  u_id: number | null;
  u_login: string | null;
  u_title: string | null;
  u_first: string;
  u_last: string;
}

const ticketUser = (t: TicketUserRow) =>
  t.u_login === null ? null : { id: userGid(t.u_id!), login: t.u_login, fullName: fullName(t.u_title, t.u_first, t.u_last) };

/** A widget: its total and its first page as edges (the cursor is the list's sort key). */
function widget(rows: TicketUserRow[], totalCount: number, key: (t: TicketUserRow) => number[], node: (t: TicketUserRow) => object) {
  return { totalCount, edges: rows.map((t) => ({ cursor: cursor(key(t)), node: { id: ticketGid(t.id), ...node(t), customerUser: ticketUser(t) } })) };
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
  if (!c) return { customer: null };
  const record = {
    customerId: c.customer_id,
    name: c.name,
    street: c.street,
    zip: c.zip,
    city: c.city,
    countryCode: c.country,
    url: c.url,
  };
  const page = all.slice(0, 25);
  const userPage = userRows.slice(0, 25);
  const userKey = (u: Record<string, any>) => [u.last_key, u.first_key, u.login_key];
  const ticketKey = (t: TicketUserRow) => [t.created_at, t.id];
  const { mapUrl, links } = benchLinks(record);
  return {
    customer: {
      id: customerGid(c.id),
      customerId: c.customer_id,
      name: c.name,
      valid: c.valid,
      street: c.street,
      zip: c.zip,
      city: c.city,
      country: country(c.country),
      url: c.url,
      comment: c.comment,
      readOnly: false,
      viewerCanUpdate: false,
      createdAt: iso(c.created_at),
      changedAt: iso(c.changed_at),
      dataSource: SOURCE,
      ticketCounts: counts(c as Counts),
      mapUrl,
      links,
      escalatedTickets: widget(escalatedRows, c.escalated, (t) => [t.escalation_at!, t.id], (t) => ({
        number: t.number,
        title: t.title,
        state: t.state,
        priority: t.priority,
        escalationAt: iso(t.escalation_at),
      })),
      reminderTickets: widget(reminderRows, c.pending_reminder, (t) => [t.pending_until!, t.id], (t) => ({
        number: t.number,
        title: t.title,
        state: t.state,
        pendingUntil: iso(t.pending_until),
      })),
      openTickets: widget(openRows, c.open, ticketKey, (t) => ({
        number: t.number,
        title: t.title,
        state: t.state,
        stateType: t.state_type,
        priority: t.priority,
        createdAt: iso(t.created_at),
      })),
      customerUsers: {
        totalCount: c.users,
        pageInfo: pageInfo(userRows.length > 25, userPage.length ? userKey(userPage[0]!) : null, userPage.length ? userKey(userPage[userPage.length - 1]!) : null),
        edges: userPage.map((u) => ({
          cursor: cursor(userKey(u)),
          node: {
            id: userGid(u.id),
            login: u.login,
            fullName: fullName(u.title, u.first_name, u.last_name),
            email: u.email,
            phone: u.phone,
            valid: u.valid,
            readOnly: false,
            viewerCanUpdate: false,
            ticketCounts: counts(u as Counts),
          },
        })),
      },
      tickets: {
        totalCount: c.total,
        pageInfo: pageInfo(all.length > 25, page.length ? ticketKey(page[0]!) : null, page.length ? ticketKey(page[page.length - 1]!) : null),
        edges: page.map((t) => ({
          cursor: cursor(ticketKey(t)),
          node: {
            id: ticketGid(t.id),
            number: t.number,
            title: t.title,
            state: t.state,
            stateType: t.state_type,
            priority: t.priority,
            queue: t.queue,
            createdAt: iso(t.created_at),
            changedAt: iso(t.changed_at),
            customerUser: ticketUser(t),
          },
        })),
      },
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/list') return send(res, 200, { data: await customerList(50) });
    if (url.pathname === '/detail') return send(res, 200, { data: await customerDetail(url.searchParams.get('customerId') ?? '') });
    if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
    send(res, 404, { error: 'no such route' });
  } catch (e) {
    console.error(e);
    send(res, 500, { error: 'internal' });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portText), '127.0.0.1');
