/**
 * The tables of a Znuny database that the znuny data source reads and writes, for the tests'
 * own Znuny-shaped databases on MariaDB / MySQL and PostgreSQL.
 *
 * Written from Znuny's documented schema (scripts/database/schema.xml) as a description of its
 * tables; not a copy of Znuny's SQL files. Column names, types, sizes, NOT NULL, defaults,
 * primary keys, unique keys and indexes are Znuny's (as of Znuny 6.1 – 7.x); the SQL is
 * rendered here the way Znuny's database drivers translate the XML types:
 *
 * | XML type      | MySQL / MariaDB                                   | PostgreSQL                    |
 * | ------------- | ------------------------------------------------- | ----------------------------- |
 * | DATE          | DATETIME                                          | timestamp(0) (without t. z.)  |
 * | VARCHAR(n)    | VARCHAR(n); TEXT > 255, MEDIUMTEXT > 65535, ...   | VARCHAR(n); VARCHAR at ≥10000 |
 * | LONGBLOB      | LONGBLOB (the driver writes bytes directly)       | TEXT (see below)              |
 * | auto-increment| AUTO_INCREMENT                                    | serial, bigserial for BIGINT  |
 *
 * LONGBLOB on PostgreSQL: Znuny's PostgreSQL driver maps every LONGBLOB column to TEXT and sets
 * `DB::DirectBlob = 0` (code that stores binary content base64-encodes it itself). YAML written
 * by Znuny (`dynamic_field.config`, `system_data.data_value`, ...) is UTF-8 text in either
 * engine, so `dynamic_field.config` is `text` on PostgreSQL and `longblob` on MySQL (read back as
 * bytes there: decode as UTF-8). An auto-increment SMALLINT id (valid, ticket_state, queue's
 * neighbours, ...) is `serial`, so `integer`, on PostgreSQL.
 *
 * MySQL tables: InnoDB, utf8mb4 with utf8mb4_general_ci. Real installs use utf8 (utf8mb3) or
 * utf8mb4 with a case-insensitive `_general_ci` / `_unicode_ci` collation, so `=` on a
 * CustomerID or login ignores case there, and is exact on PostgreSQL. Index prefix lengths
 * (`Size` of an index column, e.g. dynamic_field_value.value_text(150)) apply to MySQL only.
 *
 * No foreign keys: Znuny declares them, but the tests seed many rows in any order and only the
 * service's reads and writes are under test, so they are left out to keep bulk seeding fast.
 *
 * Versions: Znuny 6.0 and OTRS 6 name the group table `groups` (Znuny 6.1 renamed it to
 * `permission_groups`): `groupsTable: 'groups'`. Znuny 7.1 adds `color VARCHAR(25) NOT NULL` to
 * ticket_state and ticket_priority: `colors: true`. The defaults describe Znuny 6.1 – 7.0.
 */

export type ZnunyDialect = 'mysql' | 'postgres';

/** A column type as Znuny's schema XML names it. */
export type ZnunyColumnType = 'VARCHAR' | 'SMALLINT' | 'INTEGER' | 'BIGINT' | 'DATE' | 'LONGBLOB';

export interface ZnunyColumn {
  readonly name: string;
  readonly type: ZnunyColumnType;
  /** VARCHAR size. */
  readonly size?: number;
  readonly required: boolean;
  readonly default?: number | string;
  readonly autoIncrement?: boolean;
}

export interface ZnunyIndexColumn {
  readonly name: string;
  /** Prefix length (MySQL only), as Znuny's XML gives it. */
  readonly size?: number;
}

export interface ZnunyTable {
  readonly name: string;
  readonly columns: readonly ZnunyColumn[];
  readonly primaryKey?: string;
  readonly uniques: readonly { readonly name: string; readonly columns: readonly string[] }[];
  readonly indexes: readonly { readonly name: string; readonly columns: readonly ZnunyIndexColumn[] }[];
}

