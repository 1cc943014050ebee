import countries from 'i18n-iso-countries';
import {
  createZnunyDatabase,
  utcDateTime,
  znunySequenceSync,
  type ZnunyDdlOptions,
  type ZnunyDialect,
} from '../../adapters/znuny/znuny-ddl';
import { Validity } from '../../src/domain/records';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';
import type { MariadbServer } from '../helpers/mariadb';
import type { PostgresServer } from '../helpers/postgres';

/**
 * A Znuny database seeded as a real Znuny holds its data, on a throw-away MariaDB or PostgreSQL
 * server of the tests (test/helpers/mariadb.ts, test/helpers/postgres.ts).
 *
 * `only: 'conformance'` seeds exactly the conformance dataset (FIXTURE_CUSTOMERS and
 * FIXTURE_CUSTOMER_USERS as customer_company, customer_user and customer_user_customer rows) on
 * top of what a fresh Znuny ships. `full` (the default) adds groups, queues, agents and roles
 * for permission tests, states made invalid, tickets over every state type relative to `now`
 * (escalations passed and to come, reminders reached and not, archived tickets), dynamic fields
 * of customers and customer users, and on MariaDB a ticket whose customer_id differs from its
 * customer's only in case. Expected numbers are not written down here: test/znuny/znuny-predicates.ts
 * computes them with SQL on the seeded database.
 */

export type ZnunyEngine = 'mariadb' | 'postgres';

export interface ZnunyFixtureOptions extends ZnunyDdlOptions {
  /** 'conformance': the conformance dataset only; 'full' (default): everything below. */
  readonly only?: 'conformance' | 'full';
}

/** What was seeded (ids by name), for tests that point at particular rows. */
export interface ZnunySeeded {
  readonly mode: 'conformance' | 'full';
  readonly customerIds: readonly string[];
  readonly customerUserLogins: readonly string[];
  /** users.login → users.id (root@localhost is 1). */
  readonly agents: Readonly<Record<string, number>>;
  readonly groups: Readonly<Record<string, number>>;
  readonly roles: Readonly<Record<string, number>>;
  readonly queues: Readonly<Record<string, number>>;
  readonly states: Readonly<Record<string, number>>;
  readonly dynamicFields: Readonly<Record<string, number>>;
  /** A ticket's key (e.g. 'acme-open-escalated') → ticket.id. */
  readonly tickets: Readonly<Record<string, number>>;
  /** MariaDB only: the ticket whose customer_id is 'acme' (customer 'ACME'); null elsewhere. */
  readonly caseVariantTicket: { readonly id: number; readonly customerId: string; readonly customerOf: string } | null;
}

export interface ZnunyFixture {
  readonly engine: ZnunyEngine;
  readonly dialect: ZnunyDialect;
  /** `mysql://...` or `postgres://...` of the seeded database. */
  readonly url: string;
  readonly database: string;
  /** The seeding time, Unix seconds: until_time and escalation_time were placed relative to it. */
  readonly now: number;
  /** `permission_groups` (default) or `groups`. */
  readonly groupsTable: string;
  readonly seeded: ZnunySeeded;
  /**
   * Runs one statement on the seeded database: `?` placeholders on both engines, DATETIME /
   * timestamp values as 'YYYY-MM-DD HH:MM:SS' strings, BIGINT / COUNT as numbers.
   */
  sql<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Closes the fixture's own connections (the database goes away with its server). */
  dispose(): Promise<void>;
}

// --- connections ---------------------------------------------------------------------------------

