/**
 * The floor of the Znuny benchmark (`npm run bench -- --engine znuny-mariadb | znuny-postgres`):
 * the customer list and the customer detail view of a Znuny database with hand-written SQL over
 * a mysql2 or pg pool of the service's size (10), producing the JSON of the contract operations
 * as the service answers them for a read-only `znuny` source with `"tickets": "znuny"`. No
 * GraphQL, no loaders, no validation.
 *
 * As the service, it orders lists by the contract's collation from an in-memory index of the
 * keys (Znuny's tables hold no column in that order), read once at start: the list's page, a
 * customer's customer users and their totals come from it. Per request it runs the service's
 * statements where they are the best there is (a batch of customers and of ticket counts, as
 * adapters/znuny builds them, and the four ticket lists in one UNION ALL) and does better where a
 * hand-written endpoint can: the tickets' customer users joined into the lists statement instead
 * of a lookup after it, a customer user page read with the columns it shows only, every
 * statement of a screen sent at once, on PostgreSQL keys compared as Znuny stores them (the index
 * knows their spelling: no lower() over every customer user's login to find it), and on MariaDB /
 * MySQL the lists joined from the ticket
 * table on (STRAIGHT_JOIN): left to itself, MariaDB 10.11 starts a customer's ticket list from
 * ticket_priority and reaches the tickets through ticket_ticket_priority_id, which reads every
 * ticket (2.1 s for the heaviest customer's list of 26 at a million tickets, 0.22 s this way).
 *
 *   node dist/bench/floor-server-znuny.js <mysql://...|postgres://...> <port>
 *   GET /list                  → { data: CustomerList(first: 50) }
 *   GET /detail?customerId=ID  → { data: CustomerDetailView(customerId: ID) }
 */
import countries from 'i18n-iso-countries';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { collationKey } from '../src/domain/sort-keys';
import { detailResponse, listResponse, serveFloor, type FloorSource, type ListRow, type TicketUserRow } from './floor-shapes';

const [url, portText] = process.argv.slice(2);
if (!url || !portText) {
  console.error('usage: node dist/bench/floor-server-znuny.js <mysql://...|postgres://...> <port>');
  process.exit(2);
}

/** The service's source as the bench configures it. */
export const ZNUNY_SOURCE: FloorSource = { id: 'znuny', name: 'Znuny', readOnly: true };
const MYSQL = !/^postgres(ql)?:/i.test(url);

// ---- connection: `?` placeholders on both engines, as the service's ----------------------------

type Query = <R>(sql: string, params?: readonly unknown[]) => Promise<R[]>;

function connect(): Query {
  if (MYSQL) {
    const pool = mysql.createPool({
      uri: url!.replace(/^mariadb:/i, 'mysql:'),
      connectionLimit: 10,
      dateStrings: true,
      supportBigNumbers: true,
      decimalNumbers: true,
      charset: 'utf8mb4',
    });
    return async <R>(sql: string, params: readonly unknown[] = []) => (await pool.query(sql, params as unknown[]))[0] as R[];
  }
  const parsers: Record<number, (v: string) => unknown> = { 20: Number, 1700: Number, 1114: (v) => v, 1082: (v) => v };
  const types = { getTypeParser: (oid: number, format?: 'text') => parsers[oid] ?? pg.types.getTypeParser(oid, format) };
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as never });
  pool.on('error', () => {});
  return async <R>(sql: string, params: readonly unknown[] = []) => {
    let n = 0;
    return (await pool.query(sql.replace(/\?/g, () => `$${++n}`), params as unknown[])).rows as R[];
  };
}
const query = connect();

// ---- what a row means --------------------------------------------------------------------------

const VALIDITY: Record<number, string> = { 1: 'VALID', 2: 'INVALID', 3: 'INVALID_TEMPORARILY' };
const validity = (id: unknown) => VALIDITY[Number(id)] ?? 'INVALID';
const STATE_TYPES: Record<string, string> = {
  new: 'NEW', open: 'OPEN', closed: 'CLOSED', 'pending reminder': 'PENDING_REMINDER', 'pending auto': 'PENDING_AUTO', merged: 'MERGED', removed: 'REMOVED',
};
/** Znuny's `Ticket::ViewableStateType` as a fresh Znuny ships it (the source's default). */
const VIEWABLE = ['new', 'open', 'pending reminder', 'pending auto'];
/** Znuny's DATETIME text (UTC, the source's default time zone) as epoch milliseconds. */
function ms(text: string | null): number | null {
  const m = text ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text) : null;
  if (!m || m[1] === '0000') return null;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}
