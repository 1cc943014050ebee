import type { DataSource } from '../domain/data-source';
import { DataSourceUnavailableError } from '../domain/errors';
import { matchesListFilter, type ListFilter, type ListKind } from '../domain/list-filter';
import type { PageRequest } from '../domain/page';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';

/**
 * How the registry reaches a source for {@link distinctTotals}: each call through its `track`, so
 * that the source's status follows.
 */
export interface TotalsAccess {
  track<T>(source: DataSource, call: () => Promise<T>): Promise<T>;
}

/** Page size of the listing that reads a source's keys (see {@link distinctTotals}). */
const LISTING_PAGE = 500;

/**
 * A source that does not name its keys is listed instead of asked about the other side's keys
 * when it counts fewer than this share of them: a listing reads whole records, pages of
 * {@link LISTING_PAGE}, where a lookup only probes keys (a helpdesk database with a few hundred
 * users beside a directory of 50,000: one page, not a probe of 50,000 keys).
 */
const LIST_BELOW = 1 / 20;

/**
 * The `totalCount` of merged lists that counts a record several sources hold (the same id key)
 * once, as the merged list shows it once.
 *
 * `totals[s][f]` is what source `s` (in configuration order; the sources that answered) counted
 * for filter `f`. Then the merged total is the sum less, for each source, its records whose key
 * an earlier source also counts: |K_j ∩ (K_1 ∪ … ∪ K_{j-1})| for source j's keys K_j. Nothing
 * reads a whole list unless it is the small side:
 *
 * - A source that holds its lists in memory names its keys (`DataSource.listedKeys`, no round
 *   trip); two such sources are intersected in memory.
 * - A source that does not is asked which of the other side's keys it holds, by one batched
 *   lookup (`customersByIds` / `customerUsersByLogins`), the records found matched against the
 *   filter ({@link matchesListFilter}), or, when it counts far fewer records than it would be
 *   asked about ({@link LIST_BELOW}), its own keys are read by listing its matches.
 * - Where neither side of a pair names its keys (two SQL databases), the later source's keys are
 *   read by listing.
 *
 * Lookups go to each source once for all filters (a batch of customers' user lists costs one
 * lookup per source, not one per customer). When a source or every earlier one counted nothing
 * for a filter, nothing is asked for it: a list of one source, or whose other sources are empty,
 * costs nothing more. A call that fails (the source just answered its page) leaves those keys
 * counted as not shared: the total is then the sum, as without this.
 */
