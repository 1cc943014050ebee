/**
 * Writes a generated dataset (src/seed/generate.ts) into an EMPTY database as a Znuny / OTOBO
 * installation holds it: the Znuny tables (znuny-ddl.ts, `createZnunyDatabase`), customers in
 * `customer_company`, customer users in `customer_user` with their further customer ids in
 * `customer_user_customer`, tickets in `ticket` (queues in groups, states of every type with a
 * closed-type and a pending-reminder-type state besides Znuny's own and an open-type one made
 * invalid, archived tickets, escalations and reminders relative to the dataset's `now` as Znuny's
 * escalation index and `until_time` hold them) and dynamic field values of customers and customer
 * users. For `npm run seed -- --znuny --out mysql://...|postgres://...` and the Znuny benchmark.
 *
 * Fast: values are written as SQL literals into multi-row INSERTs (2,000 rows a statement), two
 * statements in flight on one connection (the next one is built while the server inserts the
 * last), committed every 100,000 rows; the ticket table's secondary indexes are dropped before
 * the load and built again after it (one sorted build per index instead of 19 index insertions
 * per row), with the names and columns znuny-ddl.ts gives them, so the schema ends as created.
 * Deterministic: the same generator options and `now` give the same rows on both engines.
 */
import countries from 'i18n-iso-countries';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { SeedDataset, SeedWriter, TicketSeedRow } from '../../src/domain/seed-rows';
import { createZnunyDatabase, utcDateTime, znunySequenceSync, znunyTables, type ZnunyDialect, type ZnunyTable } from './znuny-ddl';

/** One connection to the target database: statements with their values inlined (no placeholders). */
export interface ZnunySeedExec {
  readonly dialect: ZnunyDialect;
  query<R = Record<string, unknown>>(sql: string): Promise<R[]>;
  close(): Promise<void>;
}