export interface ZnunyDdlOptions {
  /** `groups` for Znuny 6.0 / OTRS 6; default `permission_groups` (Znuny ≥ 6.1). */
  readonly groupsTable?: 'permission_groups' | 'groups';
  /** Znuny 7.1's `color` on ticket_state and ticket_priority; default false. */
  readonly colors?: boolean;
}

// --- column shorthands -------------------------------------------------------------------------

const varchar = (name: string, size: number, required = false, def?: string): ZnunyColumn =>
  def === undefined ? { name, type: 'VARCHAR', size, required } : { name, type: 'VARCHAR', size, required, default: def };
const smallint = (name: string, required = true, def?: number): ZnunyColumn =>
  def === undefined ? { name, type: 'SMALLINT', required } : { name, type: 'SMALLINT', required, default: def };
const integer = (name: string, required = true): ZnunyColumn => ({ name, type: 'INTEGER', required });
const bigint = (name: string, required = true): ZnunyColumn => ({ name, type: 'BIGINT', required });
const datetime = (name: string, required = true): ZnunyColumn => ({ name, type: 'DATE', required });
const longblob = (name: string, required = false): ZnunyColumn => ({ name, type: 'LONGBLOB', required });
const serialId = (type: 'SMALLINT' | 'INTEGER' | 'BIGINT', name = 'id'): ZnunyColumn => ({ name, type, required: true, autoIncrement: true });
/** create_time, create_by, change_time, change_by: on nearly every Znuny table. */
const audit = (): ZnunyColumn[] => [datetime('create_time'), integer('create_by'), datetime('change_time'), integer('change_by')];
const unique = (name: string, ...columns: string[]) => ({ name, columns });
const index = (name: string, ...columns: (string | ZnunyIndexColumn)[]) => ({
  name,
  columns: columns.map((c) => (typeof c === 'string' ? { name: c } : c)),
});

/** A table with an auto-increment `id` primary key, a `name`, `valid_id` and the audit columns (Znuny's lookup tables). */
const lookupTable = (name: string, idType: 'SMALLINT' | 'INTEGER', extra: ZnunyColumn[], uniqueName: string): ZnunyTable => ({
  name,
  columns: [serialId(idType), varchar('name', 200, true), ...extra, ...audit()],
  primaryKey: 'id',
  uniques: [unique(uniqueName, 'name')],
  indexes: [],
});

