import type {
  CustomerPage,
  CustomerQuery,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
} from '../domain/data-source';
import { DataSourceUnavailableError, NotFoundError } from '../domain/errors';
import { compareKeys, type Page, type PageRequest, type SortKey } from '../domain/page';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../domain/records';
import { customerSortKey, customerUserSortKey } from '../domain/sort-keys';
import type { Logger } from '../log/logger';

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
export interface MergedPage<T> extends SourcePage<T> {
  /** Ids of the sources whose records are missing because they did not answer. */
  readonly unavailableSources: readonly string[];
  /** Why each of them did not answer, in the same order. */
  readonly failures: readonly DataSourceUnavailableError[];
}

/** A source's page, with the ticket counts it may read along (`CustomerPage`, `CustomerUserPage`). */
export type SourcePage<T> = Page<T> & Pick<CustomerPage, 'ticketCounts'>;

/** Called when a merged list drops a record because an earlier source has it too. */
export type OnDuplicate = (identity: string, keptSource: number, droppedSource: number) => void;

/**
 * The configured data sources in order. A lookup takes the first source that has the record;
 * a list merges the pages of all sources by the contract's order, so cursors (sort keys) stay
 * valid across sources. A source that fails does not hide what the others have.
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
   */
  listCustomers(query: CustomerQuery, sourceId: string | null): Promise<MergedPage<CustomerRecord>> {
    const sources = this.serving('customers', sourceId);
    return this.merge(sources, (s) => s.listCustomers(query), query, customerSortKey, (c) => idKey(c.customerId), this.duplicateLogger('customer', sources));
  }

  /** The customer users of every source (or of one), merged in order; see {@link listCustomers}. */
  listCustomerUsers(query: CustomerUserQuery, sourceId: string | null): Promise<MergedPage<CustomerUserRecord>> {
    const sources = this.serving('customerUsers', sourceId);
    return this.merge(sources, (s) => s.listCustomerUsers(query), query, customerUserSortKey, (u) => idKey(u.login), this.duplicateLogger('customer user', sources));
  }

  /** The customer user pages of many customers, each merged over all sources; see {@link listCustomers}. */
  async customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<MergedPage<CustomerUserRecord>[]> {
    const sources = this.serving('customerUsers', null);
    const answers = await this.settle(sources, (s) => s.customerUsersOfCustomers(queries));
    const onDuplicate = this.duplicateLogger('customer user', sources);
    return queries.map((q, i) =>
      mergePages(answers.pages.map((pages) => pages[i]!), answers, q, customerUserSortKey, (u) => idKey(u.login), onDuplicate),
    );
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
  private async settle<P>(sources: readonly DataSource[], fetch: (s: DataSource) => Promise<P>): Promise<{ pages: P[]; unavailableSources: string[]; failures: DataSourceUnavailableError[] }> {
    const results = await Promise.allSettled(sources.map((s) => this.track(s, () => fetch(s))));
    const pages: P[] = [];
    const unavailableSources: string[] = [];
    const failures: DataSourceUnavailableError[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') pages.push(r.value);
      else if (r.reason instanceof DataSourceUnavailableError && sources.length > 1) {
        unavailableSources.push(sources[i]!.id);
        failures.push(r.reason);
      } else throw r.reason;
    });
    if (sources.length > 0 && pages.length === 0) throw failures[0]!;
    return { pages, unavailableSources, failures };
  }

  private async merge<T>(
    sources: readonly DataSource[],
    fetch: (s: DataSource) => Promise<SourcePage<T>>,
    request: PageRequest,
    key: (t: T) => SortKey,
    identity: (t: T) => string,
    onDuplicate?: OnDuplicate,
  ): Promise<MergedPage<T>> {
    const answers = await this.settle(sources, fetch);
    return mergePages(answers.pages, answers, request, key, identity, onDuplicate);
  }
}

/**
 * Merges pages of several sources (in source order) over the same window: the result holds the
 * first (forward) or last (backward) `size` of their union in key order; a record present in two
 * sources is taken from the earlier one. The ticket counts the sources read with their pages are
 * kept: they are keyed by customer id or login, the same in every source, so a record dropped as
 * a duplicate leaves a correct entry behind.
 */
export function mergePages<T>(
  pages: readonly SourcePage<T>[],
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
    ...mergedCounts(pages),
  };
}

/** The ticket counts of the pages that brought them, as one map; nothing when none did. */
function mergedCounts(pages: readonly SourcePage<unknown>[]): Pick<MergedPage<unknown>, 'ticketCounts'> {
  const withCounts = pages.filter((p) => p.ticketCounts !== undefined);
  if (withCounts.length === 0) return {};
  return { ticketCounts: withCounts.length === 1 ? withCounts[0]!.ticketCounts! : new Map(withCounts.flatMap((p) => [...p.ticketCounts!])) };
}
