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
import countries from 'i18n-iso-countries';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { benchLinks } from './bench-config';

const [database, portText] = process.argv.slice(2);
if (!database || !portText) {
  console.error('usage: node dist/bench/floor-server.js <database> <port>');
  process.exit(2);
}

const db = new Database(database, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');

const COUNTRY = new Map(Object.entries(countries.getNames('en', { select: 'official' })).map(([code, name]) => [code, { code, name }]));
const country = (code: string | null) => (code ? (COUNTRY.get(code.toUpperCase()) ?? null) : null);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const cursor = (key: (string | number)[]) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const fullName = (title: string | null, first: string, last: string) =>
  [title, first, last].filter((p) => p && p.trim() !== '').join(' ').replace(/\s+/g, ' ');
const SOURCE = { id: 'local', name: 'Helpdesk database', kind: 'sqlite', readOnly: false };

// ---- CustomerList(first: 50) ----------------------------------------------------------------

const listPage = db.prepare(`
  SELECT c.customer_id, c.name, c.city, c.country, c.valid, c.name_sort, c.customer_key,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key
       AND k.state_type IN ('NEW', 'OPEN', 'PENDING_REMINDER')) AS open,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key
       AND k.state_type NOT IN ('NEW', 'OPEN', 'PENDING_REMINDER')) AS closed
  FROM customer c WHERE c.valid = 'VALID' ORDER BY c.name_sort, c.customer_key LIMIT ?`);
const listTotal = db.prepare(`SELECT count(*) AS n FROM customer WHERE valid = 'VALID'`).pluck();

interface ListRow {
  customer_id: string;
  name: string;
  city: string | null;
  country: string | null;
  valid: string;
  name_sort: string;
  customer_key: string;
  open: number;
  closed: number;
}

function customerList(first: number): unknown {
  const rows = listPage.all(first + 1) as ListRow[];
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  return {
    customers: {
      totalCount: listTotal.get() as number,
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? cursor([last.name_sort, last.customer_key]) : null },
      nodes: page.map((r) => ({
        customerId: r.customer_id,
        name: r.name,
        city: r.city,
        country: country(r.country),
        valid: r.valid,
        readOnly: false,
        viewerCanUpdate: false,
        dataSource: { id: SOURCE.id, name: SOURCE.name },
        ticketCounts: { open: r.open, closed: r.closed },
      })),
    },
  };
}

// ---- CustomerDetailView ---------------------------------------------------------------------

const customerRow = db.prepare(`
  SELECT c.*,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key) AS total,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key
       AND k.state_type IN ('NEW', 'OPEN', 'PENDING_REMINDER')) AS open,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key
       AND k.state_type = 'PENDING_REMINDER') AS pending_reminder,
    (SELECT count(*) FROM ticket t WHERE t.customer_key = c.customer_key AND t.is_open = 1 AND t.escalation_at <= @now) AS escalated,
    (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = c.customer_key AND x.valid = 'VALID') AS users
  FROM customer c WHERE c.customer_key = @key`);

const TICKET_USER = `t.*, u.login AS u_login, u.title AS u_title, u.first_name AS u_first, u.last_name AS u_last
  FROM ticket t LEFT JOIN customer_user u ON u.login_key = t.customer_user_key`;
const escalated = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key AND t.is_open = 1 AND t.escalation_at <= @now
  ORDER BY t.escalation_at, t.id LIMIT 10`);
const reminders = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key AND t.state_type = 'PENDING_REMINDER'
  AND t.pending_until IS NOT NULL ORDER BY t.pending_until, t.id LIMIT 10`);
