/**
 * The floor of the benchmark on PostgreSQL (`npm run bench -- --engine postgres`): the same
 * screens and JSON as bench/floor-server.ts, over a `pg` pool (as many connections as the
 * service's pool), named prepared statements as the service's. No GraphQL, no loaders, no
 * validation.
 *
 * The statements are the service's own (adapters/postgres, as PostgreSQL logs them for these two
 * screens), so that the ratio measures what the service adds around the SQL and not a difference
 * in SQL: the list is its one statement (the page with its total and counts); the detail view is
 * its five (the customer, its counts, the four ticket lists in one statement, the page of
 * customer users with their counts, and the customer users of the listed tickets that the page
 * did not hold: none for most customers, as the service's loader finds them among the page).
 * Before (up to run H) the floor ran 2 statements for the list and 6 for the detail view, of its
 * own making. Here the floor runs the statements without waiting on each other where the
 * service's loaders must (the customer before the rest), which a hand-written endpoint may.
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
/** One statement, named so that PostgreSQL plans it once per connection, as the service's are. */
const prepared = (name: string, text: string) => async <R>(values: unknown[]) => (await pool.query({ name, text, values })).rows as R[];

const HOUR = 3_600_000;
/** The clock parameters of the escalated count: now, the current hour, its start (the service's $2, $3, $4). */
const clock = () => {
  const now = Date.now();
  return [now, Math.floor(now / HOUR), Math.floor(now / HOUR) * HOUR];
};
const OPEN_TYPES = `'NEW', 'OPEN', 'PENDING_REMINDER'`;
/** The service's countColumns (adapters/postgres/postgres-ticket-store.ts) for an owner key expression, escalated with $2..$4. */
const countColumns = (o: 'c' | 'u', key: string, ticketColumn: string) => `(SELECT coalesce(sum(tc.n), 0) FROM ticket_count tc WHERE tc.owner = '${o}' AND tc.owner_key = ${key}) AS tc_total,
      (SELECT coalesce(sum(tc.n), 0) FROM ticket_count tc WHERE tc.owner = '${o}' AND tc.owner_key = ${key} AND tc.state_type IN (${OPEN_TYPES})) AS tc_open,
      (SELECT coalesce(sum(tc.n), 0) FROM ticket_count tc WHERE tc.owner = '${o}' AND tc.owner_key = ${key} AND tc.state_type = 'PENDING_REMINDER') AS tc_pending,
      (SELECT coalesce(sum(d.n), 0) FROM ticket_due d WHERE d.owner = '${o}' AND d.owner_key = ${key} AND d.kind = 'e' AND d.hour < $3)
         + (SELECT count(*) FROM ticket t WHERE t.${ticketColumn} = ${key} AND t.is_open AND t.escalation_at >= $4 AND t.escalation_at <= $2) AS tc_escalated`;
const USER_COLUMNS = `u.id, u.login, u.email, u.title, u.first_name, u.last_name, u.phone, u.mobile,
  u.street, u.zip, u.city, u.country, u.comment, u.valid, u.customer_id, u.created_at, u.changed_at,
  ARRAY(SELECT x.customer_id FROM customer_user_customer x WHERE x.user_id = u.id ORDER BY x.position) AS customer_ids`;

interface Counted {
  tc_total: number;
  tc_open: number;
  tc_pending: number;
  tc_escalated: number;
}
const counts = (r: Counted) => ({ total: r.tc_total, open: r.tc_open, pending_reminder: r.tc_pending, escalated: r.tc_escalated });

// ---- CustomerList(first: 50): the service's one statement -------------------------------------

const listPage = prepared('list_page', `SELECT (SELECT coalesce(sum(n), 0) FROM customer_count WHERE valid = ANY($1::text[])) AS total, w.* FROM (SELECT 1) o LEFT JOIN LATERAL (
         SELECT customer.*, ${countColumns('c', 'customer.customer_key', 'customer_key')} FROM customer WHERE valid = ANY($1::text[])  ORDER BY name_sort ASC, customer_key ASC LIMIT $5
       ) w ON true`);