/** The Znuny tables described here, in creation order. */
export function znunyTables(options: ZnunyDdlOptions = {}): readonly ZnunyTable[] {
  const groups = options.groupsTable ?? 'permission_groups';
  const color = options.colors ? [varchar('color', 25, true)] : [];
  return [
    lookupTable('valid', 'SMALLINT', [], 'valid_name'),
    {
      name: 'users',
      columns: [
        serialId('INTEGER'),
        varchar('login', 200, true),
        varchar('pw', 128, true),
        varchar('title', 50),
        varchar('first_name', 100, true),
        varchar('last_name', 100, true),
        smallint('valid_id'),
        ...audit(),
      ],
      primaryKey: 'id',
      uniques: [unique('users_login', 'login')],
      indexes: [],
    },
    lookupTable(groups, 'INTEGER', [varchar('comments', 250), smallint('valid_id')], 'groups_name'),
    {
      name: 'group_user',
      columns: [integer('user_id'), integer('group_id'), varchar('permission_key', 20, true), ...audit()],
      uniques: [],
      indexes: [index('group_user_user_id', 'user_id'), index('group_user_group_id', 'group_id')],
    },
    lookupTable('roles', 'INTEGER', [varchar('comments', 250), smallint('valid_id')], 'roles_name'),
    {
      name: 'role_user',
      columns: [integer('user_id'), integer('role_id'), ...audit()],
      uniques: [],
      indexes: [index('role_user_user_id', 'user_id'), index('role_user_role_id', 'role_id')],
    },
    {
      name: 'group_role',
      // permission_value: always 1 since OTRS 5; rows with 0 from OTRS 4 and older grant nothing.
      columns: [integer('role_id'), integer('group_id'), varchar('permission_key', 20, true), smallint('permission_value'), ...audit()],
      uniques: [],
      indexes: [index('group_role_role_id', 'role_id'), index('group_role_group_id', 'group_id')],
    },
    {
      name: 'queue',
      columns: [
        serialId('INTEGER'),
        varchar('name', 200, true),
        integer('group_id'),
        integer('unlock_timeout', false),
        integer('first_response_time', false),
        smallint('first_response_notify', false),
        integer('update_time', false),
        smallint('update_notify', false),
        integer('solution_time', false),
        smallint('solution_notify', false),
        smallint('system_address_id'),
        varchar('calendar_name', 100),
        varchar('default_sign_key', 100),
        smallint('salutation_id'),
        smallint('signature_id'),
        smallint('follow_up_id'),
        smallint('follow_up_lock'),
        varchar('comments', 250),
        smallint('valid_id'),
        ...audit(),
      ],
      primaryKey: 'id',
      uniques: [unique('queue_name', 'name')],
      indexes: [index('queue_group_id', 'group_id')],
    },
    lookupTable('ticket_priority', 'SMALLINT', [smallint('valid_id'), ...color], 'ticket_priority_name'),
    lookupTable('ticket_type', 'SMALLINT', [smallint('valid_id')], 'ticket_type_name'),
    lookupTable('ticket_lock_type', 'SMALLINT', [smallint('valid_id')], 'ticket_lock_type_name'),
    lookupTable('ticket_state_type', 'SMALLINT', [varchar('comments', 250)], 'ticket_state_type_name'),
    lookupTable(
      'ticket_state',
      'SMALLINT',
      [varchar('comments', 250), smallint('type_id'), smallint('valid_id'), ...color],
      'ticket_state_name',
    ),
    {
      name: 'ticket',
      columns: [
        serialId('BIGINT'),
        varchar('tn', 50, true),
        varchar('title', 255),
        integer('queue_id'),
        smallint('ticket_lock_id'),
        smallint('type_id', false),
        integer('service_id', false),
        integer('sla_id', false),
        integer('user_id'),
        integer('responsible_user_id'),
        smallint('ticket_priority_id'),
        smallint('ticket_state_id'),
        varchar('customer_id', 150),
        varchar('customer_user_id', 250),
        integer('timeout'),
        // Unix seconds; 0 = not set.
        integer('until_time'),
        integer('escalation_time'),
        integer('escalation_update_time'),
        integer('escalation_response_time'),
        integer('escalation_solution_time'),
        smallint('archive_flag', true, 0),
        ...audit(),
      ],
      primaryKey: 'id',
      uniques: [unique('ticket_tn', 'tn')],
      indexes: [
        index('ticket_title', 'title'),
        index('ticket_customer_user_id', 'customer_user_id'),
        index('ticket_customer_id', 'customer_id'),
        index('ticket_queue_id', 'queue_id'),
        index('ticket_ticket_lock_id', 'ticket_lock_id'),
        index('ticket_queue_view', 'ticket_state_id', 'ticket_lock_id'),
        index('ticket_type_id', 'type_id'),
        index('ticket_user_id', 'user_id'),
        index('ticket_responsible_user_id', 'responsible_user_id'),
        index('ticket_ticket_state_id', 'ticket_state_id'),
        index('ticket_ticket_priority_id', 'ticket_priority_id'),
        index('ticket_escalation_time', 'escalation_time'),
        index('ticket_escalation_update_time', 'escalation_update_time'),
        index('ticket_escalation_response_time', 'escalation_response_time'),
        index('ticket_escalation_solution_time', 'escalation_solution_time'),
        index('ticket_create_time', 'create_time'),
        index('ticket_until_time', 'until_time'),
        index('ticket_timeout', 'timeout'),
        index('ticket_archive_flag', 'archive_flag'),
      ],
    },
    lookupTable('ticket_history_type', 'SMALLINT', [varchar('comments', 250), smallint('valid_id')], 'ticket_history_type_name'),
    {
      name: 'ticket_history',
      columns: [
        serialId('BIGINT'),
        varchar('name', 200, true),
        smallint('history_type_id'),
        bigint('ticket_id'),
        bigint('article_id', false),
        smallint('type_id'),
        integer('queue_id'),
        integer('owner_id'),
        smallint('priority_id'),
        smallint('state_id'),
        ...audit(),
      ],
      primaryKey: 'id',
      uniques: [],
      indexes: [
        index('ticket_history_ticket_id', 'ticket_id'),
        index('ticket_history_article_id', 'article_id'),
        index('ticket_history_history_type_id', 'history_type_id'),
        index('ticket_history_queue_id', 'queue_id'),
        index('ticket_history_type_id', 'type_id'),
        index('ticket_history_owner_id', 'owner_id'),
        index('ticket_history_priority_id', 'priority_id'),
        index('ticket_history_state_id', 'state_id'),
        index('ticket_history_create_time', 'create_time'),
      ],
    },
    {
      name: 'customer_company',
      // No surrogate key: the CustomerID is the primary key (and a customer's only identity).
      columns: [
        varchar('customer_id', 150, true),
        varchar('name', 200, true),
        varchar('street', 200),
        varchar('zip', 200),
        varchar('city', 200),
        varchar('country', 200),
        varchar('url', 200),
        varchar('comments', 250),
        smallint('valid_id'),
        ...audit(),
      ],
      primaryKey: 'customer_id',
      uniques: [unique('customer_company_name', 'name')],
      indexes: [],
    },
    {
      name: 'customer_user',
      // Note: no index on customer_id in Znuny's schema.
      columns: [
        serialId('INTEGER'),
        varchar('login', 200, true),
        varchar('email', 150, true),
        varchar('customer_id', 150, true),
        varchar('pw', 128),
        varchar('title', 50),
        varchar('first_name', 100, true),
        varchar('last_name', 100, true),
        varchar('phone', 150),
        varchar('fax', 150),
        varchar('mobile', 150),
        varchar('street', 150),
        varchar('zip', 200),
        varchar('city', 200),
        varchar('country', 200),
        varchar('comments', 250),
        smallint('valid_id'),
        ...audit(),
      ],
      primaryKey: 'id',
      uniques: [unique('customer_user_login', 'login')],
      indexes: [],
    },
    {
      name: 'customer_user_customer',
      // user_id is the customer user's login (VARCHAR 100, narrower than customer_user.login).
      columns: [varchar('user_id', 100, true), varchar('customer_id', 150, true), ...audit()],
      uniques: [],
      indexes: [index('customer_user_customer_user_id', 'user_id'), index('customer_user_customer_customer_id', 'customer_id')],
    },
    {
      name: 'dynamic_field',
      columns: [
        serialId('INTEGER'),
        smallint('internal_field', true, 0),
        varchar('name', 200, true),
        varchar('label', 200, true),
        integer('field_order'),
        varchar('field_type', 200, true),
        varchar('object_type', 100, true),
        // YAML (Kernel::System::YAML->Dump).
        longblob('config'),
        smallint('valid_id'),
        ...audit(),
      ],
      primaryKey: 'id',
      uniques: [unique('dynamic_field_name', 'name')],
      indexes: [],
    },
    {
      name: 'dynamic_field_value',
      // object_id: a ticket or article id, or for CustomerCompany / CustomerUser the object_id of
      // dynamic_field_obj_id_name; the same number may name objects of different types.
      columns: [
        serialId('INTEGER'),
        integer('field_id'),
        bigint('object_id'),
        varchar('value_text', 3800),
        datetime('value_date', false),
        bigint('value_int', false),
      ],
      primaryKey: 'id',
      uniques: [],
      indexes: [
        index('dynamic_field_value_search_text', 'field_id', { name: 'value_text', size: 150 }),
        index('dynamic_field_value_search_date', 'field_id', 'value_date'),
        index('dynamic_field_value_search_int', 'field_id', 'value_int'),
        index('dynamic_field_value_field_values', 'object_id', 'field_id'),
      ],
    },
    {
      name: 'dynamic_field_obj_id_name',
      // Maps a CustomerID (object_type 'CustomerCompany') or a login ('CustomerUser') to an object_id.
      columns: [serialId('INTEGER', 'object_id'), varchar('object_name', 200, true), varchar('object_type', 100, true)],
      primaryKey: 'object_id',
      uniques: [unique('dynamic_field_object_name', 'object_name', 'object_type')],
      indexes: [],
    },
    {
      name: 'system_data',
      columns: [varchar('data_key', 160, true), longblob('data_value'), ...audit()],
      primaryKey: 'data_key',
      uniques: [],
      indexes: [],
    },
  ];
}