export async function distinctTotals(
  kind: ListKind,
  sources: readonly DataSource[],
  totals: readonly (readonly number[])[],
  filters: readonly ListFilter[],
  access: TotalsAccess,
): Promise<number[]> {
  const total = (s: number, f: number) => totals[s]![f] ?? 0;
  const sums = filters.map((_, f) => sources.reduce((sum, _s, i) => sum + total(i, f), 0));
  /** Per filter, the sources that counted something, in order. */
  const active = filters.map((_, f) => sources.map((_s, i) => i).filter((i) => total(i, f) > 0));
  const pending = filters.map((_, f) => f).filter((f) => active[f]!.length > 1);
  if (pending.length === 0) return sums;

  /** The id keys a source counts for a filter, where known: by `${source}:${filter}`. */
  const keys = new Map<string, Set<string>>();
  const at = (s: number, f: number) => `${s}:${f}`;
  const unavailable = async (call: () => Promise<void>) => {
    try {
      await call();
    } catch (e) {
      // The source just answered its page; without its keys, its records count as not shared.
      if (!(e instanceof DataSourceUnavailableError)) throw e;
    }
  };

  // Keys named by the sources that hold them in memory: one call per source for every filter.
  await Promise.all(
    sources.map((source, s) =>
      unavailable(async () => {
        const mine = pending.filter((f) => active[f]!.includes(s));
        if (!source.listedKeys || mine.length === 0) return;
        const named = await access.track(source, () => source.listedKeys!(kind, mine.map((f) => filters[f]!)));
        mine.forEach((f, i) => keys.set(at(s, f), new Set(named[i] ?? [])));
      }),
    ),
  );

  // Which sources are listed for which filter: the later of two that do not name their keys, and
  // one that counts far fewer records than the keys it would be asked about.
  const listed = new Set<string>();
  const known = (s: number, f: number) => keys.has(at(s, f)) || listed.has(at(s, f));
  const size = (s: number, f: number) => keys.get(at(s, f))?.size ?? total(s, f);
  for (const f of pending) {
    const list = active[f]!;
    for (let n = 1; n < list.length; n++) {
      const j = list[n]!;
      const earlier = list.slice(0, n);
      if (!known(j, f) && earlier.some((i) => !known(i, f))) listed.add(at(j, f));
      if (known(j, f)) {
        for (const i of earlier) if (!known(i, f) && total(i, f) < size(j, f) * LIST_BELOW) listed.add(at(i, f));
      } else if (total(j, f) < earlier.reduce((sum, i) => sum + size(i, f), 0) * LIST_BELOW) listed.add(at(j, f));
    }
  }
  await Promise.all(
    [...listed].map((slot) =>
      unavailable(async () => {
        const [s, f] = slot.split(':').map(Number) as [number, number];
        keys.set(slot, await listedByPaging(kind, sources[s]!, filters[f]!, access));
      }),
    ),
  );

  // Lookups: per source whose keys are not known, the keys it is asked about, per filter.
  const asks = new Map<number, { f: number; keys: Iterable<string> }[]>();
  const ask = (s: number, f: number, wanted: Iterable<string>) => asks.set(s, [...(asks.get(s) ?? []), { f, keys: wanted }]);
  for (const f of pending) {
    const list = active[f]!;
    for (let n = 1; n < list.length; n++) {
      const j = list[n]!;
      const earlier = list.slice(0, n);
      const mine = keys.get(at(j, f));
      if (mine) for (const i of earlier) if (!keys.has(at(i, f))) ask(i, f, mine);
      if (!mine) ask(j, f, earlier.flatMap((i) => [...(keys.get(at(i, f)) ?? [])]));
    }
  }
  /** Per source asked and filter: the asked keys it holds a record of that the filter keeps. */
  const holds = new Map<string, Set<string>>();
  await Promise.all(
    [...asks].map(([s, wanted]) =>
      unavailable(async () => {
        const source = sources[s]!;
        const distinct = [...new Set(wanted.flatMap((w) => [...w.keys]))];
        if (distinct.length === 0) return;
        const found = await access.track<(CustomerRecord | CustomerUserRecord | null)[]>(source, () =>
          kind === 'customers' ? source.customersByIds(distinct) : source.customerUsersByLogins(distinct),
        );
        for (const { f } of wanted) {
          const set = holds.get(at(s, f)) ?? new Set<string>();
          distinct.forEach((k, i) => {
            const record = found[i];
            if (record && matchesListFilter(kind, record, filters[f]!)) set.add(k);
          });
          holds.set(at(s, f), set);
        }
      }),
    ),
  );
  const held = (s: number, f: number, k: string) => (keys.get(at(s, f)) ?? holds.get(at(s, f)))?.has(k) ?? false;

  return sums.map((sum, f) => {
    const list = active[f]!;
    let shared = 0;
    for (let n = 1; n < list.length; n++) {
      const j = list[n]!;
      const earlier = list.slice(0, n);
      const mine = keys.get(at(j, f));
      // Each key of j that an earlier source counts too (j's own keys, or else the earlier ones' that j holds).
      const candidates = mine ?? new Set(earlier.flatMap((i) => [...(keys.get(at(i, f)) ?? [])]));
      for (const k of candidates) if (mine ? earlier.some((i) => held(i, f, k)) : held(j, f, k)) shared++;
    }
    return sum - shared;
  });
}

/** The id keys of every record a filter keeps, read by listing its matches page by page. */
async function listedByPaging(kind: ListKind, source: DataSource, filter: ListFilter, access: TotalsAccess): Promise<Set<string>> {
  const out = new Set<string>();
  let request: PageRequest = { after: null, before: null, size: LISTING_PAGE, backward: false };
  for (;;) {
    if (kind === 'customers') {
      const page = await access.track(source, () => source.listCustomers({ ...request, search: filter.search, valid: filter.valid }));
      for (const r of page.nodes) out.add(idKey(r.customerId));
      if (!page.hasNextPage || page.endKey === null) return out;
      request = { ...request, after: page.endKey };
    } else {
      const page = await access.track(source, () => source.listCustomerUsers({ ...request, search: filter.search, valid: filter.valid, customerId: filter.customerId }));
      for (const r of page.nodes) out.add(idKey(r.login));
      if (!page.hasNextPage || page.endKey === null) return out;
      request = { ...request, after: page.endKey };
    }
  }
}