async function customerList(first: number): Promise<unknown> {
  const rows = await listPage<ListRow & Counted & { total: number; customer_key: string | null }>([['VALID'], ...clock(), first + 1]);
  const total = rows[0]?.total ?? 0;
  const page = rows.filter((r) => r.customer_key !== null).map((r) => ({ ...r, ...counts(r) }));
  return listResponse(page, first, total);
}

// ---- CustomerDetailView: the service's five statements ---------------------------------------

const customers = prepared('customers', `SELECT k.idx - 1 AS idx, c.* FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN customer c ON c.customer_key = k.key`);
const customerCounts = prepared('customer_counts', `SELECT k.idx - 1 AS idx, c.total, c.open, c.pending,
         (SELECT coalesce(sum(d.n), 0) FROM ticket_due d WHERE d.owner = 'c' AND d.owner_key = k.key AND d.kind = 'e' AND d.hour < $3)
         + (SELECT count(*) FROM ticket t WHERE t.customer_key = k.key AND t.is_open AND t.escalation_at >= $4 AND t.escalation_at <= $2) AS escalated
       FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(c.n), 0) AS total,
           coalesce(sum(c.n) FILTER (WHERE c.state_type IN (${OPEN_TYPES})), 0) AS open,
           coalesce(sum(c.n) FILTER (WHERE c.state_type = 'PENDING_REMINDER'), 0) AS pending
         FROM ticket_count c WHERE c.owner = 'c' AND c.owner_key = k.key) c`);
const MAX = 9e15;
const branch = (kind: string, filter: string, column: string, dir: 'ASC' | 'DESC') => `SELECT k.i AS idx, t.* FROM k CROSS JOIN LATERAL (
              SELECT * FROM ticket t2 WHERE t2.customer_key = k.o AND ${filter}
                AND (t2.${column}, t2.id) > (k.lo0, k.lo1) AND (t2.${column}, t2.id) < (k.hi0, k.hi1)
              ORDER BY t2.${column} ${dir}, t2.id ${dir} LIMIT k.n) t
            WHERE k.kind = '${kind}' AND k.back = false`;
const ticketLists = prepared('ticket_lists', `WITH k AS (SELECT *, $2::bigint AS now_ms FROM jsonb_to_recordset($1::jsonb) AS k(i int, o text, kind text, back boolean, lo0 bigint, lo1 bigint,
           hi0 bigint, hi1 bigint, types text[], reached boolean, n int))
         ${[
           branch('escalated', 't2.is_open AND t2.escalation_at <= $2', 'escalation_at', 'ASC'),
           branch('reminder', `t2.state_type = 'PENDING_REMINDER' AND t2.pending_until <= (CASE WHEN k.reached THEN $2 ELSE ${MAX} END)`, 'pending_until', 'ASC'),
           branch('open', 't2.is_open', 'created_at', 'DESC'),
           branch('all', '(k.types IS NULL OR t2.state_type = ANY(k.types))', 'created_at', 'DESC'),
         ].join('\nUNION ALL\n')}`);
const usersPage = prepared('users_page', `WITH k AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS k(idx int, c text, v text[], a0 text, a1 text, a2 text, b0 text, b1 text, b2 text, n int))
       SELECT k.idx, (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = k.c AND x.valid = ANY(k.v)) AS total, w.*
       FROM k LEFT JOIN LATERAL (
         SELECT ${USER_COLUMNS}, x.last_key AS s0, x.first_key AS s1, x.login_key AS s2, ${countColumns('u', 'x.login_key', 'customer_user_key')}
         FROM (SELECT x.* FROM customer_user_customer x
               WHERE x.customer_key = k.c AND x.valid = ANY(k.v)
                 AND (x.last_key, x.first_key, x.login_key) > (k.a0, k.a1, k.a2)
                 AND (x.last_key, x.first_key, x.login_key) < (k.b0, k.b1, k.b2)
               ORDER BY x.last_key ASC, x.first_key ASC, x.login_key ASC LIMIT k.n) x
         JOIN customer_user u ON u.id = x.user_id
       ) w ON true
       ORDER BY k.idx, w.s0 ASC, w.s1 ASC, w.s2 ASC`);
