import type {
  CustomerQuery,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
} from '../domain/data-source';
import { DataSourceUnavailableError, NotFoundError } from '../domain/errors';
import { compareKeys, type Page, type SortKey } from '../domain/page';
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

  /** The customers of every source (or of one), merged in order. */
  listCustomers(query: CustomerQuery, sourceId: string | null): Promise<Page<CustomerRecord>> {
    const sources = this.serving('customers', sourceId);
    return this.merge(sources, (s) => s.listCustomers(query), query.first, customerSortKey, (c) => idKey(c.customerId), this.duplicateLogger('customer', sources));
  }

  /** The customer users of every source (or of one), merged in order. */
  listCustomerUsers(query: CustomerUserQuery, sourceId: string | null): Promise<Page<CustomerUserRecord>> {
    const sources = this.serving('customerUsers', sourceId);
    return this.merge(sources, (s) => s.listCustomerUsers(query), query.first, customerUserSortKey, (u) => idKey(u.login), this.duplicateLogger('customer user', sources));
  }

  /** The customer user pages of many customers, each merged over all sources. */
  async customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<Page<CustomerUserRecord>[]> {
    const sources = this.serving('customerUsers', null);
    const perSource = await Promise.all(sources.map((s) => this.track(s, () => s.customerUsersOfCustomers(queries))));
    const onDuplicate = this.duplicateLogger('customer user', sources);
    return queries.map((q, i) =>
      mergePages(perSource.map((pages) => pages[i]!), q.first, customerUserSortKey, (u) => idKey(u.login), onDuplicate),
    );
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

  private async merge<T>(
    sources: readonly DataSource[],
    fetch: (s: DataSource) => Promise<Page<T>>,
    first: number,
    key: (t: T) => SortKey,
    identity: (t: T) => string,
    onDuplicate?: OnDuplicate,
  ): Promise<Page<T>> {
    const pages = await Promise.all(sources.map((s) => this.track(s, () => fetch(s))));
    return mergePages(pages, first, key, identity, onDuplicate);
  }
}

/**
 * Merges pages of several sources (in source order) that start after the same key: the result
 * holds the first `first` of their union in key order; a record present in two sources is taken
 * from the earlier one.
 */
export function mergePages<T>(
  pages: readonly Page<T>[],
  first: number,
  key: (t: T) => SortKey,
  identity: (t: T) => string,
  onDuplicate?: OnDuplicate,
): Page<T> {
  if (pages.length === 1) return pages[0]!;
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
  const nodes = all.slice(0, first).map((x) => x.n);
  return {
    nodes,
    hasNextPage: all.length > first || pages.some((p) => p.hasNextPage),
    endKey: nodes.length > 0 ? key(nodes[nodes.length - 1]!) : null,
    totalCount: pages.reduce((sum, p) => sum + p.totalCount, 0),
  };
}
