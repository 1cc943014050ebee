import type {
  CustomerPage,
  CustomerQuery,
  CustomerUserPage,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
} from '../domain/data-source';
import type { DynamicFieldObject, DynamicFieldValue } from '../domain/dynamic-fields';
import { DataSourceUnavailableError, NotFoundError } from '../domain/errors';
import { listFilterOf, type ListKind } from '../domain/list-filter';
import { compareKeys, type Page, type PageRequest, type SortKey } from '../domain/page';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';
import { customerSortKey, customerUserSortKey } from '../domain/sort-keys';
import type { Logger } from '../log/logger';
import { distinctTotals } from './distinct-totals';

/** Last known state of a source, for `available` and `/readyz`. */
export interface SourceStatus {
  readonly available: boolean;
  /** Why the last contact failed (for the log and /readyz; never a secret). */
  readonly reason: string | null;
}

type Capability = keyof DataSourceCapabilities;

/** Options of {@link DataSourceRegistry}. */
export interface DataSourceRegistryOptions {
  /** Where a record found in two sources is reported (once per record). */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** A list page merged over several sources, naming the sources that did not answer. */
export interface MergedPage<T> extends Page<T> {
  /** Ids of the sources whose records are missing because they did not answer. */
  readonly unavailableSources: readonly string[];
  /** Why each of them did not answer, in the same order. */
  readonly failures: readonly DataSourceUnavailableError[];
}

/**
 * How a list asks one source for its part: by default the source's own list method; a caller
 * that reads more along with the page (the loaders: ticket counts, see
 * `DataSourceCapabilities.countsWithPages`) passes its own and keeps what it read.
 */
export type SourceRead<R> = (source: DataSource) => Promise<R>;

/** Called when a merged list drops a record because an earlier source has it too. */
export type OnDuplicate = (identity: string, keptSource: number, droppedSource: number) => void;

/**
 * The configured data sources in order. A lookup takes the first source that has the record;
 * a list merges the pages of all sources by the contract's order, so cursors (sort keys) stay
 * valid across sources, and counts a record that several sources hold once in its total
 * ({@link distinctTotals}). A source that fails does not hide what the others have.
 */
export class DataSourceRegistry {
  private readonly status = new Map<string, SourceStatus>();
  /** Duplicates already logged, so that each is logged once per process. */
  private readonly loggedDuplicates = new Set<string>();

  constructor(
    readonly sources: readonly DataSource[],
    private readonly options: DataSourceRegistryOptions = {},
  ) {
    for (const s of sources) this.status.set(s.id, { available: true, reason: null });
  }

  /** The source with this id; NOT_FOUND otherwise. */
  get(id: string, field?: string): DataSource {
    const source = this.sources.find((s) => s.id === id);
    if (!source) throw new NotFoundError(`Data source '${id}' does not exist`, field);
    return source;
  }

  /** Whether the last contact with the source succeeded. */
  statusOf(id: string): SourceStatus {
    return this.status.get(id) ?? { available: false, reason: 'unknown source' };
  }

  /**
   * Dynamic fields of many records, in key order: one call per source and kind that keeps them
   * (`capabilities.dynamicFields`); records of any other source have none (no call).
   */
  async dynamicFieldsOf(keys: readonly { object: DynamicFieldObject; sourceId: string; key: string }[]): Promise<(readonly DynamicFieldValue[])[]> {
    const out: (readonly DynamicFieldValue[])[] = keys.map(() => []);
    const groups = new Map<string, { source: DataSource; object: DynamicFieldObject; at: number[] }>();
    keys.forEach((k, i) => {
      const source = this.sources.find((s) => s.id === k.sourceId);
      if (!source?.capabilities.dynamicFields || !source.dynamicFieldsOf) return;
      const group = groups.get(`${k.object}:${k.sourceId}`) ?? { source, object: k.object, at: [] };
      group.at.push(i);
      groups.set(`${k.object}:${k.sourceId}`, group);
    });
    await Promise.all(
      [...groups.values()].map(async ({ source, object, at }) => {
        const found = await this.track(source, () => source.dynamicFieldsOf!(object, at.map((i) => keys[i]!.key)));
        at.forEach((i, j) => (out[i] = found[j] ?? []));
      }),
    );
    return out;
  }

  /** Pings every source and records the outcome. */
  async check(): Promise<{ id: string; status: SourceStatus }[]> {
    return Promise.all(
      this.sources.map(async (s) => {
        await this.track(s, () => s.ping()).catch(() => undefined);
        return { id: s.id, status: this.statusOf(s.id) };
      }),
    );
  }

  /** Customers by id (any case), in key order: a record, null, or the error of a source that failed. */
  customersByIds(ids: readonly string[]): Promise<(CustomerRecord | null | Error)[]> {
    return this.firstWins('customers', ids, (s, keys) => s.customersByIds(keys));
  }

  /** Customer users by login (any case), in key order. */
  customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null | Error)[]> {
    return this.firstWins('customerUsers', logins, (s, keys) => s.customerUsersByLogins(keys));
  }

