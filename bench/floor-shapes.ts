/**
 * What the floors of the benchmark share (bench/floor-server.ts on SQLite,
 * bench/floor-server-postgres.ts on PostgreSQL, bench/floor-server-znuny.ts on a Znuny database):
 * the JSON of the contract operations built from the rows of their hand-written statements, and
 * the HTTP server. Each floor keeps only its own SQL and connection.
 */
import countries from 'i18n-iso-countries';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { benchLinks } from './bench-config';

/** The data source the floor's records come from, as the service's configuration names it. */
export interface FloorSource {
  readonly id: string;
  readonly name: string;
  readonly readOnly: boolean;
}
/** The helpdesk database's own source (`local`, writable). */
export const LOCAL_SOURCE: FloorSource = { id: 'local', name: 'Helpdesk database', readOnly: false };

const COUNTRY = new Map(Object.entries(countries.getNames('en', { select: 'official' })).map(([code, name]) => [code, { code, name }]));
const country = (code: string | null) => (code ? (COUNTRY.get(code.toUpperCase()) ?? null) : null);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const cursor = (key: (string | number)[]) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const fullName = (title: string | null, first: string, last: string) =>
  [title, first, last].filter((p) => p && p.trim() !== '').join(' ').replace(/\s+/g, ' ');
const gid = (...parts: (string | number)[]) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
const customerGid = (source: FloorSource, id: number | string) => gid('Customer', source.id, String(id));
const userGid = (source: FloorSource, id: number | string) => gid('CustomerUser', source.id, String(id));
const ticketGid = (id: number) => gid('Ticket', id);
/** The five counts of an owner as the floors' statements name them. */
export interface Counts {
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

/** A row of the customer list statement. */
export interface ListRow extends Counts {
  /** The stable id (a row id; a Znuny CustomerID). */
  id: number | string;
  customer_id: string;
  name: string;
  city: string | null;
  country: string | null;
  valid: string;
  name_sort: string;
  customer_key: string;
}

/** CustomerList(first) from up to `first + 1` rows of the list statement and the total. */
export function listResponse(rows: ListRow[], first: number, totalCount: number, source: FloorSource = LOCAL_SOURCE): unknown {
  const page = rows.slice(0, first);
  const key = (r: ListRow) => [r.name_sort, r.customer_key];
  return {
    customers: {
      totalCount,
      pageInfo: pageInfo(rows.length > first, page.length ? key(page[0]!) : null, page.length ? key(page[page.length - 1]!) : null),
      unavailableSources: [],
      edges: page.map((r) => ({
        cursor: cursor(key(r)),
        node: {
          id: customerGid(source, r.id),
          customerId: r.customer_id,
          name: r.name,
          city: r.city,
          country: country(r.country),
          valid: r.valid,
          readOnly: source.readOnly,
          viewerCanUpdate: false,
          dataSource: { id: source.id, name: source.name },
          ticketCounts: counts(r),
        },
      })),
    },
  };
}

/** A ticket with its customer user's name, as the widget statements return it. */
export interface TicketUserRow {
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

const ticketUser = (source: FloorSource, t: TicketUserRow) =>
  t.u_login === null ? null : { id: userGid(source, t.u_id!), login: t.u_login, fullName: fullName(t.u_title, t.u_first, t.u_last) };

/** The rows of the detail view's statements. */
export interface DetailRows {
  /** Up to 26 tickets, newest first. */
  readonly all: TicketUserRow[];
  /** Up to 26 customer users with their counts. */
  readonly users: Record<string, any>[];
  readonly escalated: TicketUserRow[];
  readonly reminders: TicketUserRow[];
  readonly open: TicketUserRow[];
}

/** CustomerDetailView from the customer's row (with its counts and `users`) and the widgets' rows; `kind` is the engine. */
export function detailResponse(c: Record<string, any> | undefined, rows: DetailRows, kind: string, source: FloorSource = LOCAL_SOURCE): unknown {
  if (!c) return { customer: null };
  /** A widget: its total and its first page as edges (the cursor is the list's sort key). */
  const widget = (list: TicketUserRow[], totalCount: number, key: (t: TicketUserRow) => number[], node: (t: TicketUserRow) => object) => ({
    totalCount,
    edges: list.map((t) => ({ cursor: cursor(key(t)), node: { id: ticketGid(t.id), ...node(t), customerUser: ticketUser(source, t) } })),
  });
  const record = {
    customerId: c.customer_id,
    name: c.name,
    street: c.street,
    zip: c.zip,
    city: c.city,
    countryCode: c.country,
    url: c.url,
  };
  const { all, users: userRows } = rows;
  const page = all.slice(0, 25);
  const userPage = userRows.slice(0, 25);
  const userKey = (u: Record<string, any>) => [u.last_key, u.first_key, u.login_key];
  const ticketKey = (t: TicketUserRow) => [t.created_at, t.id];
  const { mapUrl, links } = benchLinks(record);
  return {
    customer: {
      id: customerGid(source, c.id),
      customerId: c.customer_id,
      name: c.name,
      valid: c.valid,
      street: c.street,
      zip: c.zip,
      city: c.city,
      country: country(c.country),
      url: c.url,
      comment: c.comment,
      readOnly: source.readOnly,
      viewerCanUpdate: false,
      createdAt: iso(c.created_at),
      changedAt: iso(c.changed_at),
      dataSource: { id: source.id, name: source.name, kind, readOnly: source.readOnly },
      ticketCounts: counts(c as Counts),
      mapUrl,
      links,
      escalatedTickets: widget(rows.escalated, c.escalated, (t) => [t.escalation_at!, t.id], (t) => ({
        number: t.number,
        title: t.title,
        state: t.state,
        priority: t.priority,
        escalationAt: iso(t.escalation_at),
      })),
      reminderTickets: widget(rows.reminders, c.pending_reminder, (t) => [t.pending_until!, t.id], (t) => ({
        number: t.number,
        title: t.title,
        state: t.state,
        pendingUntil: iso(t.pending_until),
      })),
      openTickets: widget(rows.open, c.open, ticketKey, (t) => ({
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
            id: userGid(source, u.id),
            login: u.login,
            fullName: fullName(u.title, u.first_name, u.last_name),
            email: u.email,
            phone: u.phone,
            valid: u.valid,
            readOnly: source.readOnly,
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
            customerUser: ticketUser(source, t),
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

/** Serves /list, /detail?customerId= and /healthz on 127.0.0.1 with the floor's two screens. */
export function serveFloor(port: number, screens: { list(first: number): unknown; detail(customerId: string): unknown }): void {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/list') return send(res, 200, { data: await screens.list(50) });
      if (url.pathname === '/detail') return send(res, 200, { data: await screens.detail(url.searchParams.get('customerId') ?? '') });
      if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
      send(res, 404, { error: 'no such route' });
    } catch (e) {
      console.error(e);
      send(res, 500, { error: 'internal' });
    }
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
}
