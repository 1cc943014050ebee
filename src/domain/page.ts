/** One page of a keyset-paginated list. */
export interface Page<T> {
  readonly nodes: readonly T[];
  readonly hasNextPage: boolean;
  /** Sort key of the last node, to continue after it; null on an empty page. */
  readonly endKey: SortKey | null;
  readonly totalCount: number;
}

/** A position in a list: the values of the ordering columns of one row. */
export type SortKey = readonly (string | number)[];

/** Where a list starts and how long it is. */
export interface PageRequest {
  /** Rows strictly after this key; null for the first page. */
  readonly after: SortKey | null;
  readonly first: number;
}

/**
 * Compares two sort keys column by column; strings compare by code point, exactly as SQLite's
 * BINARY collation compares their UTF-8 bytes, so merged lists keep each source's order.
 */
export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    return compareCodePoints(String(x), String(y));
  }
  return 0;
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Builds a page from up to `first + 1` rows in list order. */
export function toPage<T>(rows: readonly T[], first: number, totalCount: number, key: (t: T) => SortKey): Page<T> {
  const nodes = rows.slice(0, first);
  return {
    nodes,
    hasNextPage: rows.length > first,
    endKey: nodes.length > 0 ? key(nodes[nodes.length - 1]!) : null,
    totalCount,
  };
}
