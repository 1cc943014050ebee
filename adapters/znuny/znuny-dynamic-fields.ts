import { parse } from 'yaml';
import type { DynamicFieldObject, DynamicFieldValue } from '../../src/domain/dynamic-fields';
import { idKey } from '../../src/domain/records';
import type { ZnunyConnection } from './znuny-connection';
import { Sql } from './znuny-sql';
import { fromZnunyTime } from './znuny-time';

/** Znuny's object types of the two records. */
const OBJECT_TYPE: Record<DynamicFieldObject, string> = { customer: 'CustomerCompany', customerUser: 'CustomerUser' };

interface ValueRow {
  object_name: string;
  field_id: number | string;
  name: string;
  label: string;
  field_type: string;
  config: string | Buffer | null;
  value_text: string | null;
  value_date: string | null;
  value_int: number | string | null;
}

/** The possible values of a Dropdown / Multiselect from its YAML configuration (a YAML library, as Znuny's YAML module writes it). */
function possibleValues(config: string | Buffer | null): Readonly<Record<string, string>> {
  if (config === null) return {};
  let text = Buffer.isBuffer(config) ? config.toString('utf8') : config;
  // A database without direct blobs may keep it base64-encoded.
  if (!/^\s*(---|\w)/.test(text) || !text.includes(':')) text = Buffer.from(text, 'base64').toString('utf8');
  try {
    const parsed = parse(text) as { PossibleValues?: Record<string, unknown> } | null;
    const values = parsed?.PossibleValues;
    if (!values || typeof values !== 'object') return {};
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v == null ? k : String(v)]));
  } catch {
    return {};
  }
}

/** One stored value as the contract writes it, by field type. */
function valueOf(row: ValueRow, zone: string): string | null {
  switch (row.field_type) {
    case 'Date':
      return row.value_date ? row.value_date.slice(0, 10) : null;
    case 'DateTime':
      return fromZnunyTime(row.value_date, zone)?.toISOString() ?? null;
    case 'Checkbox':
      return row.value_int === null ? null : Number(row.value_int) === 1 ? '1' : '0';
    default:
      return row.value_text ?? (row.value_int !== null ? String(row.value_int) : row.value_date);
  }
}

/**
 * The valid dynamic fields of one object type that have a value, for many records in one
 * statement. Znuny links the values of customers and customer users through
 * `dynamic_field_obj_id_name` (the CustomerID or login as `object_name`); a Multiselect keeps one
 * row per chosen key. Display values of Dropdown / Multiselect come from the field's possible
 * values (parsed once per field and batch).
 */
export async function readDynamicFields(db: ZnunyConnection, object: DynamicFieldObject, keys: readonly string[], zone: string): Promise<DynamicFieldValue[][]> {
  if (keys.length === 0) return [];
  const s = new Sql();
  const type = OBJECT_TYPE[object];
  const sql = `SELECT o.object_name, f.id AS field_id, f.name, f.label, f.field_type, f.config, v.value_text, v.value_date, v.value_int
    FROM dynamic_field_obj_id_name o
    JOIN dynamic_field_value v ON v.object_id = o.object_id
    JOIN dynamic_field f ON f.id = v.field_id AND f.valid_id = 1 AND f.object_type = ${s.bind(type)}
    WHERE o.object_type = ${s.bind(type)} AND ${s.take(db.keyMatch('o.object_name', [...new Set(keys.map(idKey))]))}
    ORDER BY f.field_order, f.id, v.id`;
  const rows = await db.query<ValueRow>(sql, s.params);
  const configs = new Map<string, Readonly<Record<string, string>>>();
  const byKey = new Map<string, Map<string, { field: ValueRow; values: string[] }>>();
  for (const row of rows) {
    const value = valueOf(row, zone);
    if (value === null) continue;
    const key = idKey(row.object_name);
    const fields = byKey.get(key) ?? new Map<string, { field: ValueRow; values: string[] }>();
    byKey.set(key, fields);
    const id = String(row.field_id);
    const entry = fields.get(id) ?? { field: row, values: [] };
    fields.set(id, entry);
    entry.values.push(value);
  }
  const display = (field: ValueRow, values: readonly string[]): string[] => {
    if (field.field_type !== 'Dropdown' && field.field_type !== 'Multiselect') return [...values];
    const id = String(field.field_id);
    let possible = configs.get(id);
    if (!possible) configs.set(id, (possible = possibleValues(field.config)));
    return values.map((v) => possible![v] ?? v);
  };
  return keys.map((k) =>
    [...(byKey.get(idKey(k))?.values() ?? [])].map(({ field, values }) => ({
      name: field.name,
      label: field.label,
      fieldType: field.field_type,
      values,
      displayValues: display(field, values),
    })),
  );
}
