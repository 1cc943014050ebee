import { compareKeys, inWindow, type PageRequest, type SortKey } from '../../src/domain/page';
import { idKey, type Validity } from '../../src/domain/records';
import { TextSearch } from './text-search';

/** What the list index keeps of one entry: enough to order, filter, count and page a list. */
export interface IndexRow {
  readonly stableId: string;
  /** The unique key: customer id or login, as the directory spells it. */
  readonly key: string;
  readonly sortKey: SortKey;
  readonly valid: Validity;
  /** Customer users: every customer id, lower-cased; customers: empty. */
  readonly customerIds: readonly string[];
  /** The lower-cased values a search matches (customer id and name; login, email, names), joined by newlines. */
  readonly text: string;
  /** The entry's change marker (`modifyTimestamp` or `uSNChanged`), '' when absent. */
  readonly change: string;
  /**
   * The instant (ms since the epoch) at which {@link valid} changes by time alone, with no change
   * marker moving (an Active Directory account's `accountExpires` passing). The index has the
   * reader re-read the row before it answers at or after that instant. Absent: never.
   */
  readonly validUntil?: number;
  /**
   * The validity may change by time at an instant the row cannot tell (an Active Directory
   * lockout lapsing: the domain's lockout duration decides it): the row is re-read on every
   * refresh, so it counts right within `maxStalenessMs`.
   */
  readonly recheck?: boolean;
}

/** How the index reads the directory. */
export interface IndexReader {
  /** Every entry (`since` null), or the entries changed at or after the change marker `since`. */
  read(since: string | null): Promise<IndexRow[]>;
  /** Orders change markers: numbers (USNs) numerically, timestamps as text. */
  compareChange(a: string, b: string): number;
  /**
   * The sweep: the stable ids of every entry that belongs to the list now (a keys-only read).
   * Rows held before it started and not among them leave: entries deleted, moved out of the
   * base or no longer matching the filter, which no change marker shows. Without it they leave
   * on the next full read (or when a page's lookup misses them).
   */
  sweep?(): Promise<ReadonlySet<string>>;
  /**
   * The rows of these entries read now (rows whose {@link IndexRow.validUntil} passed or that
   * {@link IndexRow.recheck}); an entry missing from the answer is gone. Its change markers are
   * not taken (the incremental read owns them).
   */
  reread?(rows: readonly IndexRow[]): Promise<IndexRow[]>;
}

/** Settings of {@link ListIndex}. */
export interface ListIndexOptions {
  /** A list is answered from data at most this old; older data is refreshed before answering. */
  readonly maxStalenessMs: number;
  /** A full re-read (dropping deleted entries) at least this often. */
  readonly fullRefreshMs: number;
  /**
   * With a reader that sweeps: a list is answered only after a sweep that started at most this
   * long ago (deleted entries leave within it); default `maxStalenessMs`. A sweep runs with a
   * refresh once half of it has passed.
   */
  readonly sweepMs?: number;
  /** The clock (ms since the epoch): refreshes, sweeps and {@link IndexRow.validUntil} follow it. */
  readonly now?: () => number;
}

/** Which rows a list keeps, besides its window. */
export interface RowFilter {
  readonly valid: readonly Validity[];
  /** Lower-cased search text, matched as a substring of any of {@link IndexRow.text}. */
  readonly search: string | null;
  /** Lower-cased customer id the row must carry. */
  readonly customerId: string | null;
}

/** A page of rows: up to `size + 1` rows of the window in fetch order (see `toPage`), and the total. */
export interface RowPage {
  readonly rows: readonly IndexRow[];
  readonly totalCount: number;
}

/**
 * An in-memory index of one object kind's keys, so that a list page costs one batched lookup
 * instead of reading the whole subtree. It is filled by one full read on first use, kept
 * current by reading only the entries changed since the last read (a search that usually
 * returns nothing), at most `maxStalenessMs` old when a list is answered: a refresh starts in
 * the background once half of that has passed, and a list waits for it only when the data
 * is older than `maxStalenessMs`. Entries that leave without a change marker showing it
 * (deleted, moved out of the base, no longer matching the filter) leave with the reader's
 * sweep, run with a refresh so that it is at most `sweepMs` old when a list is answered;
 * without a sweep, on the next full read (every `fullRefreshMs`), or as soon as a page's
 * lookup misses them. A row whose validity changes by time is re-read when its
 * {@link IndexRow.validUntil} passes (before the list that sees that instant is answered) or,
 * when it {@link IndexRow.recheck}s, on every refresh. Rows are held sorted by sort key, so a
 * page is a binary search plus a short scan; the rows a filter keeps (validities, search text,
 * customer) are found by one scan and kept until the index changes, so the next pages and the
 * total are free.
 */