const openTickets = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key AND t.is_open = 1
  ORDER BY t.created_at DESC, t.id DESC LIMIT 10`);
const allTickets = db.prepare(`SELECT ${TICKET_USER} WHERE t.customer_key = @key ORDER BY t.created_at DESC, t.id DESC LIMIT 26`);
const users = db.prepare(`
  SELECT u.login, u.title, u.first_name, u.last_name, u.email, u.phone, u.valid, x.last_key, x.first_key, x.login_key,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'u' AND k.owner_key = x.login_key
       AND k.state_type IN ('NEW', 'OPEN', 'PENDING_REMINDER')) AS open,
    (SELECT coalesce(sum(n), 0) FROM ticket_count k WHERE k.owner = 'u' AND k.owner_key = x.login_key
       AND k.state_type NOT IN ('NEW', 'OPEN', 'PENDING_REMINDER')) AS closed
  FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id
  WHERE x.customer_key = @key AND x.valid = 'VALID' ORDER BY x.last_key, x.first_key, x.login_key LIMIT 26`);

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
  u_login: string | null;
  u_title: string | null;
  u_first: string;
  u_last: string;
}

const ticketUser = (t: TicketUserRow) => (t.u_login === null ? null : { login: t.u_login, fullName: fullName(t.u_title, t.u_first, t.u_last) });

function customerDetail(customerId: string): unknown {
  const params = { key: customerId.toLowerCase(), now: Date.now() };
  const c = customerRow.get(params) as Record<string, any> | undefined;
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
  const all = allTickets.all(params) as TicketUserRow[];
  const page = all.slice(0, 25);
  const lastTicket = page[page.length - 1];
  const userRows = users.all(params) as Record<string, any>[];
  const userPage = userRows.slice(0, 25);
  const lastUser = userPage[userPage.length - 1];
  const { mapUrl, links } = benchLinks(record);
  return {
    customer: {
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
      ticketCounts: { open: c.open, closed: c.total - c.open, escalated: c.escalated, pendingReminder: c.pending_reminder, total: c.total },
      mapUrl,
      links,
      escalatedTickets: {
        totalCount: c.escalated,
        nodes: (escalated.all(params) as TicketUserRow[]).map((t) => ({
          number: t.number,
          title: t.title,
          state: t.state,
          priority: t.priority,
          escalationAt: iso(t.escalation_at),
          customerUser: ticketUser(t),
        })),
      },
      reminderTickets: {
        totalCount: c.pending_reminder,
        nodes: (reminders.all(params) as TicketUserRow[]).map((t) => ({
          number: t.number,
          title: t.title,
          state: t.state,
          pendingUntil: iso(t.pending_until),
          customerUser: ticketUser(t),
        })),
      },
      openTickets: {
        totalCount: c.open,
        nodes: (openTickets.all(params) as TicketUserRow[]).map((t) => ({
          number: t.number,
          title: t.title,
          state: t.state,
          stateType: t.state_type,
          priority: t.priority,
          createdAt: iso(t.created_at),
          customerUser: ticketUser(t),
        })),
      },
      customerUsers: {
        totalCount: c.users,
        pageInfo: {
          hasNextPage: userRows.length > 25,
          endCursor: lastUser ? cursor([lastUser.last_key, lastUser.first_key, lastUser.login_key]) : null,
        },
        nodes: userPage.map((u) => ({
          login: u.login,
          fullName: fullName(u.title, u.first_name, u.last_name),
          email: u.email,
          phone: u.phone,
          valid: u.valid,
          readOnly: false,
          viewerCanUpdate: false,
          ticketCounts: { open: u.open, closed: u.closed },
        })),
      },
      tickets: {
        totalCount: c.total,
        pageInfo: {
          hasNextPage: all.length > 25,
          endCursor: lastTicket ? cursor([lastTicket.created_at, lastTicket.id]) : null,
        },
        nodes: page.map((t) => ({
          number: t.number,
          title: t.title,
          state: t.state,
          stateType: t.state_type,
          priority: t.priority,
          queue: t.queue,
          createdAt: iso(t.created_at),
          changedAt: iso(t.changed_at),
          customerUser: ticketUser(t),
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

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/list') return send(res, 200, { data: customerList(50) });
    if (url.pathname === '/detail') return send(res, 200, { data: customerDetail(url.searchParams.get('customerId') ?? '') });
    if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
    send(res, 404, { error: 'no such route' });
  } catch (e) {
    console.error(e);
    send(res, 500, { error: 'internal' });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(portText), '127.0.0.1');