let codeByName: Map<string, string> | null = null;
/** Znuny keeps a country as its English name: its ISO code, by any of its English names. */
function countryCode(name: string | null): string | null {
  const wanted = name?.trim().toLowerCase();
  if (!wanted) return null;
  if (!codeByName) {
    codeByName = new Map();
    for (const [code, names] of Object.entries(countries.getNames('en', { select: 'all' }))) for (const n of names) codeByName.set(n.toLowerCase(), code);
  }
  return codeByName.get(wanted) ?? null;
}
const orNull = (v: string | null) => v || null;

// ---- the index of the keys, read at start ------------------------------------------------------

interface IndexedUser {
  login: string;
  key: [string, string, string];
}
let customerPage: { customerId: string; key: [string, string] }[] = [];
/** Every customer's CustomerID as stored, by its lower-case key. */
const storedId = new Map<string, string>();
const usersOf = new Map<string, IndexedUser[]>();
const compare = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};

async function readIndex(): Promise<void> {
  const rows = await query<{ customer_id: string; name: string; valid_id: number }>(`SELECT c.customer_id, c.name, c.valid_id FROM customer_company c`);
  for (const r of rows) if (!storedId.has(r.customer_id.toLowerCase())) storedId.set(r.customer_id.toLowerCase(), r.customer_id);
  customerPage = rows
    .filter((r) => Number(r.valid_id) === 1)
    .map((r) => ({ customerId: r.customer_id, key: [collationKey(r.name), r.customer_id.toLowerCase()] as [string, string] }))
    .sort((a, b) => compare(a.key, b.key));
  const users = await query<{ login: string; first_name: string | null; last_name: string | null; valid_id: number; customer_id: string | null }>(
    `SELECT u.login, u.first_name, u.last_name, u.valid_id, u.customer_id FROM customer_user u`,
  );
  const further = await query<{ user_id: string; customer_id: string }>(`SELECT x.user_id, x.customer_id FROM customer_user_customer x`);
  const furtherOf = new Map<string, string[]>();
  for (const f of further) furtherOf.set(f.user_id.toLowerCase(), [...(furtherOf.get(f.user_id.toLowerCase()) ?? []), f.customer_id]);
  for (const u of users) {
    if (Number(u.valid_id) !== 1) continue;
    const entry: IndexedUser = { login: u.login, key: [collationKey(u.last_name ?? ''), collationKey(u.first_name ?? ''), u.login.toLowerCase()] };
    const ids = new Set([u.customer_id ?? '', ...(furtherOf.get(u.login.toLowerCase()) ?? [])].filter((c) => c !== '').map((c) => c.toLowerCase()));
    for (const id of ids) usersOf.set(id, [...(usersOf.get(id) ?? []), entry]);
  }
  for (const list of usersOf.values()) list.sort((a, b) => compare(a.key, b.key));
}

// ---- statements ------------------------------------------------------------------------------

/**
 * Keys as stored (the index's spelling): compared by the collation on MariaDB (which ignores
 * case, as the service relies on), exactly on PostgreSQL, where the column's index serves.
 */
function keyMatch(column: string, keys: readonly string[]): { sql: string; params: unknown[] } {
  if (!MYSQL) return { sql: `${column} = ANY(?)`, params: [[...keys]] };
  return { sql: `${column} IN (${keys.map(() => '?').join(', ')})`, params: [...keys] };
}

/**
 * The service's counts statement (adapters/znuny/znuny-ticket-store.ts `counts`) for owners of one
 * kind: total, open, pending reminder, escalated (and reminders reached, which it reads with them);
 * `keys` as stored. On PostgreSQL the owners are the keys as stored, where the service finds that
 * spelling by lower() over the customer or customer user table.
 */
function countsStatement(owner: 'customer' | 'customerUser', keys: readonly string[], now: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (v: unknown) => (params.push(v), '?');
  const open = () => `(s.valid_id = 1 AND st.name IN (${VIEWABLE.map(bind).join(', ')}))`;
  const REMINDER = `(s.valid_id = 1 AND st.name = 'pending reminder')`;
  const at = Math.floor(now / 1000);
  const select = `SELECT o.k AS k, COUNT(t.id) AS total,
        SUM(CASE WHEN ${open()} THEN 1 ELSE 0 END) AS open,
        SUM(CASE WHEN ${REMINDER} THEN 1 ELSE 0 END) AS pending,
        SUM(CASE WHEN ${open()} AND t.escalation_time > 0 AND t.escalation_time <= ${bind(at)} THEN 1 ELSE 0 END) AS escalated,
        SUM(CASE WHEN ${REMINDER} AND t.until_time > 0 AND t.until_time <= ${bind(at)} THEN 1 ELSE 0 END) AS reached`;
  const lower = keys.map((k) => k.toLowerCase());
  const from = MYSQL
    ? `(${lower.map((k) => `SELECT ${bind(k)} AS k, ${bind(k)} AS owner`).join(' UNION ALL ')})`
    : `(SELECT k.k, k.owner FROM unnest(${bind(lower)}::text[], ${bind([...keys])}::text[]) AS k(k, owner))`;
  return {
    sql: `${select}
       FROM ${from} o
       JOIN ticket t ON t.${owner === 'customer' ? 'customer_id' : 'customer_user_id'} = o.owner AND t.archive_flag = 0
       JOIN ticket_state s ON s.id = t.ticket_state_id
       JOIN ticket_state_type st ON st.id = s.type_id
       WHERE 1 = 1
       GROUP BY o.k`,
    params,
  };
}