interface Runner {
  run(text: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  end(): Promise<void>;
}

/** `?` → `$1, $2, ...` outside quoted strings. */
function toPostgresPlaceholders(text: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

async function openRunner(engine: ZnunyEngine, url: string): Promise<Runner> {
  if (engine === 'mariadb') {
    const mysql = await import('mysql2/promise');
    const u = new URL(url);
    const pool = mysql.createPool({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.slice(1)),
      connectionLimit: 2,
      dateStrings: true,
      charset: 'utf8mb4_general_ci',
    });
    return {
      async run(text, params = []) {
        const [rows] = await pool.query(text, params as unknown[]);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      end: () => pool.end(),
    };
  }
  const { default: pg } = await import('pg');
  const raw = (value: string) => value;
  const parsers: Record<number, (value: string) => unknown> = { 20: Number, 1700: Number, 1114: raw, 1184: raw };
  const types = { getTypeParser: (oid: number, format?: 'text') => parsers[oid] ?? pg.types.getTypeParser(oid, format) };
  const pool = new pg.Pool({ connectionString: url, max: 2, types: types as never });
  pool.on('error', () => {});
  return {
    async run(text, params = []) {
      return (await pool.query(toPostgresPlaceholders(text), params as unknown[])).rows;
    },
    end: () => pool.end(),
  };
}

async function insertRows(runner: Runner, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    await runner.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}

// --- data --------------------------------------------------------------------------------------

const VALID_ID: Record<Validity, number> = { [Validity.VALID]: 1, [Validity.INVALID]: 2, [Validity.INVALID_TEMPORARILY]: 3 };
const HOUR = 3600;
const DAY = 24 * HOUR;

/** Znuny keeps a country as its English name. */
const countryName = (code: string | null): string | null => (code ? (countries.getName(code, 'en') ?? null) : null);

/** A dynamic field's config as Znuny stores it: YAML written by Kernel::System::YAML->Dump (YAML::XS), keys sorted. */
const YAML_CONFIG = {
  dropdown: (values: Record<string, string>) =>
    [
      '---',
      "DefaultValue: ''",
      "Link: ''",
      "PossibleNone: '1'",
      'PossibleValues:',
      ...Object.entries(values).map(([k, v]) => `  ${k}: ${v}`),
      "TranslatableValues: '0'",
      "TreeView: '0'",
      '',
    ].join('\n'),
  text: ['---', "DefaultValue: ''", "Link: ''", 'RegExList: []', ''].join('\n'),
  date: ['---', "DateRestriction: ''", "DefaultValue: '0'", "Link: ''", "YearsInFuture: '5'", "YearsInPast: '5'", "YearsPeriod: '0'", ''].join('\n'),
  checkbox: ['---', "DefaultValue: '0'", ''].join('\n'),
};

interface TicketSpec {
  readonly key: string;
  readonly customerId: string | null;
  readonly customerUser: string | null;
  readonly state: string;
  readonly queue: string;
  /** Seconds from now (negative: passed); absent: 0 (not set). */
  readonly until?: number;
  readonly escalation?: number;
  readonly archived?: boolean;
  readonly priority?: number;
  readonly title: string;
}

/** Tickets of the full fixture, in id order (ids 1, 2, ... on both engines). */
const TICKETS: readonly TicketSpec[] = [
  // ACME: every kind of ticket the counts and widgets tell apart.
  { key: 'acme-new', customerId: 'ACME', customerUser: 'asmith', state: 'new', queue: 'Support', title: 'Printer on fire' },
  { key: 'acme-open-escalated', customerId: 'ACME', customerUser: 'jdoe', state: 'open', queue: 'Support', escalation: -2 * HOUR, priority: 5, title: 'Mail server down' },
  { key: 'acme-open-escalating', customerId: 'ACME', customerUser: 'bsmith', state: 'open', queue: 'Sales', escalation: 3 * HOUR, title: 'Quote for 50 licences' },
  { key: 'acme-reminder-reached', customerId: 'ACME', customerUser: 'asmith', state: 'pending reminder', queue: 'Support', until: -HOUR, title: 'Call back about VPN' },
  { key: 'acme-reminder-later', customerId: 'ACME', customerUser: 'jdoe', state: 'pending reminder', queue: 'Support', until: DAY, title: 'Check backup next week' },
  { key: 'acme-waiting-reached', customerId: 'ACME', customerUser: 'bsmith', state: 'waiting for customer', queue: 'Sales::Europe', until: -30 * 60, title: 'Awaiting signed contract' },
  { key: 'acme-pending-auto', customerId: 'ACME', customerUser: 'jdoe', state: 'pending auto close+', queue: 'Support', until: 2 * DAY, title: 'Password reset done' },
  { key: 'acme-closed', customerId: 'ACME', customerUser: 'asmith', state: 'closed successful', queue: 'Support', title: 'New laptop' },
  // Znuny clears escalation times on close; an import may leave one behind: not escalated (not open).
  { key: 'acme-closed-stale-escalation', customerId: 'ACME', customerUser: 'old.timer', state: 'closed unsuccessful', queue: 'Support', escalation: -5 * DAY, title: 'Old complaint' },
  { key: 'acme-closed-workaround', customerId: 'ACME', customerUser: 'jdoe', state: 'closed with workaround', queue: 'Support', title: 'Slow network share' },
  // An open-type state made invalid: closed for every count, its escalation does not count.
  { key: 'acme-invalid-open-state', customerId: 'ACME', customerUser: 'bsmith', state: 'in progress', queue: 'Support', escalation: -HOUR, title: 'Migrated from old workflow' },
  { key: 'acme-removed', customerId: 'ACME', customerUser: 'asmith', state: 'removed', queue: 'Junk', title: 'Spam' },
  { key: 'acme-merged', customerId: 'ACME', customerUser: 'jdoe', state: 'merged', queue: 'Support', title: 'Mail server down (duplicate)' },
  { key: 'acme-archived-closed', customerId: 'ACME', customerUser: 'asmith', state: 'closed successful', queue: 'Support', archived: true, title: 'Office move 2019' },
  { key: 'acme-archived-open', customerId: 'ACME', customerUser: 'jdoe', state: 'open', queue: 'Support', escalation: -3 * DAY, archived: true, title: 'Archived while open' },
  { key: 'acme-secret', customerId: 'ACME', customerUser: 'asmith', state: 'open', queue: 'Secret', escalation: -20 * 60, priority: 4, title: 'Security incident' },
  { key: 'acme-sales-europe', customerId: 'ACME', customerUser: 'jdoe', state: 'new', queue: 'Sales::Europe', title: 'Distributor in Austria' },
  // In a queue made invalid: Znuny still counts it.
  { key: 'acme-old-queue', customerId: 'ACME', customerUser: 'bsmith', state: 'open', queue: 'Old requests', title: 'Request from the old portal' },
  { key: 'acme-reminder-no-time', customerId: 'ACME', customerUser: 'asmith', state: 'pending reminder', queue: 'Support', title: 'Pending without a time' },
  { key: 'acme-no-user', customerId: 'ACME', customerUser: null, state: 'open', queue: 'Raw', title: 'Phone call, caller unknown' },
  // An e-mail address as customer_user_id (a sender Znuny did not know): ACME's, nobody's login.
  { key: 'acme-email-user', customerId: 'ACME', customerUser: 'alice.smith@acme.example', state: 'new', queue: 'Raw', title: 'Mail from an unknown address' },
  // globex
  { key: 'globex-open-escalated', customerId: 'globex', customerUser: 'hsimpson', state: 'open', queue: 'Support', escalation: -6 * HOUR, title: 'Reactor monitoring' },
  { key: 'globex-new-jdoe', customerId: 'globex', customerUser: 'jdoe', state: 'new', queue: 'Sales', title: 'Partner programme' },
  { key: 'globex-closed', customerId: 'globex', customerUser: 'hsimpson', state: 'closed successful', queue: 'Support', title: 'Donut machine' },
  { key: 'globex-reminder-reached', customerId: 'globex', customerUser: 'hsimpson', state: 'pending reminder', queue: 'Support', until: -2 * DAY, title: 'Follow up training' },
  { key: 'globex-archived', customerId: 'globex', customerUser: 'hsimpson', state: 'closed unsuccessful', queue: 'Support', archived: true, title: 'Old request' },
  // MUELLER
  { key: 'mueller-open', customerId: 'MUELLER', customerUser: 'zoe.mueller', state: 'open', queue: 'Sales::Europe', title: 'Rechnung für März' },
  { key: 'mueller-auto-close-due', customerId: 'MUELLER', customerUser: 'zoe.mueller', state: 'pending auto close-', queue: 'Sales::Europe', until: -DAY, title: 'Angebot abgelaufen' },
  { key: 'mueller-closed', customerId: 'MUELLER', customerUser: 'zoe.mueller', state: 'closed successful', queue: 'Sales::Europe', title: 'Lieferung erhalten' },
  { key: 'mueller-jdoe', customerId: 'MUELLER', customerUser: 'jdoe', state: 'new', queue: 'Support', title: 'Access for a consultant' },
  // INITECH, UMBRELLA (invalid customer), a CustomerID without customer, no customer at all
  { key: 'initech-open', customerId: 'INITECH', customerUser: 'pgibbons', state: 'open', queue: 'Misc', title: 'TPS report cover sheets' },
  { key: 'initech-closed', customerId: 'INITECH', customerUser: 'pgibbons', state: 'closed successful', queue: 'Misc', title: 'Stapler' },
  { key: 'umbrella-closed', customerId: 'UMBRELLA', customerUser: null, state: 'closed successful', queue: 'Raw', title: 'Contract ended' },
  { key: 'umbrella-open', customerId: 'UMBRELLA', customerUser: null, state: 'open', queue: 'Raw', title: 'Final invoice' },
  { key: 'orphan-customer', customerId: 'GONE-CORP', customerUser: 'gone.user', state: 'open', queue: 'Raw', title: 'From a deleted customer' },
  { key: 'no-customer', customerId: null, customerUser: null, state: 'new', queue: 'Raw', title: 'Monitoring alert' },
  { key: 'globex-mwalker', customerId: 'globex', customerUser: 'mwalker', state: 'open', queue: 'Support', title: 'Invoice address' },
];

/** MariaDB only (case-insensitive collation): a ticket of 'ACME' written as 'acme'. */
const CASE_VARIANT: TicketSpec = {
  key: 'acme-case-variant',
  customerId: 'acme',
  customerUser: 'bsmith',
  state: 'open',
  queue: 'Support',
  escalation: -4 * HOUR,
  title: 'Written with a lower-case CustomerID',
};

// --- the fixture -------------------------------------------------------------------------------

export async function createZnunyFixture(engine: 'mariadb', server: MariadbServer, options?: ZnunyFixtureOptions): Promise<ZnunyFixture>;
export async function createZnunyFixture(engine: 'postgres', server: PostgresServer, options?: ZnunyFixtureOptions): Promise<ZnunyFixture>;
export async function createZnunyFixture(
  engine: ZnunyEngine,
  server: MariadbServer | PostgresServer,
  options?: ZnunyFixtureOptions,
): Promise<ZnunyFixture>;
export async function createZnunyFixture(
  engine: ZnunyEngine,
  server: MariadbServer | PostgresServer,
  options: ZnunyFixtureOptions = {},
): Promise<ZnunyFixture> {
  const mode = options.only ?? 'full';
  const dialect: ZnunyDialect = engine === 'mariadb' ? 'mysql' : 'postgres';
  const groupsTable = options.groupsTable ?? 'permission_groups';
  const ddlOptions: ZnunyDdlOptions = { groupsTable, colors: options.colors ?? false };
  const url = await server.createDatabase('znuny');
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const runner = await openRunner(engine, url);
  const now = Math.floor(Date.now() / 1000);
  try {
    await createZnunyDatabase((sql) => runner.run(sql), dialect, { ...ddlOptions, now: new Date(now * 1000) });
    const seeded = await seed(runner, engine, mode, now, ddlOptions);
    for (const statement of znunySequenceSync(dialect, ddlOptions)) await runner.run(statement);
    let disposed: Promise<void> | null = null;
    return {
      engine,
      dialect,
      url,
      database,
      now,
      groupsTable,
      seeded,
      sql: async <R>(text: string, params: readonly unknown[] = []) => (await runner.run(text, params)) as R[],
      dispose: () => (disposed ??= runner.end()),
    };
  } catch (error) {
    await runner.end().catch(() => {});
    throw error;
  }
}

async function seed(runner: Runner, engine: ZnunyEngine, mode: 'conformance' | 'full', now: number, ddl: ZnunyDdlOptions): Promise<ZnunySeeded> {
  const at = (secondsFromNow: number) => utcDateTime(new Date((now + secondsFromNow) * 1000));
  const AUDIT = ['create_time', 'create_by', 'change_time', 'change_by'] as const;
  const audit = (createdAgo: number, changedAgo = createdAgo) => [at(-createdAgo), 1, at(-changedAgo), 1];

  // Customers and customer users: the conformance dataset.
  await insertRows(
    runner,
    'customer_company',
    ['customer_id', 'name', 'street', 'zip', 'city', 'country', 'url', 'comments', 'valid_id', ...AUDIT],
    FIXTURE_CUSTOMERS.map((c, i) => [
      c.customerId,
      c.name,
      c.street,
      c.zip,
      c.city,
      countryName(c.countryCode),
      c.url,
      c.comment,
      VALID_ID[c.valid],
      ...audit((400 - i * 10) * DAY, (30 - i) * DAY),
    ]),
  );
  const users = [...FIXTURE_CUSTOMER_USERS.map((u) => ({ ...u, country: countryName(u.countryCode) }))];
  if (mode === 'full') {
    // Znuny's own country list (Locale::Country) writes some names other than ISO's official ones;
    // and a name that names no country.
    users.push(
      { ...extraUser('mwalker', 'Mary', 'Walker', 'globex'), country: 'United States' },
      { ...extraUser('legacy.user', 'Lee', 'Gacy', 'INITECH'), country: 'Atlantis' },
    );
  }
  await insertRows(
    runner,
    'customer_user',
    ['id', 'login', 'email', 'customer_id', 'pw', 'title', 'first_name', 'last_name', 'phone', 'mobile', 'street', 'zip', 'city', 'country', 'comments', 'valid_id', ...AUDIT],
    users.map((u, i) => [
      i + 1,
      u.login,
      u.email,
      u.customerId,
      'x',
      u.title,
      u.firstName,
      u.lastName,
      u.phone,
      u.mobile,
      u.street,
      u.zip,
      u.city,
      u.country,
      u.comment,
      VALID_ID[u.valid],
      ...audit((300 - i * 7) * DAY, (20 - i) * DAY),
    ]),
  );
  const further = users.flatMap((u) => u.additionalCustomerIds.map((customerId) => [u.login, customerId, ...audit(100 * DAY)]));
  if (further.length) await insertRows(runner, 'customer_user_customer', ['user_id', 'customer_id', ...AUDIT], further);

  const base: ZnunySeeded = {
    mode,
    customerIds: FIXTURE_CUSTOMERS.map((c) => c.customerId),
    customerUserLogins: users.map((u) => u.login),
    agents: { 'root@localhost': 1 },
    groups: { users: 1, admin: 2, stats: 3 },
    roles: {},
    queues: { Postmaster: 1, Raw: 2, Junk: 3, Misc: 4 },
    states: {
      new: 1,
      'closed successful': 2,
      'closed unsuccessful': 3,
      open: 4,
      removed: 5,
      'pending reminder': 6,
      'pending auto close+': 7,
      'pending auto close-': 8,
      merged: 9,
    },
    dynamicFields: {},
    tickets: {},
    caseVariantTicket: null,
  };
  if (mode === 'conformance') return base;

  // Groups (one made invalid), queues in them (one made invalid).
  const groupsTable = ddl.groupsTable ?? 'permission_groups';
  const groups = { ...base.groups, sales: 4, support: 5, secret: 6, legacy: 7 };
  await insertRows(runner, groupsTable, ['id', 'name', 'comments', 'valid_id', ...AUDIT], [
    [4, 'sales', 'Sales team', 1, ...audit(500 * DAY)],
    [5, 'support', 'First and second level', 1, ...audit(500 * DAY)],
    [6, 'secret', 'Security team only', 1, ...audit(500 * DAY)],
    [7, 'legacy', 'No longer used', 2, ...audit(500 * DAY, 50 * DAY)],
  ]);
  const queues = { ...base.queues, Sales: 5, 'Sales::Europe': 6, Support: 7, Secret: 8, Legacy: 9, 'Old requests': 10 };
  const queueRow = (id: number, name: string, groupId: number, valid: number) => [id, name, groupId, 0, 1, 1, 1, 1, 0, null, valid, ...audit(500 * DAY)];
  await insertRows(
    runner,
    'queue',
    ['id', 'name', 'group_id', 'unlock_timeout', 'system_address_id', 'salutation_id', 'signature_id', 'follow_up_id', 'follow_up_lock', 'comments', 'valid_id', ...AUDIT],
    [
      queueRow(5, 'Sales', 4, 1),
      queueRow(6, 'Sales::Europe', 4, 1),
      queueRow(7, 'Support', 5, 1),
      queueRow(8, 'Secret', 6, 1),
      queueRow(9, 'Legacy', 7, 1),
      queueRow(10, 'Old requests', 5, 2),
    ],
  );

  // Agents: direct group permissions, a role, and what grants nothing (invalid agent, invalid
  // role, invalid group, a permission other than ro/rw, an OTRS 4 group_role row with value 0).
  const agents = {
    ...base.agents,
    'agent-direct': 2,
    'agent-rw': 3,
    'agent-role': 4,
    'agent-invalid': 5,
    'agent-retired-role': 6,
    'agent-legacy': 7,
  };
  await insertRows(
    runner,
    'users',
    ['id', 'login', 'pw', 'first_name', 'last_name', 'valid_id', ...AUDIT],
    [
      [2, 'agent-direct', 'x', 'Dana', 'Direct', 1, ...audit(200 * DAY)],
      [3, 'agent-rw', 'x', 'Rita', 'Writer', 1, ...audit(200 * DAY)],
      [4, 'agent-role', 'x', 'Rolf', 'Role', 1, ...audit(200 * DAY)],
      [5, 'agent-invalid', 'x', 'Ingo', 'Invalid', 2, ...audit(200 * DAY, 10 * DAY)],
      [6, 'agent-retired-role', 'x', 'Rut', 'Retired', 1, ...audit(200 * DAY)],
      [7, 'agent-legacy', 'x', 'Lars', 'Legacy', 1, ...audit(200 * DAY)],
    ],
  );
  const roles = { 'secret-readers': 1, retired: 2 };
  await insertRows(runner, 'roles', ['id', 'name', 'comments', 'valid_id', ...AUDIT], [
    [1, 'secret-readers', null, 1, ...audit(200 * DAY)],
    [2, 'retired', null, 2, ...audit(200 * DAY, 20 * DAY)],
  ]);
  await insertRows(runner, 'group_user', ['user_id', 'group_id', 'permission_key', ...AUDIT], [
    [2, 4, 'ro', ...audit(200 * DAY)],
    [3, 5, 'rw', ...audit(200 * DAY)],
    [5, 5, 'rw', ...audit(200 * DAY)],
    [7, 5, 'move_into', ...audit(200 * DAY)],
    [7, 7, 'rw', ...audit(200 * DAY)],
  ]);
  await insertRows(runner, 'role_user', ['user_id', 'role_id', ...AUDIT], [
    [4, 1, ...audit(200 * DAY)],
    [6, 2, ...audit(200 * DAY)],
  ]);
  await insertRows(runner, 'group_role', ['role_id', 'group_id', 'permission_key', 'permission_value', ...AUDIT], [
    [1, 6, 'ro', 1, ...audit(200 * DAY)],
    [1, 5, 'rw', 0, ...audit(200 * DAY)],
    [2, 4, 'rw', 1, ...audit(200 * DAY)],
  ]);

  // States: a closed-type one, an open-type one made invalid, a second pending reminder one.
  const states = { ...base.states, 'closed with workaround': 10, 'in progress': 11, 'waiting for customer': 12 };
  const colored = ddl.colors ? ['color'] : [];
  const color = ddl.colors ? ['#cdcdcd'] : [];
  await insertRows(runner, 'ticket_state', ['id', 'name', 'comments', 'type_id', 'valid_id', ...colored, ...AUDIT], [
    [10, 'closed with workaround', null, 3, 1, ...color, ...audit(300 * DAY)],
    [11, 'in progress', 'Replaced by open', 2, 2, ...color, ...audit(300 * DAY, 40 * DAY)],
    [12, 'waiting for customer', null, 4, 1, ...color, ...audit(300 * DAY)],
  ]);

  // Tickets.
  const specs = engine === 'mariadb' ? [...TICKETS, CASE_VARIANT] : TICKETS;
  const tickets: Record<string, number> = {};
  const ticketRows = specs.map((t, i) => {
    const id = i + 1;
    tickets[t.key] = id;
    const escalation = t.escalation === undefined ? 0 : now + t.escalation;
    const createdAgo = (specs.length - i) * 2 * DAY + 3 * HOUR;
    return [
      id,
      String(2024010110000000 + id),
      t.title,
      (queues as Record<string, number>)[t.queue]!,
      1,
      1,
      1,
      1,
      t.priority ?? 3,
      (states as Record<string, number>)[t.state]!,
      t.customerId,
      t.customerUser,
      0,
      t.until === undefined ? 0 : now + t.until,
      escalation,
      0,
      escalation,
      0,
      t.archived ? 1 : 0,
      ...audit(createdAgo, Math.min(createdAgo, (i % 5) * HOUR + 60)),
    ];
  });
  await insertRows(
    runner,
    'ticket',
    [
      'id', 'tn', 'title', 'queue_id', 'ticket_lock_id', 'type_id', 'user_id', 'responsible_user_id', 'ticket_priority_id', 'ticket_state_id',
      'customer_id', 'customer_user_id', 'timeout', 'until_time', 'escalation_time', 'escalation_update_time', 'escalation_response_time',
      'escalation_solution_time', 'archive_flag', ...AUDIT,
    ],
    ticketRows,
  );
  await insertRows(
    runner,
    'ticket_history',
    ['name', 'history_type_id', 'ticket_id', 'article_id', 'type_id', 'queue_id', 'owner_id', 'priority_id', 'state_id', ...AUDIT],
    ticketRows.map((row) => [
      `%%${row[1]}%%${row[3]}%%${row[8]}%%${row[9]}%%${row[0]}`,
      1,
      row[0],
      null,
      1,
      row[3],
      1,
      row[8],
      row[9],
      row[19],
      1,
      row[19],
      1,
    ]),
  );

  // Dynamic fields of customers and customer users (and one of tickets, whose object ids are
  // ticket ids and so collide with the object ids of the name mapping).
  const fields = [
    [1, 'ContractLevel', 'Contract level', 'Dropdown', 'CustomerCompany', YAML_CONFIG.dropdown({ gold: 'Gold', silver: 'Silver' }), 1],
    [2, 'AccountManager', 'Account manager', 'Text', 'CustomerCompany', YAML_CONFIG.text, 1],
    [3, 'ContractEnd', 'Contract end', 'Date', 'CustomerCompany', YAML_CONFIG.date, 1],
    [4, 'Languages', 'Languages', 'Multiselect', 'CustomerUser', YAML_CONFIG.dropdown({ de: 'German', en: 'English', fr: 'French' }), 1],
    [5, 'Newsletter', 'Newsletter', 'Checkbox', 'CustomerUser', YAML_CONFIG.checkbox, 1],
    [6, 'LastContact', 'Last contact', 'DateTime', 'CustomerUser', YAML_CONFIG.date, 1],
    [7, 'LegacyRating', 'Legacy rating', 'Text', 'CustomerCompany', YAML_CONFIG.text, 2],
    [8, 'TicketNote', 'Note', 'Text', 'Ticket', YAML_CONFIG.text, 1],
  ] as const;
  await insertRows(
    runner,
    'dynamic_field',
    ['id', 'internal_field', 'name', 'label', 'field_order', 'field_type', 'object_type', 'config', 'valid_id', ...AUDIT],
    fields.map(([id, name, label, type, objectType, config, valid]) => [id, 0, name, label, id, type, objectType, config, valid, ...audit(250 * DAY)]),
  );
  const dynamicFields = Object.fromEntries(fields.map(([id, name]) => [name, id]));
  // Object ids as Znuny's ObjectMappingCreate hands them out (asmith: mapped, no values; OLDCO: a customer no longer there).
  const mappings = [
    [1, 'ACME', 'CustomerCompany'],
    [2, 'MUELLER', 'CustomerCompany'],
    [3, 'globex', 'CustomerCompany'],
    [4, 'jdoe', 'CustomerUser'],
    [5, 'zoe.mueller', 'CustomerUser'],
    [6, 'asmith', 'CustomerUser'],
    [7, 'OLDCO', 'CustomerCompany'],
  ] as const;
  await insertRows(runner, 'dynamic_field_obj_id_name', ['object_id', 'object_name', 'object_type'], mappings);
  const text = (field: number, object: number, value: string) => [field, object, value, null, null];
  const date = (field: number, object: number, value: string) => [field, object, null, value, null];
  const int = (field: number, object: number, value: number) => [field, object, null, null, value];
  await insertRows(runner, 'dynamic_field_value', ['field_id', 'object_id', 'value_text', 'value_date', 'value_int'], [
    text(1, 1, 'gold'),
    text(2, 1, 'Maria Schmidt'),
    date(3, 1, '2026-12-31 00:00:00'),
    text(7, 1, 'A+'),
    text(1, 2, 'silver'),
    text(2, 2, 'Jürgen Weiß'),
    text(2, 3, 'Frank Grimes'),
    text(4, 4, 'de'),
    text(4, 4, 'en'),
    int(5, 4, 1),
    date(6, 4, '2025-03-04 05:06:07'),
    text(4, 5, 'de'),
    int(5, 5, 0),
    text(2, 7, 'Nobody'),
    ...[1, 2, 3, 4, 5].map((ticketId) => text(8, ticketId, `Ticket note ${ticketId}`)),
  ]);

  return {
    ...base,
    agents,
    groups,
    roles,
    queues,
    states,
    dynamicFields,
    tickets,
    caseVariantTicket:
      engine === 'mariadb' ? { id: tickets[CASE_VARIANT.key]!, customerId: CASE_VARIANT.customerId!, customerOf: 'ACME' } : null,
  };
}

function extraUser(login: string, firstName: string, lastName: string, customerId: string) {
  return {
    login,
    email: `${login}@${customerId.toLowerCase()}.example`,
    customerId,
    title: null,
    firstName,
    lastName,
    phone: null,
    mobile: null,
    street: null,
    zip: null,
    city: null,
    countryCode: null,
    comment: null,
    valid: Validity.VALID,
    additionalCustomerIds: [] as readonly string[],
  };
}
