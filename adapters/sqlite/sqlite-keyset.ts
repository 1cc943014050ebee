import type { PageRequest } from '../../src/domain/page';

/** A keyset window as SQL: the bound conditions, the fetch order, and their parameters. */
export interface KeysetSql {
  /** `AND`-ready conditions (empty when the window is the whole list). */
  readonly where: string;
  /** ORDER BY list in fetch order: ascending forward, descending backward. */
  readonly order: (alias?: string) => string;
  readonly params: Record<string, string | number>;
}

/**
 * The window of a page request over ascending sort columns, specialized by shape: a bound is
 * written only when the request has it, so each shape is its own prepared statement and an
 * index range without a dead predicate.
 */
export function keysetSql(columns: readonly string[], request: PageRequest, alias = ''): KeysetSql {
  const cols = columns.map((c) => `${alias}${c}`).join(', ');
  const conditions: string[] = [];
  const params: Record<string, string | number> = {};
  const bound = (name: 'a' | 'b', key: readonly (string | number)[], op: '>' | '<') => {
    columns.forEach((_, i) => (params[`${name}${i}`] = key[i]!));
    conditions.push(`AND (${cols}) ${op} (${columns.map((_, i) => `@${name}${i}`).join(', ')})`);
  };
  if (request.after) bound('a', request.after, '>');
  if (request.before) bound('b', request.before, '<');
  const direction = request.backward ? 'DESC' : 'ASC';
  return {
    where: conditions.join(' '),
    order: (outer = alias) => columns.map((c) => `${outer}${c} ${direction}`).join(', '),
    params,
  };
}