export class ListIndex {
  private rows = new Map<string, IndexRow>();
  private sorted: IndexRow[] | null = null;
  /** While {@link sorted} is built: the row listed for each key, and the keys several entries share. */
  private listed = new Map<string, IndexRow>();
  private shared = new Set<string>();
  private byCustomer: Map<string, IndexRow[]> | null = null;
  /** The search texts of {@link sorted}, for searches over the whole list. */
  private texts: TextSearch | null = null;
  /** The rows of recent filters (validities, search, customer), in list order; cleared on any change. */
  private filtered = new Map<string, IndexRow[]>();
  private highWater: string | null = null;
  private loadedAt = -Infinity;
  private fullAt = -Infinity;
  /** When the last sweep (or full read) started. */
  private sweptAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  /** Rows with a {@link IndexRow.validUntil} or {@link IndexRow.recheck}, by stable id. */
  private timed = new Map<string, IndexRow>();
  /** The earliest {@link IndexRow.validUntil} of {@link timed}; null: to be found again. */
  private dueAt: number | null = Infinity;
  private readonly now: () => number;
  private readonly sweepMs: number;

  constructor(
    private readonly reader: IndexReader,
    private readonly options: ListIndexOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sweepMs = reader.sweep ? (options.sweepMs ?? options.maxStalenessMs) : Infinity;
  }

  /**
   * The index, refreshed first when its data is older than `maxStalenessMs`, its last sweep older
   * than `sweepMs`, a row's {@link IndexRow.validUntil} has passed (or it was never loaded); in
   * the background once half of either age has passed.
   */
  async fresh(): Promise<this> {
    // A refresh already under way may have started before the data was due: then one more.
    for (let i = 0; i < 2 && this.due(this.now(), 1); i++) await this.refresh();
    if (this.due(this.now(), 2)) void this.refresh().catch(() => undefined);
    return this;
  }

  /** Whether the data is older than `maxStalenessMs / part` or the last sweep than `sweepMs / part`, or (part 1) a row's validity is due. */
  private due(now: number, part: number): boolean {
    return (
      now - this.loadedAt > this.options.maxStalenessMs / part ||
      now - this.sweptAt > this.sweepMs / part ||
      (part === 1 && this.nextValidUntil() <= now)
    );
  }