  /**
   * The customers of every source (or of one), merged in order. A source that does not answer
   * is left out and named, as long as another one answered; a list of one source fails with it.
   * `read` asks each source for its page ({@link SourceRead}).
   */
  listCustomers(
    query: CustomerQuery,
    sourceId: string | null,
    read: SourceRead<CustomerPage> = (s) => s.listCustomers(query),
  ): Promise<MergedPage<CustomerRecord>> {
    const sources = this.serving('customers', sourceId);
    return this.merge('customers', sources, read, query, customerSortKey, (c) => idKey(c.customerId), this.duplicateLogger('customer', sources));
  }

  /** The customer users of every source (or of one), merged in order; see {@link listCustomers}. */
  listCustomerUsers(query: CustomerUserQuery, sourceId: string | null): Promise<MergedPage<CustomerUserRecord>> {
    const sources = this.serving('customerUsers', sourceId);
    return this.merge('customerUsers', sources, (s) => s.listCustomerUsers(query), query, customerUserSortKey, (u) => idKey(u.login), this.duplicateLogger('customer user', sources));
  }

  /** The customer user pages of many customers, each merged over all sources; see {@link listCustomers} (`read` too). */
  async customerUsersOfCustomers(
    queries: readonly CustomerUsersOfCustomerQuery[],
    read: SourceRead<CustomerUserPage[]> = (s) => s.customerUsersOfCustomers(queries),
  ): Promise<MergedPage<CustomerUserRecord>[]> {
    const sources = this.serving('customerUsers', null);
    const answers = await this.settle(sources, read);
    const onDuplicate = this.duplicateLogger('customer user', sources);
    const merged = queries.map((q, i) =>
      mergePages(answers.pages.map((pages) => pages[i]!), answers, q, customerUserSortKey, (u) => idKey(u.login), onDuplicate),
    );
    if (answers.answered.length < 2) return merged;
    const totals = await distinctTotals(
      'customerUsers',
      answers.answered,
      answers.pages.map((pages) => queries.map((_, i) => pages[i]!.totalCount)),
      queries.map((q) => listFilterOf(q)),
      this,
    );
    return merged.map((page, i) => ({ ...page, totalCount: totals[i]! }));
  }

  /** Customers by stable id, in key order, each looked up in the source its global id names. */
  customersByStableIds(keys: readonly { sourceId: string; stableId: string }[]): Promise<(CustomerRecord | null)[]> {
    return this.bySource('customers', keys, (s, ids) => s.customersByStableIds(ids));
  }

  /** Customer users by stable id; see {@link customersByStableIds}. */
  customerUsersByStableIds(keys: readonly { sourceId: string; stableId: string }[]): Promise<(CustomerUserRecord | null)[]> {
    return this.bySource('customerUsers', keys, (s, ids) => s.customerUsersByStableIds(ids));
  }

  /** Closes every source. */
  async close(): Promise<void> {
    await Promise.allSettled(this.sources.map((s) => s.close()));
  }

