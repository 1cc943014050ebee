/**
 * The floor of the benchmark: a plain node:http server answering the customer list (first 50)
 * and the customer detail view on the same database, producing the same JSON as the service's
 * contract operations. No GraphQL, no loaders, no validation: the best a hand-written endpoint
 * can do.
 *
 * It runs the service's own statements (bench/floor-sqlite-sql.ts: 1 for the list, 4 or 5 for the
 * detail view, checked against the service by test/unit/floor-sql.test.ts), prepared once, and
 * decodes their rows with the adapter's decoders, so that the ratio measures what the service
 * adds around its SQL. Until issue 21 it ran 2 and 6 statements of its own; the service's are
 * cheaper (docs/performance.md, "The benchmark").
 *
 *   node dist/bench/floor-server.js <database> <port>
 *   GET /list                  → { data: CustomerList(first: 50) }
 *   GET /detail?customerId=ID  → { data: CustomerDetailView(customerId: ID) }
 */
import Database from 'better-sqlite3';
import { CUSTOMER_USER_WIDTH, CUSTOMER_WIDTH, customerOfValues, customerUserOfValues, ticketOfValues } from '../adapters/sqlite/sqlite-mapper';
import type { CustomerUserRecord } from '../src/domain/records';
import { collationKey } from '../src/domain/sort-keys';
import { DETAIL_SQL, LIST_SQL } from './floor-sqlite-sql';
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
/** Widget pages of 10 (the operation's `first: 10`) and the ticket page of 25, each read with one row more. */
const WIDGET = 10;

// ---- CustomerList(first: 50) ----------------------------------------------------------------

const listPage = db.prepare(LIST_SQL).raw(true);

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

function customerList(first: number): unknown {
  const rows = listPage.all({ v0: 'VALID', ...clock(), n: first + 1 }) as unknown[][];
  // The bench's list is never empty: the total comes with its rows.
  return listResponse(rows.map(listRow), first, rows[0]![rows[0]!.length - 1] as number);
}

// ---- CustomerDetailView ---------------------------------------------------------------------

const customerRow = db.prepare(DETAIL_SQL.customer);
const countsRow = db.prepare(DETAIL_SQL.counts);
const widgets = db.prepare(DETAIL_SQL.widgets).raw(true);
const userPage = db.prepare(DETAIL_SQL.users).raw(true);
const usersByLogin = db.prepare(DETAIL_SQL.usersByLogin).raw(true);

const ms = (d: Date | null) => (d === null ? null : d.getTime());

function customerDetail(customerId: string): unknown {
  const key = customerId.toLowerCase();
  const c = (customerRow.all(JSON.stringify([key])) as Record<string, any>[])[0];
  if (!c) return detailResponse(undefined, { all: [], users: [], escalated: [], reminders: [], open: [] }, 'sqlite');
  const now = clock();
  const counts = (countsRow.all({ keys: JSON.stringify([key]), ...now }) as Record<string, number>[])[0]!;
  const tickets = widgets.all({ now: now.now, i0: 0, o0: key, n0: WIDGET + 1, i1: 1, o1: key, n1: WIDGET + 1, i2: 2, o2: key, n2: WIDGET + 1, i3: 3, o3: key, n3: 26 }) as unknown[][];
  const pageRows = userPage.all({ c: key, v0: 'VALID', n: 26, ...now }) as unknown[][];

  // The page's users with their counts, then the tickets' users the page did not hold.
  const known = new Map<string, CustomerUserRecord>();
  const users = pageRows.map((v) => {
    const u = customerUserOfValues(v, 'local');
    const at = CUSTOMER_USER_WIDTH;
    known.set(v[at] as string, u);
    return {
      id: Number(u.stableId), login: u.login, title: u.title, first_name: u.firstName, last_name: u.lastName, email: u.email, phone: u.phone, valid: u.valid,
      last_key: collationKey(u.lastName), first_key: collationKey(u.firstName), login_key: v[at],
      total: v[at + 1], open: v[at + 2], pending_reminder: v[at + 3], escalated: v[at + 4],
    };
  });
  const decoded = tickets.map((v) => ({ list: v[0] as number, t: ticketOfValues(v, 1) }));
  const missing = [...new Set(decoded.flatMap(({ t }) => (t.customerUserLogin === null ? [] : [t.customerUserLogin.toLowerCase()])))].filter((k) => !known.has(k));
  if (missing.length > 0) {
    for (const v of usersByLogin.all(JSON.stringify(missing)) as unknown[][]) {
      const u = customerUserOfValues(v, 'local', 1);
      known.set(u.login.toLowerCase(), u);
    }
  }
  const lists: TicketUserRow[][] = [[], [], [], []];
  for (const { list, t } of decoded) {
    const u = t.customerUserLogin === null ? undefined : known.get(t.customerUserLogin.toLowerCase());
    lists[list]!.push({
      id: t.id, number: t.number, title: t.title, state: t.state, state_type: t.stateType, priority: t.priority, queue: t.queue,
      created_at: t.createdAt.getTime(), changed_at: t.changedAt.getTime(), escalation_at: ms(t.escalationAt), pending_until: ms(t.pendingUntil),
      u_id: u ? Number(u.stableId) : null, u_login: u?.login ?? null, u_title: u?.title ?? null, u_first: u?.firstName ?? '', u_last: u?.lastName ?? '',
    });
  }
  // `t.id IN (a window)` keeps no order: each list is put in its order, as the service's store does.
  const [escalated, reminders, open, all] = lists as [TicketUserRow[], TicketUserRow[], TicketUserRow[], TicketUserRow[]];
  escalated.sort((a, b) => a.escalation_at! - b.escalation_at! || a.id - b.id);
  reminders.sort((a, b) => a.pending_until! - b.pending_until! || a.id - b.id);
  for (const list of [open, all]) list.sort((a, b) => b.created_at - a.created_at || b.id - a.id);
  const usersTotal = pageRows.length > 0 ? (pageRows[0]![pageRows[0]!.length - 1] as number) : 0;
  return detailResponse(
    { ...c, total: counts.total, open: counts.open, pending_reminder: counts.pending, escalated: counts.escalated, users: usersTotal },
    { all, users, escalated: escalated.slice(0, WIDGET), reminders: reminders.slice(0, WIDGET), open: open.slice(0, WIDGET) },
    'sqlite',
  );
}

serveFloor(Number(portText), { list: customerList, detail: customerDetail });