// --- rendering -------------------------------------------------------------------------------

function columnType(column: ZnunyColumn, dialect: ZnunyDialect): string {
  switch (column.type) {
    case 'DATE':
      return dialect === 'mysql' ? 'DATETIME' : 'timestamp(0)';
    case 'LONGBLOB':
      return dialect === 'mysql' ? 'LONGBLOB' : 'TEXT';
    case 'VARCHAR': {
      const size = column.size!;
      if (dialect === 'postgres') return size >= 10000 ? 'VARCHAR' : `VARCHAR(${size})`;
      if (size > 16777215) return 'LONGTEXT';
      if (size > 65535) return 'MEDIUMTEXT';
      if (size > 255) return 'TEXT';
      return `VARCHAR(${size})`;
    }
    default:
      return column.type;
  }
}

function columnSql(column: ZnunyColumn, dialect: ZnunyDialect): string {
  if (column.autoIncrement) {
    if (dialect === 'postgres') return `${column.name} ${column.type === 'BIGINT' ? 'bigserial' : 'serial'} NOT NULL`;
    return `${column.name} ${column.type} NOT NULL AUTO_INCREMENT`;
  }
  const def = column.default === undefined ? '' : ` DEFAULT ${typeof column.default === 'number' ? column.default : `'${column.default}'`}`;
  return `${column.name} ${columnType(column, dialect)}${column.required ? ' NOT NULL' : ' NULL'}${def}`;
}