/** Opens one connection to a `mysql://` / `mariadb://` or `postgres://` URL for seeding. */
export async function openZnunySeedExec(url: string): Promise<ZnunySeedExec> {
  if (/^postgres(ql)?:/i.test(url)) {
    const types = { getTypeParser: (oid: number, format?: 'text') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) };
    const client = new pg.Client({ connectionString: url, types: types as never });
    client.on('error', () => {});
    await client.connect();
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET statement_timeout = 0`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    // One statement at a time reaches the client (pg 8 deprecates queueing on a busy client); the caller
    // may still hand over the next one while this one runs.
    let tail: Promise<unknown> = Promise.resolve();
    return {
      dialect: 'postgres',
      query: <R>(sql: string) => {
        const result = tail.then(() => client.query(sql));
        tail = result.catch(() => undefined);
        return result.then((r) => r.rows as R[]);
      },
      close: async () => {
        await tail;
        await client.end();
      },
    };
  }
  const conn = await mysql.createConnection({
    uri: url.replace(/^mariadb:/i, 'mysql:'),
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    decimalNumbers: true,
  });
  conn.on('error', () => {});
  // MariaDB's per-session statement limit off (index builds over a million rows take a while).
  await conn.query(`SET SESSION max_statement_time = 0`).catch(() => undefined);
  return {
    dialect: 'mysql',
    query: async <R>(sql: string) => {
      const [rows] = await conn.query(sql);
      return (Array.isArray(rows) ? rows : []) as R[];
    },
    close: () => conn.end(),
  };
}

/** Options of {@link ZnunySeedWriter}. */
export interface ZnunySeedOptions {
  /** The dataset's clock (the generator's `now`): archiving and the shipped rows' times. */
  readonly now: Date;
  /** Rows per INSERT statement (2,000). */
  readonly batchRows?: number;
  /** Told what the writer is doing ('customers', 'tickets', 'indexes', ...), for a progress display. */
  readonly onPhase?: (phase: string) => void;
}

/** What the writer wrote besides the generator's rows. */
export interface ZnunySeedSummary {
  readonly archivedTickets: number;
  readonly dynamicFieldValues: number;
}

const DAY = 86_400_000;
const VALID_ID: Readonly<Record<string, number>> = { VALID: 1, INVALID: 2, INVALID_TEMPORARILY: 3 };
const AUDIT = ['create_time', 'create_by', 'change_time', 'change_by'];

/** Groups besides Znuny's users / admin / stats: [id, name, comment]. */
const GROUPS: readonly [number, string, string][] = [
  [4, 'support', 'First and second level'],
  [5, 'sales', 'Sales team'],
  [6, 'billing', 'Accounting'],
];
/** Queues by the generator's names: Znuny's own (Postmaster 1, Raw 2, Junk 3, Misc 4) and these [id, name, group]. */
const QUEUES: readonly [number, string, number][] = [
  [5, 'Support', 4],
  [6, 'Support::Hardware', 4],
  [7, 'Support::Network', 4],
  [8, 'Sales', 5],
  [9, 'Billing', 6],
];
const QUEUE_ID: Readonly<Record<string, number>> = { Postmaster: 1, Raw: 2, Junk: 3, Misc: 4, ...Object.fromEntries(QUEUES.map(([id, name]) => [name, id])) };
/** Znuny's states by name (initial_insert), and these: [id, name, type id, valid id]. */
const STATES: readonly [number, string, number, number][] = [
  [10, 'in progress', 2, 2],
  [11, 'closed with workaround', 3, 1],
  [12, 'waiting for customer', 4, 1],
];
const STATE_ID: Readonly<Record<string, number>> = {
  new: 1, 'closed successful': 2, 'closed unsuccessful': 3, open: 4, removed: 5, 'pending reminder': 6,
  'pending auto close+': 7, 'pending auto close-': 8, merged: 9,
};
const PRIORITY_ID: Readonly<Record<string, number>> = { '1 very low': 1, '2 low': 2, '3 normal': 3, '4 high': 4, '5 very high': 5 };

/** Dynamic field configurations as Znuny's YAML module writes them (keys sorted). */
const DROPDOWN = (values: Record<string, string>) =>
  ['---', "DefaultValue: ''", "Link: ''", "PossibleNone: '1'", 'PossibleValues:', ...Object.entries(values).map(([k, v]) => `  ${k}: ${v}`),
    "TranslatableValues: '0'", "TreeView: '0'", ''].join('\n');
const TEXT_CONFIG = ['---', "DefaultValue: ''", "Link: ''", 'RegExList: []', ''].join('\n');
const CHECKBOX_CONFIG = ['---', "DefaultValue: '0'", ''].join('\n');
/** [id, name, label, type, object type, config, valid id] */
const FIELDS: readonly [number, string, string, string, string, string, number][] = [
  [1, 'ContractLevel', 'Contract level', 'Dropdown', 'CustomerCompany', DROPDOWN({ bronze: 'Bronze', gold: 'Gold', silver: 'Silver' }), 1],
  [2, 'AccountManager', 'Account manager', 'Text', 'CustomerCompany', TEXT_CONFIG, 1],
  [3, 'LegacyRating', 'Legacy rating', 'Text', 'CustomerCompany', TEXT_CONFIG, 2],
  [4, 'Languages', 'Languages', 'Multiselect', 'CustomerUser', DROPDOWN({ de: 'German', en: 'English', fr: 'French' }), 1],
  [5, 'Newsletter', 'Newsletter', 'Checkbox', 'CustomerUser', CHECKBOX_CONFIG, 1],
];
const MANAGERS = ['Maria Schmidt', 'Jürgen Weiß', 'Frank Grimes', 'Ana Souza', 'Chloé Martin', "Seán O'Brien"];

/** A key under which MariaDB's utf8mb4_general_ci (case and accents ignored, ß = s) sees two names as equal. */
function generalCiKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 's').toLowerCase().replace(/\s+$/, '');
}

/** Writes the tables and rows of a Znuny database; see the file's comment. */
export class ZnunySeedWriter implements SeedWriter {
  private readonly mysql: boolean;
  private readonly batchRows: number;
  private readonly inflight: Promise<unknown>[] = [];
  private sinceCommit = 0;
  private summary: ZnunySeedSummary = { archivedTickets: 0, dynamicFieldValues: 0 };

  constructor(
    private readonly exec: ZnunySeedExec,
    private readonly options: ZnunySeedOptions,
  ) {
    this.mysql = exec.dialect === 'mysql';
    this.batchRows = options.batchRows ?? 2000;
  }

  /** True when the database holds no table at all (the only kind the writer writes into). */
  async isEmpty(): Promise<boolean> {
    const schema = this.mysql ? 'DATABASE()' : 'current_schema()';
    const [row] = await this.exec.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ${schema}`);
    return Number(row?.n ?? 0) === 0;
  }

  /** What was written besides the generator's rows (after {@link write}). */
  get written(): ZnunySeedSummary {
    return this.summary;
  }

  async write(dataset: SeedDataset): Promise<void> {
    if (!(await this.isEmpty())) throw new Error('the database holds tables; the Znuny seed writes into an empty database only');
    const { now } = this.options;
    const at = utcDateTime(now);
    const phase = (p: string) => this.options.onPhase?.(p);
    phase('tables');
    await createZnunyDatabase((sql) => this.exec.query(sql), this.exec.dialect, { now });
    const ticket = znunyTables().find((t) => t.name === 'ticket')!;
    for (const sql of this.dropIndexes(ticket)) await this.exec.query(sql);

    await this.begin();
    const audit = [at, 1, at, 1];
    await this.insert('permission_groups', ['id', 'name', 'comments', 'valid_id', ...AUDIT], GROUPS.map(([id, name, c]) => [id, name, c, 1, ...audit]));
    await this.insert('group_user', ['user_id', 'group_id', 'permission_key', ...AUDIT], GROUPS.map(([id]) => [1, id, 'rw', ...audit]));
    await this.insert(
      'queue',
      ['id', 'name', 'group_id', 'unlock_timeout', 'system_address_id', 'salutation_id', 'signature_id', 'follow_up_id', 'follow_up_lock', 'comments', 'valid_id', ...AUDIT],
      QUEUES.map(([id, name, group]) => [id, name, group, 0, 1, 1, 1, 1, 0, null, 1, ...audit]),
    );
    await this.insert('ticket_state', ['id', 'name', 'type_id', 'comments', 'valid_id', ...AUDIT], STATES.map(([id, name, type, valid]) => [id, name, type, null, valid, ...audit]));
    await this.insert(
      'dynamic_field',
      ['id', 'internal_field', 'name', 'label', 'field_order', 'field_type', 'object_type', 'config', 'valid_id', ...AUDIT],
      FIELDS.map(([id, name, label, type, object, config, valid]) => [id, 0, name, label, id, type, object, config, valid, ...audit]),
    );

    // Customers: names unique as MariaDB's collation compares them (the generator keeps them unique ignoring case only).
    phase('customers');
    const names = new Set<string>();
    const customerRows = dataset.customers.map((c) => {
      let name = c.name;
      for (let n = 2; names.has(generalCiKey(name)); n++) name = `${c.name} (${n})`;
      names.add(generalCiKey(name));
      const country = c.country ? (countries.getName(c.country, 'en') ?? null) : null;
      return [c.customerId, name, c.street, c.zip, c.city, country, c.url, c.comment, VALID_ID[c.valid] ?? 2,
        utcDateTime(new Date(c.createdAt)), 1, utcDateTime(new Date(c.changedAt)), 1];
    });
    await this.insert('customer_company', ['customer_id', 'name', 'street', 'zip', 'city', 'country', 'url', 'comments', 'valid_id', ...AUDIT], customerRows);
    phase('customer users');
    await this.insert(
      'customer_user',
      ['id', 'login', 'email', 'customer_id', 'pw', 'title', 'first_name', 'last_name', 'phone', 'mobile', 'city', 'valid_id', ...AUDIT],
      dataset.users.map((u) => [u.id, u.login, u.email, u.customerId, '{SHA256}seeded', u.title, u.firstName, u.lastName, u.phone, u.mobile, u.city,
        VALID_ID[u.valid] ?? 2, utcDateTime(new Date(u.createdAt)), 1, utcDateTime(new Date(u.changedAt)), 1]),
    );
    const loginOf = new Map(dataset.users.map((u) => [u.id, u] as const));
    await this.insert(
      'customer_user_customer',
      ['user_id', 'customer_id', ...AUDIT],
      dataset.links.filter((l) => l.position > 0).map((l) => {
        const u = loginOf.get(l.userId)!;
        const t = utcDateTime(new Date(u.changedAt));
        return [u.login, l.customerId, t, 1, t, 1];
      }),
    );
    await this.dynamicFields(dataset);

    phase('tickets');
    const columns = ['id', 'tn', 'title', 'queue_id', 'ticket_lock_id', 'type_id', 'user_id', 'responsible_user_id', 'ticket_priority_id',
      'ticket_state_id', 'customer_id', 'customer_user_id', 'timeout', 'until_time', 'escalation_time', 'escalation_update_time',
      'escalation_response_time', 'escalation_solution_time', 'archive_flag', ...AUDIT];
    const head = `INSERT INTO ticket (${columns.join(', ')}) VALUES `;
    const yearAgo = now.getTime() - 365 * DAY;
    let archived = 0;
    let tuples: string[] = [];
    for (const t of dataset.tickets) {
      const archive = archiveFlag(t, yearAgo);
      archived += archive;
      tuples.push(this.ticketTuple(t, archive));
      if (tuples.length === this.batchRows) {
        await this.send(head + tuples.join(','));
        tuples = [];
      }
    }
    if (tuples.length > 0) await this.send(head + tuples.join(','));
    await this.commit();
    this.summary = { ...this.summary, archivedTickets: archived };

    phase('indexes');
    for (const sql of this.createIndexes(ticket)) await this.exec.query(sql);
    for (const sql of znunySequenceSync(this.exec.dialect)) await this.exec.query(sql);
    phase('statistics');
    if (this.mysql) {
      await this.exec.query(`ANALYZE TABLE ticket, customer_company, customer_user, customer_user_customer, dynamic_field_value, dynamic_field_obj_id_name`);
    } else {
      await this.exec.query(`ANALYZE`);
    }
  }

  /** Dynamic field values of customers and customer users, with their object id mappings. */
  private async dynamicFields(dataset: SeedDataset): Promise<void> {
    const mappings: unknown[][] = [];
    const values: unknown[][] = [];
    const text = (field: number, object: number, value: string) => values.push([field, object, value, null, null]);
    dataset.customers.forEach((c, i) => {
      const has = i % 3 !== 2 || i % 4 === 0 || i % 5 === 0;
      if (!has) return;
      const object = mappings.length + 1;
      mappings.push([object, c.customerId, 'CustomerCompany']);
      if (i % 3 !== 2) text(1, object, i % 7 === 0 ? 'bronze' : i % 3 === 0 ? 'gold' : 'silver');
      if (i % 4 === 0) text(2, object, MANAGERS[i % MANAGERS.length]!);
      if (i % 5 === 0) text(3, object, ['A+', 'B', 'C-'][i % 3]!);
    });
    dataset.users.forEach((u, j) => {
      if (j % 4 !== 0 && j % 3 !== 0) return;
      const object = mappings.length + 1;
      mappings.push([object, u.login, 'CustomerUser']);
      if (j % 4 === 0) {
        text(4, object, j % 3 === 0 ? 'en' : 'de');
        if (j % 8 === 0) text(4, object, 'fr');
      }
      if (j % 3 === 0) values.push([5, object, null, null, j % 2]);
    });
    await this.insert('dynamic_field_obj_id_name', ['object_id', 'object_name', 'object_type'], mappings);
    await this.insert('dynamic_field_value', ['field_id', 'object_id', 'value_text', 'value_date', 'value_int'], values);
    this.summary = { ...this.summary, dynamicFieldValues: values.length };
  }

  private ticketTuple(t: TicketSeedRow, archive: number): string {
    const q = (v: string | null) => this.literal(v);
    let state = STATE_ID[t.state]!;
    // A share of the generator's states as the extra ones: an open-type state made invalid (closed for every count), ...
    if (state === 4 && t.id % 40 === 3) state = 10;
    else if (state === 2 && t.id % 10 === 1) state = 11;
    else if (state === 6 && t.id % 4 === 0) state = 12;
    const escalation = t.escalationAt === null ? 0 : Math.floor(t.escalationAt / 1000);
    const until = t.pendingUntil === null ? 0 : Math.floor(t.pendingUntil / 1000);
    return `(${t.id},'${t.number}',${q(t.title)},${QUEUE_ID[t.queue] ?? 2},1,1,1,1,${PRIORITY_ID[t.priority] ?? 3},${state},${q(t.customerId)},${q(
      t.customerUserLogin,
    )},0,${until},${escalation},0,0,${escalation},${archive},'${utcDateTime(new Date(t.createdAt))}',1,'${utcDateTime(new Date(t.changedAt))}',1)`;
  }

  /** A value as an SQL literal (MariaDB's default sql_mode reads backslashes as escapes). */
  private literal(v: unknown): string {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    let s = String(v);
    if (this.mysql && s.includes('\\')) s = s.replace(/\\/g, '\\\\');
    if (s.includes("'")) s = s.replace(/'/g, "''");
    return `'${s}'`;
  }

  /** Multi-row INSERTs of `rows` in statements of at most `batchRows` rows. */
  private async insert(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    for (let i = 0; i < rows.length; i += this.batchRows) {
      const chunk = rows.slice(i, i + this.batchRows);
      await this.send(head + chunk.map((r) => `(${r.map((v) => this.literal(v)).join(',')})`).join(','));
    }
  }

  /** Sends a statement with at most two in flight (the next one is built meanwhile); commits every 50 statements. */
  private async send(sql: string): Promise<void> {
    this.push(sql);
    if (++this.sinceCommit >= 50) {
      this.sinceCommit = 0;
      this.push('COMMIT');
      this.push(this.mysql ? 'START TRANSACTION' : 'BEGIN');
    }
    while (this.inflight.length > 2) await this.inflight.shift();
  }

  private push(sql: string): void {
    const p = this.exec.query(sql);
    p.catch(() => undefined);
    this.inflight.push(p);
  }

  private async begin(): Promise<void> {
    this.push(this.mysql ? 'START TRANSACTION' : 'BEGIN');
    this.sinceCommit = 0;
  }

  private async commit(): Promise<void> {
    this.push('COMMIT');
    while (this.inflight.length > 0) await this.inflight.shift();
  }

  private dropIndexes(table: ZnunyTable): string[] {
    if (this.mysql) return [`ALTER TABLE ${table.name} ${table.indexes.map((i) => `DROP INDEX ${i.name}`).join(', ')}`];
    return table.indexes.map((i) => `DROP INDEX ${i.name}`);
  }

  private createIndexes(table: ZnunyTable): string[] {
    const columns = (i: ZnunyTable['indexes'][number]) => i.columns.map((c) => (this.mysql && c.size ? `${c.name}(${c.size})` : c.name)).join(', ');
    if (this.mysql) return [`ALTER TABLE ${table.name} ${table.indexes.map((i) => `ADD INDEX ${i.name} (${columns(i)})`).join(', ')}`];
    return table.indexes.map((i) => `CREATE INDEX ${i.name} ON ${table.name} (${columns(i)})`);
  }
}

/**
 * Znuny's archive: closed, merged and removed tickets created more than a year ago, every
 * second one archived (as an archive run with a one-year age leaves them), and a few open
 * tickets archived by hand.
 */
function archiveFlag(t: TicketSeedRow, yearAgo: number): number {
  if (CLOSING_TYPES.has(t.stateType)) return t.createdAt < yearAgo && t.id % 2 === 0 ? 1 : 0;
  return t.isOpen && t.id % 1000 === 7 ? 1 : 0;
}

const CLOSING_TYPES: ReadonlySet<string> = new Set(['CLOSED', 'MERGED', 'REMOVED']);