interface CountRow {
  k: string;
  total: number;
  open: number;
  pending: number;
  escalated: number;
}
async function counts(owner: 'customer' | 'customerUser', keys: readonly string[], now: number) {
  if (keys.length === 0) return new Map<string, { total: number; open: number; pending_reminder: number; escalated: number }>();
  const { sql, params } = countsStatement(owner, keys, now);
  const rows = await query<CountRow>(sql, params);
  return new Map(rows.map((r) => [r.k, { total: Number(r.total), open: Number(r.open), pending_reminder: Number(r.pending), escalated: Number(r.escalated) }]));
}
const NONE = { total: 0, open: 0, pending_reminder: 0, escalated: 0 };

const CUSTOMER_COLUMNS = 'c.customer_id, c.name, c.street, c.zip, c.city, c.country, c.url, c.comments, c.valid_id, c.create_time, c.change_time';
interface CustomerRow {
  customer_id: string;
  name: string;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  url: string | null;
  comments: string | null;
  valid_id: number;
  create_time: string | null;
  change_time: string | null;
}
async function customerRows(ids: readonly string[]): Promise<Map<string, CustomerRow>> {
  const m = keyMatch('c.customer_id', ids);
  const rows = await query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customer_company c WHERE ${m.sql}`, m.params);
  return new Map(rows.map((r) => [r.customer_id.toLowerCase(), r]));
}

// ---- CustomerList(first: 50) ----------------------------------------------------------------

async function customerList(first: number): Promise<unknown> {
  const page = customerPage.slice(0, first + 1);
  const ids = page.map((p) => p.customerId);
  const now = Date.now();
  const [rows, byKey] = await Promise.all([customerRows(ids), counts('customer', ids, now)]);
  const list: ListRow[] = page.map((p) => {
    const r = rows.get(p.key[1])!;
    return {
      id: r.customer_id, customer_id: r.customer_id, name: r.name, city: orNull(r.city), country: countryCode(r.country), valid: validity(r.valid_id),
      name_sort: p.key[0], customer_key: p.key[1], ...(byKey.get(p.key[1]) ?? NONE),
    };
  });
  return listResponse(list, first, customerPage.length, ZNUNY_SOURCE);
}

// ---- CustomerDetailView ---------------------------------------------------------------------

/** The four ticket lists of the view in one statement (the service's UNION ALL), each ticket's customer user joined. */
function listsStatement(customerId: string, now: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (v: unknown) => (params.push(v), '?');
  const at = Math.floor(now / 1000);
  const open = () => `(s.valid_id = 1 AND st.name IN (${VIEWABLE.map(bind).join(', ')}))`;
  const REMINDER = `(s.valid_id = 1 AND st.name = 'pending reminder')`;
  const branch = (i: number, filter: () => string, column: string, dir: string, limit: number) => {
    const select = `SELECT ${MYSQL ? 'STRAIGHT_JOIN ' : ''}${i} AS idx, t.id, t.tn, t.title, s.name AS state, st.name AS state_type, p.name AS priority, q.name AS queue,
      t.create_time, t.change_time, t.escalation_time, t.until_time, u.id AS u_id, u.login AS u_login, u.title AS u_title, u.first_name AS u_first, u.last_name AS u_last
      FROM ticket t JOIN ticket_state s ON s.id = t.ticket_state_id JOIN ticket_state_type st ON st.id = s.type_id
      JOIN ticket_priority p ON p.id = t.ticket_priority_id JOIN queue q ON q.id = t.queue_id
      LEFT JOIN customer_user u ON u.login = t.customer_user_id`;
    return `(${select} WHERE t.customer_id = ${bind(customerId)} AND t.archive_flag = 0 AND ${filter()} ORDER BY ${column} ${dir}, t.id ${dir} LIMIT ${limit})`;
  };
  const sql = [
    branch(0, () => `${open()} AND t.escalation_time > 0 AND t.escalation_time <= ${bind(at)}`, 't.escalation_time', 'ASC', 11),
    branch(1, () => REMINDER, 't.until_time', 'ASC', 11),
    branch(2, open, 't.create_time', 'DESC', 11),
    branch(3, () => '1 = 1', 't.create_time', 'DESC', 26),
  ].join('\nUNION ALL\n');
  return { sql, params };
}

interface ListedTicket {
  idx: number;
  id: number;
  tn: string;
  title: string | null;
  state: string;
  state_type: string;
  priority: string;
  queue: string;
  create_time: string;
  change_time: string;
  escalation_time: number | null;
  until_time: number | null;
  u_id: number | null;
  u_login: string | null;
  u_title: string | null;
  u_first: string | null;
  u_last: string | null;
}

function ticketRow(t: ListedTicket): TicketUserRow {
  const type = STATE_TYPES[t.state_type] ?? 'OPEN';
  const pending = type === 'PENDING_REMINDER' || type === 'PENDING_AUTO';
  const escalation = Number(t.escalation_time ?? 0);
  const until = Number(t.until_time ?? 0);
  return {
    id: Number(t.id), number: t.tn, title: t.title ?? '', state: t.state, state_type: type, priority: t.priority, queue: t.queue,
    created_at: ms(t.create_time) ?? 0, changed_at: ms(t.change_time) ?? 0,
    escalation_at: escalation > 0 ? escalation * 1000 : null, pending_until: pending && until > 0 ? until * 1000 : null,
    u_id: t.u_id === null ? null : Number(t.u_id), u_login: t.u_login, u_title: t.u_title, u_first: t.u_first ?? '', u_last: t.u_last ?? '',
  };
}

interface UserRow {
  id: number;
  login: string;
  email: string | null;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  valid_id: number;
}

async function customerDetail(asked: string): Promise<unknown> {
  const key = asked.toLowerCase();
  const customerId = storedId.get(key) ?? asked;
  const now = Date.now();
  const members = usersOf.get(key) ?? [];
  const page = members.slice(0, 26);
  const logins = page.map((u) => u.login);
  const userMatch = logins.length > 0 ? keyMatch('u.login', logins) : null;
  const lists = listsStatement(customerId, now);
  const [customers, customerCounts, tickets, users, userCounts] = await Promise.all([
    customerRows([customerId]),
    counts('customer', [customerId], now),
    query<ListedTicket>(lists.sql, lists.params),
    userMatch
      ? query<UserRow>(`SELECT u.id, u.login, u.email, u.title, u.first_name, u.last_name, u.phone, u.valid_id FROM customer_user u WHERE ${userMatch.sql}`, userMatch.params)
      : Promise.resolve([] as UserRow[]),
    counts('customerUser', logins, now),
  ]);
  const c = customers.get(key);
  if (!c) return detailResponse(undefined, { all: [], users: [], escalated: [], reminders: [], open: [] }, 'znuny', ZNUNY_SOURCE);
  const byLogin = new Map(users.map((u) => [u.login.toLowerCase(), u]));
  const of = (idx: number) => tickets.filter((t) => Number(t.idx) === idx).map(ticketRow);
  // In list order (a UNION ALL keeps no order of its own): escalated and reminders ascending, the others newest first.
  const sorted = (rows: TicketUserRow[], key: (t: TicketUserRow) => number, sign: number) => rows.sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
  return detailResponse(
    {
      id: c.customer_id, customer_id: c.customer_id, name: c.name, valid: validity(c.valid_id), street: orNull(c.street), zip: orNull(c.zip),
      city: orNull(c.city), country: countryCode(c.country), url: orNull(c.url), comment: orNull(c.comments),
      created_at: ms(c.create_time), changed_at: ms(c.change_time), ...(customerCounts.get(key) ?? NONE), users: members.length,
    },
    {
      // The widgets show 10 (the 11th row tells the service there are more; they have no pageInfo).
      escalated: sorted(of(0), (t) => t.escalation_at ?? 0, 1).slice(0, 10),
      reminders: sorted(of(1), (t) => t.pending_until ?? 0, 1).slice(0, 10),
      open: sorted(of(2), (t) => t.created_at, -1).slice(0, 10),
      all: sorted(of(3), (t) => t.created_at, -1),
      users: page.flatMap((entry) => {
        const u = byLogin.get(entry.key[2]);
        if (!u) return [];
        return [{
          id: u.id, login: u.login, title: orNull(u.title), first_name: u.first_name ?? '', last_name: u.last_name ?? '', email: u.email ?? '',
          phone: orNull(u.phone), valid: validity(u.valid_id), last_key: entry.key[0], first_key: entry.key[1], login_key: entry.key[2],
          ...(userCounts.get(entry.key[2]) ?? NONE),
        }];
      }),
    },
    'znuny',
    ZNUNY_SOURCE,
  );
}

readIndex().then(
  () => serveFloor(Number(portText), { list: customerList, detail: customerDetail }),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
