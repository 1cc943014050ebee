/** A position in a list: the values of the ordering columns of one row. */
export type SortKey = readonly (string | number)[];

/**
 * Where a list window lies and which end it is read from, as Relay's `first`/`after` and
 * `last`/`before` ask. The window holds the rows strictly after `after` and strictly before
 * `before` (each null for an open end); a forward request takes its first `size` rows, a
 * backward request its last `size` rows. Either way the page lists them in list order.
 */
export interface PageRequest {
  readonly after: SortKey | null;
  readonly before: SortKey | null;
  /** How many rows at most. */
  readonly size: number;
  /** True for `last`/`before`: the rows nearest `before` (or the end of the list). */
  readonly backward: boolean;
}

/** One page of a keyset-paginated list, in list order. */
export interface Page<T> extends Slice<T> {
  /** How many records the whole list holds (all pages). */
  readonly totalCount: number;
}

/** A page without its total (ticket lists take theirs from the kept counts). */
export interface Slice<T> {
  readonly nodes: readonly T[];
  /** More rows follow the last node (for a backward page: `before` was given). */
  readonly hasNextPage: boolean;
  /** More rows precede the first node (for a forward page: `after` was given). */
  readonly hasPreviousPage: boolean;
  /** Sort key of the first node; null on an empty page. */
  readonly startKey: SortKey | null;
  /** Sort key of the last node; null on an empty page. */
  readonly endKey: SortKey | null;
}

/** The first page of a list: `size` rows from the start. */
export function firstPage(size: number): PageRequest {
  return { after: null, before: null, size, backward: false };
}

/**
 * Compares two sort keys column by column; strings compare by code point, exactly as SQLite's
 * BINARY and PostgreSQL's "C" collation compare their UTF-8 bytes. The strings are collation
 * keys (see `sort-keys.ts`), so this order is the contract's order in every source.
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

/** True when `key` lies inside the request's window (strictly between `after` and `before`). */
export function inWindow(key: SortKey, request: Pick<PageRequest, 'after' | 'before'>): boolean {
  return (request.after === null || compareKeys(key, request.after) > 0) && (request.before === null || compareKeys(key, request.before) < 0);
}

/**
 * Builds a page from up to `size + 1` rows of the window in fetch order: list order for a
 * forward request, reverse list order (nearest `before` first) for a backward one. The extra
 * row only tells that more rows lie beyond the page.
 */
export function toPage<T>(rows: readonly T[], request: PageRequest, totalCount: number, key: (t: T) => SortKey): Page<T> {
  const more = rows.length > request.size;
  const taken = rows.slice(0, request.size);
  const nodes = request.backward ? taken.reverse() : taken;
  return {
    nodes,
    hasNextPage: request.backward ? request.before !== null : more,
    hasPreviousPage: request.backward ? more : request.after !== null,
    startKey: nodes.length > 0 ? key(nodes[0]!) : null,
    endKey: nodes.length > 0 ? key(nodes[nodes.length - 1]!) : null,
    totalCount,
  };
}

/**
 * The page a request asks for out of rows already in memory (any order): sorts them, keeps the
 * window, and takes `size` from the requested end. For sources that read a whole list at once.
 */
export function pageOfAll<T>(rows: readonly T[], request: PageRequest, key: (t: T) => SortKey, totalCount = rows.length): Page<T> {
  const window = rows
    .map((t) => ({ t, k: key(t) }))
    .filter((x) => inWindow(x.k, request))
    .sort((a, b) => compareKeys(a.k, b.k))
    .map((x) => x.t);
  return toPage(request.backward ? window.reverse() : window, request, totalCount, key);
}