  /**
   * Reads the changes now (or everything, when due or never loaded), then sweeps when half of
   * `sweepMs` has passed since the last sweep, then re-reads the rows whose validity is due;
   * concurrent callers share one run.
   */
  refresh(full = false): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const started = this.now();
    const isFull = full || this.highWater === null || started - this.fullAt > this.options.fullRefreshMs;
    const run = (async () => {
      const read = await this.reader.read(isFull ? null : this.highWater);
      if (isFull) {
        this.rows = new Map();
        this.timed = new Map();
        this.dueAt = Infinity;
        this.highWater = null;
        this.fullAt = started;
      }
      // Many rows at once: one sort afterwards costs less than patching the order row by row.
      if (isFull || read.length > PATCH_LIMIT) this.invalidate();
      for (const row of read) this.put(row);
      // With no entries at all, an empty marker makes the next read an incremental one from the start.
      if (this.highWater === null) this.highWater = '';
      this.loadedAt = started;
      // A full read is a sweep: it held every entry there is.
      if (isFull) this.sweptAt = started;
      else if (this.now() - this.sweptAt > this.sweepMs / 2) await this.sweep();
      await this.rereadTimed(read);
    })();
    this.refreshing = run;
    const done = () => {
      if (this.refreshing === run) this.refreshing = null;
    };
    run.then(done, done);
    return run;
  }

  /** Adds or replaces a row (by stable id), e.g. with what a page's lookup just read. */
  put(row: IndexRow): void {
    const old = this.rows.get(row.stableId);
    this.rows.set(row.stableId, row);
    if (row.change !== '' && (this.highWater === null || this.highWater === '' || this.reader.compareChange(row.change, this.highWater) > 0)) {
      this.highWater = row.change;
    }
    this.time(old, row);
    if (!old || !sameListing(old, row)) this.changed(old, row);
  }

  /** Drops a row: its entry is gone. */
  remove(stableId: string): void {
    const old = this.rows.get(stableId);
    if (old && this.rows.delete(stableId)) {
      this.time(old, undefined);
      this.changed(old, undefined);
    }
  }

  /** Keeps {@link timed} and {@link dueAt} with a row's change (only a reader that re-reads has timed rows). */
  private time(old: IndexRow | undefined, row: IndexRow | undefined): void {
    if (!this.reader.reread) return;
    if (old && this.timed.delete(old.stableId) && old.validUntil === this.dueAt) this.dueAt = null;
    if (row && (row.validUntil !== undefined || row.recheck)) {
      this.timed.set(row.stableId, row);
      if (this.dueAt !== null && row.validUntil !== undefined && row.validUntil < this.dueAt) this.dueAt = row.validUntil;
    }
  }

  private nextValidUntil(): number {
    if (this.dueAt === null) {
      let at = Infinity;
      for (const r of this.timed.values()) if (r.validUntil !== undefined && r.validUntil < at) at = r.validUntil;
      this.dueAt = at;
    }
    return this.dueAt;
  }

  /**
   * The sweep (see {@link IndexReader.sweep}; nothing without one): drops the rows held when it
   * started that it did not see, unless they were replaced meanwhile (a lookup read them live).
   * Refreshes run it when due; called directly by the benchmark.
   */
  async sweep(): Promise<void> {
    if (!this.reader.sweep) return;
    const started = this.now();
    const held = new Map(this.rows);
    const seen = await this.reader.sweep();
    const gone: string[] = [];
    for (const [id, row] of held) if (!seen.has(id) && this.rows.get(id) === row) gone.push(id);
    if (gone.length > PATCH_LIMIT) this.invalidate();
    for (const id of gone) this.remove(id);
    this.sweptAt = started;
  }

  /**
   * Re-reads the rows whose {@link IndexRow.validUntil} has passed, and those that
   * {@link IndexRow.recheck} (unless this refresh just read them): one batched read.
   */
  private async rereadTimed(justRead: readonly IndexRow[]): Promise<void> {
    if (!this.reader.reread || this.timed.size === 0) return;
    const now = this.now();
    const fresh = new Set(justRead.map((r) => r.stableId));
    const due = [...this.timed.values()].filter((r) => (r.validUntil !== undefined && r.validUntil <= now) || (r.recheck && !fresh.has(r.stableId)));
    if (due.length === 0) return;
    const read = await this.reader.reread(due);
    const found = new Set(read.map((r) => r.stableId));
    for (const row of due) if (!found.has(row.stableId) && this.rows.get(row.stableId) === row) this.remove(row.stableId);
    // The incremental read owns the change markers: a row read here keeps the one held. An
    // instant already passed was judged by this read: it is not due again.
    for (const row of read) {
      const passed = row.validUntil !== undefined && row.validUntil <= now;
      this.put({ ...row, change: this.rows.get(row.stableId)?.change ?? '', ...(passed && { validUntil: undefined }) });
    }
  }

  /** The row with this stable id. */
  get(stableId: string): IndexRow | undefined {
    return this.rows.get(stableId);
  }

  /** Number of rows (entries) held. */
  get size(): number {
    return this.rows.size;
  }

  /** The page a request asks for, as rows in fetch order (see `toPage`), with the honest total. */
  page(request: PageRequest, filter: RowFilter): RowPage {
    const all = this.rowsOf(filter);
    const rows: IndexRow[] = [];
    if (request.backward) {
      for (let i = request.before === null ? all.length - 1 : lowerBound(all, request.before) - 1; i >= 0 && rows.length <= request.size; i--) {
        if (!inWindow(all[i]!.sortKey, request)) break;
        rows.push(all[i]!);
      }
    } else {
      for (let i = request.after === null ? 0 : upperBound(all, request.after); i < all.length && rows.length <= request.size; i++) {
        if (!inWindow(all[i]!.sortKey, request)) break;
        rows.push(all[i]!);
      }
    }
    return { rows, totalCount: all.length };
  }

  /** The rows a filter keeps, in list order: one scan per filter, kept until the index changes. */
  private rowsOf(filter: RowFilter): IndexRow[] {
    const key = filterKey(filter);
    const cached = this.filtered.get(key);
    if (cached) return cached;
    const valid = new Set(filter.valid);
    const search = filter.search;
    let rows: IndexRow[];
    // The fields are joined by newlines: a search with a newline could only match across two.
    if (search?.includes('\n')) rows = [];
    else if (filter.customerId !== null) {
      const base = this.customerRows().get(filter.customerId) ?? [];
      rows = base.filter((r) => valid.has(r.valid) && (search === null || r.text.includes(search)));
    } else if (search !== null) rows = [...this.searchAll(search)].filter((r) => valid.has(r.valid));
    else rows = this.sortedRows().filter((r) => valid.has(r.valid));
    if (this.filtered.size >= 64) this.filtered.clear();
    this.filtered.set(key, rows);
    return rows;
  }

  /** The rows whose search text contains `search`, in list order. */
  private *searchAll(search: string): Generator<IndexRow, void, undefined> {
    const rows = this.sortedRows();
    this.texts ??= new TextSearch(rows.map((r) => r.text));
    for (const i of this.texts.matches(search)) yield rows[i]!;
  }

  /**
   * Takes in one row's change. The filters' rows, the customers' lists and the text search are
   * made again on next use; the list order is patched in place (a binary search and a splice)
   * instead of sorted again, unless the change touches a key that two entries share.
   */
  private changed(old: IndexRow | undefined, row: IndexRow | undefined): void {
    this.invalidate(this.sorted !== null && this.patchOrder(old, row));
  }

  private patchOrder(old: IndexRow | undefined, row: IndexRow | undefined): boolean {
    const sorted = this.sorted!;
    if (old) {
      const key = idKey(old.key);
      if (this.shared.has(key)) return false;
      const at = lowerBound(sorted, old.sortKey);
      if (sorted[at] !== old) return false;
      sorted.splice(at, 1);
      this.listed.delete(key);
    }
    if (row) {
      const key = idKey(row.key);
      if (this.shared.has(key) || this.listed.has(key)) return false;
      sorted.splice(upperBound(sorted, row.sortKey), 0, row);
      this.listed.set(key, row);
    }
    return true;
  }

  /** Drops what is made from the rows on use; the list order too unless `keepOrder` (it was patched). */
  private invalidate(keepOrder = false): void {
    if (!keepOrder) this.sorted = null;
    this.byCustomer = null;
    this.texts = null;
    this.filtered.clear();
  }

  /** Rows in list order, one per key (ignoring case; the first by stable id wins, as lookups see one). */
  private sortedRows(): IndexRow[] {
    if (this.sorted) return this.sorted;
    const byKey = new Map<string, IndexRow>();
    this.shared = new Set();
    for (const r of this.rows.values()) {
      const k = idKey(r.key);
      const seen = byKey.get(k);
      if (seen) this.shared.add(k);
      if (!seen || r.stableId < seen.stableId) byKey.set(k, r);
    }
    this.listed = byKey;
    this.sorted = [...byKey.values()].sort((a, b) => compareKeys(a.sortKey, b.sortKey));
    return this.sorted;
  }

  private customerRows(): Map<string, IndexRow[]> {
    if (this.byCustomer) return this.byCustomer;
    const map = new Map<string, IndexRow[]>();
    for (const r of this.sortedRows()) {
      for (const id of new Set(r.customerIds)) {
        const list = map.get(id);
        if (list) list.push(r);
        else map.set(id, [r]);
      }
    }
    this.byCustomer = map;
    return map;
  }
}

function filterKey(filter: RowFilter): string {
  return `${filter.customerId ?? ''}\u0000${[...filter.valid].sort().join(',')}\u0000${filter.search ?? ''}`;
}

/** True when two rows would list alike (same key, order, validity, customers, search text). */
export function sameListing(a: IndexRow, b: IndexRow): boolean {
  return (
    a.key === b.key &&
    a.valid === b.valid &&
    compareKeys(a.sortKey, b.sortKey) === 0 &&
    a.customerIds.join('\u0000') === b.customerIds.join('\u0000') &&
    a.text === b.text
  );
}

/** Changes of one incremental read up to which the list order is patched row by row. */
const PATCH_LIMIT = 256;

/** First position whose key is >= `key`. */
function lowerBound(rows: readonly IndexRow[], key: SortKey): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(rows[mid]!.sortKey, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose key is > `key`. */
function upperBound(rows: readonly IndexRow[], key: SortKey): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(rows[mid]!.sortKey, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