  /** Runs a call against a source, recording whether the source answered. */
  async track<T>(source: DataSource, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.status.set(source.id, { available: true, reason: null });
      return result;
    } catch (e) {
      if (e instanceof DataSourceUnavailableError) this.status.set(source.id, { available: false, reason: e.message });
      throw e;
    }
  }

  /** Logs a record present in two sources once: the earlier source wins, the other copy is hidden. */
  private duplicateLogger(what: string, sources: readonly DataSource[]): OnDuplicate | undefined {
    const logger = this.options.logger;
    if (!logger) return undefined;
    return (identity, kept, dropped) => {
      const key = `${what}\u0000${identity}\u0000${sources[dropped]?.id}`;
      if (this.loggedDuplicates.has(key)) return;
      this.loggedDuplicates.add(key);
      logger.warn(
        { record: what, key: identity, usedSource: sources[kept]?.id, ignoredSource: sources[dropped]?.id },
        'a record exists in two data sources; the first in configuration order is used',
      );
    };
  }

  private serving(capability: Capability, sourceId: string | null): DataSource[] {
    if (sourceId !== null) {
      const source = this.get(sourceId, 'dataSource');
      return source.capabilities[capability] ? [source] : [];
    }
    return this.sources.filter((s) => s.capabilities[capability]);
  }

  private async firstWins<T>(
    capability: Capability,
    ids: readonly string[],
    fetch: (s: DataSource, keys: readonly string[]) => Promise<(T | null)[]>,
  ): Promise<(T | null | Error)[]> {
    const found: (T | null)[] = ids.map(() => null);
    let failure: Error | null = null;
    for (const source of this.serving(capability, null)) {
      const open = ids.map((_, i) => i).filter((i) => found[i] === null);
      if (open.length === 0) break;
      try {
        const rows = await this.track(source, () => fetch(source, open.map((i) => ids[i]!)));
        rows.forEach((row, j) => {
          if (row !== null) found[open[j]!] = row;
        });
      } catch (e) {
        if (!(e instanceof DataSourceUnavailableError)) throw e;
        failure ??= e;
      }
    }
    return found.map((row) => (row === null && failure ? failure : row));
  }

  private async bySource<T>(
    capability: Capability,
    keys: readonly { sourceId: string; stableId: string }[],
    fetch: (s: DataSource, ids: readonly string[]) => Promise<(T | null)[]>,
  ): Promise<(T | null)[]> {
    const out: (T | null)[] = keys.map(() => null);
    await Promise.all(
      this.serving(capability, null).map(async (source) => {
        const mine = keys.map((k, i) => ({ k, i })).filter((x) => x.k.sourceId === source.id);
        if (mine.length === 0) return;
        const rows = await this.track(source, () => fetch(source, mine.map((x) => x.k.stableId)));
        rows.forEach((row, j) => (out[mine[j]!.i] = row));
      }),
    );
    return out;
  }

  /** Asks every source; keeps the answers and the sources that did not answer. Fails when all did not. */
  private async settle<P>(
    sources: readonly DataSource[],
    fetch: (s: DataSource) => Promise<P>,
  ): Promise<{ pages: P[]; answered: DataSource[]; unavailableSources: string[]; failures: DataSourceUnavailableError[] }> {
    const results = await Promise.allSettled(sources.map((s) => this.track(s, () => fetch(s))));
    const pages: P[] = [];
    const answered: DataSource[] = [];
    const unavailableSources: string[] = [];
    const failures: DataSourceUnavailableError[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        pages.push(r.value);
        answered.push(sources[i]!);
      } else if (r.reason instanceof DataSourceUnavailableError && sources.length > 1) {
        unavailableSources.push(sources[i]!.id);
        failures.push(r.reason);
      } else throw r.reason;
    });
    if (sources.length > 0 && pages.length === 0) throw failures[0]!;
    return { pages, answered, unavailableSources, failures };
  }

  /**
   * The pages of the sources merged ({@link mergePages}), with a `totalCount` that counts a
   * record several sources hold once ({@link distinctTotals}).
   */
  private async merge<T>(
    kind: ListKind,
    sources: readonly DataSource[],
    fetch: SourceRead<Page<T>>,
    request: CustomerQuery | CustomerUserQuery,
    key: (t: T) => SortKey,
    identity: (t: T) => string,
    onDuplicate?: OnDuplicate,
  ): Promise<MergedPage<T>> {
    const answers = await this.settle(sources, fetch);
    const merged = mergePages(answers.pages, answers, request, key, identity, onDuplicate);
    if (answers.answered.length < 2) return merged;
    const [totalCount] = await distinctTotals(kind, answers.answered, answers.pages.map((p) => [p.totalCount]), [listFilterOf(request)], this);
    return { ...merged, totalCount: totalCount! };
  }
}

/**
 * Merges pages of several sources (in source order) over the same window: the result holds the
 * first (forward) or last (backward) `size` of their union in key order; a record present in two
 * sources is taken from the earlier one. `totalCount` is the sum of the pages' totals: the
 * registry then takes out the records counted twice ({@link distinctTotals}).
 */
export function mergePages<T>(
  pages: readonly Page<T>[],
  missing: Pick<MergedPage<T>, 'unavailableSources' | 'failures'>,
  request: PageRequest,
  key: (t: T) => SortKey,
  identity: (t: T) => string,
  onDuplicate?: OnDuplicate,
): MergedPage<T> {
  const { unavailableSources, failures } = missing;
  if (pages.length === 1) return { ...pages[0]!, unavailableSources, failures };
  const winner = new Map<string, number>();
  pages.forEach((p, i) =>
    p.nodes.forEach((n) => {
      const id = identity(n);
      const kept = winner.get(id);
      if (kept === undefined) winner.set(id, i);
      else if (kept !== i) onDuplicate?.(id, kept, i);
    }),
  );
  const all = pages
    .flatMap((p, i) => p.nodes.filter((n) => winner.get(identity(n)) === i).map((n) => ({ n, k: key(n) })))
    .sort((a, b) => compareKeys(a.k, b.k));
  const nodes = (request.backward ? all.slice(Math.max(0, all.length - request.size)) : all.slice(0, request.size)).map((x) => x.n);
  const beyond = all.length > request.size || pages.some((p) => (request.backward ? p.hasPreviousPage : p.hasNextPage));
  return {
    nodes,
    hasNextPage: request.backward ? pages.some((p) => p.hasNextPage) : beyond,
    hasPreviousPage: request.backward ? beyond : pages.some((p) => p.hasPreviousPage),
    startKey: nodes.length > 0 ? key(nodes[0]!) : null,
    endKey: nodes.length > 0 ? key(nodes[nodes.length - 1]!) : null,
    totalCount: pages.reduce((sum, p) => sum + p.totalCount, 0),
    unavailableSources,
    failures,
  };
}
