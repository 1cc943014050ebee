import type { ZnunyConnection } from './znuny-connection';

/** What the start learned from the Znuny database itself. */
export interface ZnunySchema {
  /** The groups table: `permission_groups` (Znuny 6.1 and later), `groups_table` (OTOBO) or `groups` (OTRS 6). */
  readonly groupsTable: string;
  /** Maximum characters of the text columns the service writes, by `table.column` (input validation). */
  readonly widths: ReadonlyMap<string, number>;
}

/** The tables and columns the service reads; a database without one of them cannot be served. */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  customer_company: ['customer_id', 'name', 'street', 'zip', 'city', 'country', 'url', 'comments', 'valid_id', 'create_time', 'create_by', 'change_time', 'change_by'],
  customer_user: [
    'id', 'login', 'email', 'customer_id', 'title', 'first_name', 'last_name', 'phone', 'mobile', 'street', 'zip', 'city', 'country',
    'comments', 'valid_id', 'create_time', 'create_by', 'change_time', 'change_by',
  ],
  customer_user_customer: ['user_id', 'customer_id', 'create_time', 'create_by', 'change_time', 'change_by'],
  ticket: [
    'id', 'tn', 'title', 'queue_id', 'ticket_state_id', 'ticket_priority_id', 'customer_id', 'customer_user_id', 'until_time',
    'escalation_time', 'archive_flag', 'create_time', 'change_time',
  ],
  queue: ['id', 'name', 'group_id'],
  ticket_state: ['id', 'name', 'type_id', 'valid_id'],
  ticket_state_type: ['id', 'name'],
  ticket_priority: ['id', 'name'],
  users: ['id', 'login', 'valid_id'],
  group_user: ['user_id', 'group_id', 'permission_key'],
  roles: ['id', 'valid_id'],
  role_user: ['user_id', 'role_id'],
  group_role: ['role_id', 'group_id', 'permission_key', 'permission_value'],
  dynamic_field: ['id', 'name', 'label', 'field_order', 'field_type', 'object_type', 'config', 'valid_id'],
  dynamic_field_value: ['id', 'field_id', 'object_id', 'value_text', 'value_date', 'value_int'],
  dynamic_field_obj_id_name: ['object_id', 'object_name', 'object_type'],
};

const GROUP_TABLES = ['permission_groups', 'groups_table', 'groups'] as const;

/** A Znuny database that lacks a table or column the service reads. */
export class ZnunySchemaError extends Error {
  override name = 'ZnunySchemaError';
}

/**
 * Reads the database's own description (information_schema): checks every table and column
 * the service reads, finds the groups table of this product and version, and the widths of the
 * columns it writes. Throws {@link ZnunySchemaError} naming the first missing table or column.
 * Reads only.
 */
export async function inspectSchema(db: ZnunyConnection, sourceId: string): Promise<ZnunySchema> {
  const schemaOf = db.dialect === 'mysql' ? 'DATABASE()' : 'current_schema()';
  const rows = await db.query<{ t: string; c: string; w: number | string | null }>(
    `SELECT table_name AS t, column_name AS c, character_maximum_length AS w FROM information_schema.columns WHERE table_schema = ${schemaOf}`,
  );
  const columns = new Map<string, Map<string, number | null>>();
  for (const r of rows) {
    const table = String(r.t).toLowerCase();
    const map = columns.get(table) ?? new Map<string, number | null>();
    map.set(String(r.c).toLowerCase(), r.w === null ? null : Number(r.w));
    columns.set(table, map);
  }
  const groupsTable = GROUP_TABLES.find((t) => columns.has(t));
  if (!groupsTable) {
    throw new ZnunySchemaError(`Znuny source '${sourceId}': the database has no groups table (${GROUP_TABLES.join(', ')}): is it a Znuny, OTOBO or OTRS 6 database?`);
  }
  const required: Record<string, readonly string[]> = { ...REQUIRED_COLUMNS, [groupsTable]: ['id', 'valid_id'] };
  for (const [table, wanted] of Object.entries(required)) {
    const have = columns.get(table);
    if (!have) throw new ZnunySchemaError(`Znuny source '${sourceId}': the database has no table ${table}`);
    for (const column of wanted) {
      if (!have.has(column)) throw new ZnunySchemaError(`Znuny source '${sourceId}': table ${table} has no column ${column}`);
    }
  }
  const widths = new Map<string, number>();
  for (const table of ['customer_company', 'customer_user', 'customer_user_customer']) {
    for (const [column, width] of columns.get(table)!) if (width !== null) widths.set(`${table}.${column}`, width);
  }
  return { groupsTable, widths };
}