/** CREATE TABLE (and, on PostgreSQL, CREATE INDEX) statements of one table. */
export function tableDdl(table: ZnunyTable, dialect: ZnunyDialect): string[] {
  const parts = table.columns.map((c) => columnSql(c, dialect));
  if (table.primaryKey) parts.push(`PRIMARY KEY (${table.primaryKey})`);
  const indexColumns = (columns: readonly ZnunyIndexColumn[]) =>
    columns.map((c) => (dialect === 'mysql' && c.size ? `${c.name}(${c.size})` : c.name)).join(', ');
  if (dialect === 'mysql') {
    for (const u of table.uniques) parts.push(`UNIQUE INDEX ${u.name} (${u.columns.join(', ')})`);
    for (const i of table.indexes) parts.push(`INDEX ${i.name} (${indexColumns(i.columns)})`);
    return [
      `CREATE TABLE ${table.name} (\n    ${parts.join(',\n    ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
    ];
  }
  for (const u of table.uniques) parts.push(`CONSTRAINT ${u.name} UNIQUE (${u.columns.join(', ')})`);
  return [
    `CREATE TABLE ${table.name} (\n    ${parts.join(',\n    ')}\n)`,
    ...table.indexes.map((i) => `CREATE INDEX ${i.name} ON ${table.name} (${indexColumns(i.columns)})`),
  ];
}

/** CREATE TABLE / CREATE INDEX statements for the Znuny tables on one engine. */
export function znunyDdl(dialect: ZnunyDialect, options: ZnunyDdlOptions = {}): string[] {
  return znunyTables(options).flatMap((t) => tableDdl(t, dialect));
}

// --- what a fresh Znuny ships ----------------------------------------------------------------

/** A SQL literal (strings quoted for the dialect: MySQL's default sql_mode treats backslashes as escapes). */
export function sqlLiteral(value: string | number | null, dialect: ZnunyDialect): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  const escaped = dialect === 'mysql' ? value.replace(/\\/g, '\\\\') : value;
  return `'${escaped.replace(/'/g, "''")}'`;
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC, as Znuny writes DATETIME columns with OTRSTimeZone UTC. */
export function utcDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Rows of a fresh Znuny that the tests need, with Znuny's ids (initial_insert.xml). */
export const ZNUNY_INITIAL = {
  valid: [
    [1, 'valid'],
    [2, 'invalid'],
    [3, 'invalid-temporarily'],
  ],
  groups: [
    [1, 'users', 'Group for default access.'],
    [2, 'admin', 'Group of all administrators.'],
    [3, 'stats', 'Group for statistics access.'],
  ],
  /** [id, name, comment] */
  stateTypes: [
    [1, 'new', 'All new state types (default: viewable).'],
    [2, 'open', 'All open state types (default: viewable).'],
    [3, 'closed', 'All closed state types (default: not viewable).'],
    [4, 'pending reminder', 'All pending reminder state types (default: viewable).'],
    [5, 'pending auto', 'All pending auto * state types (default: viewable).'],
    [6, 'removed', 'All removed state types (default: not viewable).'],
    [7, 'merged', 'State type for merged tickets (default: not viewable).'],
  ],
  /** [id, name, type_id, comment, 7.1 color] */
  states: [
    [1, 'new', 1, 'New ticket created by customer.', '#50B5FF'],
    [2, 'closed successful', 3, 'Ticket is closed successful.', '#3DD598'],
    [3, 'closed unsuccessful', 3, 'Ticket is closed unsuccessful.', '#FC5A5A'],
    [4, 'open', 2, 'Open tickets.', '#FFC542'],
    [5, 'removed', 6, 'Customer removed ticket.', '#8D8D9B'],
    [6, 'pending reminder', 4, 'Ticket is pending for agent reminder.', '#FF8A25'],
    [7, 'pending auto close+', 5, 'Ticket is pending for automatic close.', '#FF8A25'],
    [8, 'pending auto close-', 5, 'Ticket is pending for automatic close.', '#FF8A25'],
    [9, 'merged', 7, 'State for merged tickets.', '#FF8A25'],
  ],
  /** [id, name, 7.1 color] */
  priorities: [
    [1, '1 very low', '#03c4f0'],
    [2, '2 low', '#83bfc8'],
    [3, '3 normal', '#cdcdcd'],
    [4, '4 high', '#ffaaaa'],
    [5, '5 very high', '#ff505e'],
  ],
  lockTypes: [
    [1, 'unlock'],
    [2, 'lock'],
    [3, 'tmp_lock'],
  ],
  ticketTypes: [[1, 'Unclassified']],
  /** [id, name, group_id, comment] */
  queues: [
    [1, 'Postmaster', 1, 'Postmaster queue.'],
    [2, 'Raw', 1, 'All default incoming tickets.'],
    [3, 'Junk', 1, 'All junk tickets.'],
    [4, 'Misc', 1, 'All misc tickets.'],
  ],
  /** A few of Znuny's history types (the fixture's history rows use them). */
  historyTypes: [
    [1, 'NewTicket'],
    [16, 'Move'],
    [21, 'CustomerUpdate'],
    [27, 'StateUpdate'],
  ],
} as const;

/** INSERT statements for what a fresh Znuny ships and the tests need (user 1 root@localhost, ...). */
export function znunyInitialRows(dialect: ZnunyDialect, options: ZnunyDdlOptions & { readonly now?: Date } = {}): string[] {
  const groups = options.groupsTable ?? 'permission_groups';
  const t = sqlLiteral(utcDateTime(options.now ?? new Date()), dialect);
  const q = (v: string | number | null) => sqlLiteral(v, dialect);
  const audit = `${t}, 1, ${t}, 1`;
  const AUDIT = 'create_time, create_by, change_time, change_by';
  const insert = (table: string, columns: string, rows: string[]) => `INSERT INTO ${table} (${columns}, ${AUDIT}) VALUES\n  ${rows.join(',\n  ')}`;
  const I = ZNUNY_INITIAL;
  return [
    insert('valid', 'id, name', I.valid.map(([id, name]) => `(${id}, ${q(name)}, ${audit})`)),
    insert('users', 'id, login, pw, first_name, last_name, valid_id', [`(1, 'root@localhost', 'roK20XGbWEsSM', 'Admin', 'OTRS', 1, ${audit})`]),
    insert(groups, 'id, name, comments, valid_id', I.groups.map(([id, name, comment]) => `(${id}, ${q(name)}, ${q(comment)}, 1, ${audit})`)),
    insert('group_user', 'user_id, group_id, permission_key', I.groups.map(([id]) => `(1, ${id}, 'rw', ${audit})`)),
    insert('ticket_state_type', 'id, name, comments', I.stateTypes.map(([id, name, c]) => `(${id}, ${q(name)}, ${q(c)}, ${audit})`)),
    insert(
      'ticket_state',
      `id, name, type_id, comments, valid_id${options.colors ? ', color' : ''}`,
      I.states.map(([id, name, type, c, color]) => `(${id}, ${q(name)}, ${type}, ${q(c)}, 1${options.colors ? `, ${q(color)}` : ''}, ${audit})`),
    ),
    insert(
      'ticket_priority',
      `id, name, valid_id${options.colors ? ', color' : ''}`,
      I.priorities.map(([id, name, color]) => `(${id}, ${q(name)}, 1${options.colors ? `, ${q(color)}` : ''}, ${audit})`),
    ),
    insert('ticket_lock_type', 'id, name, valid_id', I.lockTypes.map(([id, name]) => `(${id}, ${q(name)}, 1, ${audit})`)),
    insert('ticket_type', 'id, name, valid_id', I.ticketTypes.map(([id, name]) => `(${id}, ${q(name)}, 1, ${audit})`)),
    insert(
      'queue',
      'id, name, group_id, unlock_timeout, system_address_id, salutation_id, signature_id, follow_up_id, follow_up_lock, comments, valid_id',
      I.queues.map(([id, name, group, c]) => `(${id}, ${q(name)}, ${group}, 0, 1, 1, 1, 1, 0, ${q(c)}, 1, ${audit})`),
    ),
    insert('ticket_history_type', 'id, name, valid_id', I.historyTypes.map(([id, name]) => `(${id}, ${q(name)}, 1, ${audit})`)),
  ];
}

/**
 * PostgreSQL: moves every serial sequence past the highest id in its table (rows inserted with
 * explicit ids do not advance them, so the next insert without an id, as Znuny and the service
 * make them, would collide). MySQL's AUTO_INCREMENT follows explicit ids by itself: [] there.
 */
export function znunySequenceSync(dialect: ZnunyDialect, options: ZnunyDdlOptions = {}): string[] {
  if (dialect === 'mysql') return [];
  return znunyTables(options).flatMap((table) =>
    table.columns
      .filter((c) => c.autoIncrement)
      .map(
        (c) =>
          `SELECT setval(pg_get_serial_sequence('${table.name}', '${c.name}'), COALESCE((SELECT MAX(${c.name}) FROM ${table.name}), 0) + 1, false)`,
      ),
  );
}

/**
 * Creates the Znuny tables and the shipped rows in an empty database (the caller guarantees
 * it is empty), one statement per `exec` call.
 */
export async function createZnunyDatabase(
  exec: (sql: string) => Promise<unknown>,
  dialect: ZnunyDialect,
  options: ZnunyDdlOptions & { readonly now?: Date } = {},
): Promise<void> {
  for (const statement of [...znunyDdl(dialect, options), ...znunyInitialRows(dialect, options), ...znunySequenceSync(dialect, options)]) {
    await exec(statement);
  }
}
