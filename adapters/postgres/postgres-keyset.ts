import type { PageRequest } from '../../src/domain/page';

/** Positional parameters of one statement: `add` returns the placeholder of a value. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value; returns `$n`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A keyset window as SQL: the bound conditions and the fetch order. */
export interface KeysetSql {
  /** `AND`-ready conditions (empty when the window is the whole list). */
  readonly where: string;
  /** ORDER BY list in fetch order: ascending forward, descending backward. */
  readonly order: (alias?: string) => string;
}

/**
 * The window of a page request over ascending sort columns (the same shapes as SQLite's): a
 * bound is written only when the request has it. Sort-key columns are COLLATE "C", so row
 * comparisons are byte-wise like `compareKeys`.
 */
export function keysetSql(columns: readonly string[], request: PageRequest, params: Params, alias = ''): KeysetSql {
  const cols = columns.map((c) => `${alias}${c}`).join(', ');
  const conditions: string[] = [];
  const bound = (key: readonly (string | number)[], op: '>' | '<') =>
    conditions.push(`AND (${cols}) ${op} (${columns.map((_, i) => params.add(key[i])).join(', ')})`);
  if (request.after) bound(request.after, '>');
  if (request.before) bound(request.before, '<');
  const direction = request.backward ? 'DESC' : 'ASC';
  return {
    where: conditions.join(' '),
    order: (outer = alias) => columns.map((c) => `${outer}${c} ${direction}`).join(', '),
  };
}