const usersByLogin = prepared('users_by_login', `SELECT k.idx - 1 AS idx, ${USER_COLUMNS} FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN customer_user u ON u.login_key = k.key`);

/** A ticket row of the lists (`t.*`) with the list it belongs to. */
interface TicketRow extends Omit<TicketUserRow, 'u_id' | 'u_login' | 'u_title' | 'u_first' | 'u_last'> {
  idx: number;
  customer_user_key: string | null;
}
interface UserRow {
  id: number;
  login: string;
  title: string | null;
  first_name: string;
  last_name: string;
}
const OPEN_END = '\u{10FFFF}';

async function customerDetail(customerId: string): Promise<unknown> {
  const key = customerId.toLowerCase();
  const now = clock();
  const list = (i: number, kind: string, n: number) => ({ i, o: key, kind, back: false, lo0: -MAX, lo1: -MAX, hi0: MAX, hi1: MAX, types: null, reached: false, n });
  const [[c], [k], tickets, users] = await Promise.all([
    customers<Record<string, any>>([[key]]),
    customerCounts<{ total: number; open: number; pending: number; escalated: number }>([[key], ...now]),
    ticketLists<TicketRow>([JSON.stringify([list(0, 'escalated', 11), list(1, 'reminder', 11), list(2, 'open', 11), list(3, 'all', 26)]), now[0]]),
    usersPage<UserRow & Counted & { total: number; s0: string; s1: string; s2: string; email: string; phone: string | null; valid: string }>([
      JSON.stringify([{ idx: 0, c: key, v: ['VALID'], a0: '', a1: '', a2: '', b0: OPEN_END, b1: OPEN_END, b2: OPEN_END, n: 26 }]),
      ...now,
    ]),
  ]);
  if (!c) return detailResponse(undefined, { all: [], users: [], escalated: [], reminders: [], open: [] }, 'postgres');
  // The customer users of the listed tickets: those of the page, the rest read as the service's loader does.
  const byKey = new Map<string, UserRow>(users.filter((u) => u.login !== null).map((u) => [u.s2, u]));
  const missing = [...new Set(tickets.map((t) => t.customer_user_key).filter((u): u is string => u !== null && !byKey.has(u)))];
  if (missing.length > 0) for (const u of await usersByLogin<UserRow>([missing])) byKey.set(u.login.toLowerCase(), u);
  const withUser = (t: TicketRow): TicketUserRow => {
    const u = t.customer_user_key === null ? undefined : byKey.get(t.customer_user_key);
    return { ...t, u_id: u?.id ?? null, u_login: u?.login ?? null, u_title: u?.title ?? null, u_first: u?.first_name ?? '', u_last: u?.last_name ?? '' };
  };
  // In list order (the service sorts what a statement returns too): escalated and reminders ascending, the others newest first.
  const sortKey = [(t: TicketRow) => t.escalation_at!, (t: TicketRow) => t.pending_until ?? 0, (t: TicketRow) => t.created_at, (t: TicketRow) => t.created_at];
  const of = (idx: number) => {
    const sign = idx < 2 ? 1 : -1;
    const key = sortKey[idx]!;
    return tickets.filter((t) => t.idx === idx).sort((a, b) => sign * (key(a) - key(b) || a.id - b.id)).map(withUser);
  };
  return detailResponse(
    { ...c, total: k!.total, open: k!.open, pending_reminder: k!.pending, escalated: k!.escalated, users: users[0]?.total ?? 0 },
    {
      // The widgets show 10 (the 11th row tells the service there are more; they have no pageInfo).
      escalated: of(0).slice(0, 10),
      reminders: of(1).slice(0, 10),
      open: of(2).slice(0, 10),
      all: of(3),
      users: users.filter((u) => u.login !== null).map((u) => ({ ...u, last_key: u.s0, first_key: u.s1, login_key: u.s2, ...counts(u) })),
    },
    'postgres',
  );
}

serveFloor(Number(portText), { list: customerList, detail: customerDetail });
