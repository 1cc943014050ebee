import type { LdapSourceConfig } from '../../adapters/ldap/ldap-config';
import { LdapDataSource } from '../../adapters/ldap/ldap-data-source';
import { isPostgresUrl } from '../../adapters/postgres/postgres-config';
import { PostgresChangeFeed } from '../../adapters/postgres/postgres-change-feed';
import { openPostgresStore } from '../../adapters/postgres/postgres-store';
import { openSqliteStore } from '../../adapters/sqlite/sqlite-store';
import type { ZnunySourceConfig } from '../../adapters/znuny/znuny-config';
import { openZnunyStore } from '../../adapters/znuny/znuny-store';
/** The seed command's writer of Znuny-shaped databases (tests and bench only: it creates Znuny's tables in an empty database). */
export { openZnunySeedExec, ZnunySeedWriter } from '../../adapters/znuny/znuny-seed-writer';
import type { Config, DataSourceConfig } from '../config/config';
import type { ChangeFeed } from '../domain/change-feed';
import type { ChangeWatch } from '../domain/change-watch';
import type { DataSource } from '../domain/data-source';
import type { HelpdeskStore } from '../domain/helpdesk-store';
import type { TicketStore } from '../domain/tickets';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import { InProcessChangeFeed } from '../domain/in-process-change-feed';

/**
 * The composition root of the adapters: the only module under src/ (with src/composition/app.ts) that imports
 * adapters/. Adding an adapter adds its config schema here and a case in {@link openDataSource}.
 */


/** What an adapter may use when it is opened. */
export interface AdapterDeps {
  readonly config: Config;
  /** The helpdesk store, for a sqlite source without its own path. */
  readonly store: HelpdeskStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Where and how to open a helpdesk store. */
export interface StoreTarget {
  /** A SQLite file path (or ':memory:'), or a `postgres://` URL. */
  readonly database: string;
  /** PostgreSQL pool and timeouts (defaults when absent). */
  readonly pool?: Config['databasePool'];
  readonly label: string;
  readonly maxPageSize: number;
  readonly busyTimeoutMs?: number;
  /** Counts statements; default: not counted. */
  readonly onStatement?: () => void;
  readonly logger?: Logger;
}

/** Opens a helpdesk store (migrated) at `target.database`; the engine follows from its form. */
export function openStore(target: StoreTarget): HelpdeskStore {
  if (isPostgresUrl(target.database)) {
    return openPostgresStore({
      url: target.database,
      label: target.label,
      maxPageSize: target.maxPageSize,
      pool: target.pool ?? { size: 10, statementTimeoutMs: 5000, connectTimeoutMs: 5000 },
      onStatement: target.onStatement,
    });
  }
  return openSqliteStore({
    path: target.database,
    label: target.label,
    maxPageSize: target.maxPageSize,
    busyTimeoutMs: target.busyTimeoutMs,
    onStatement: target.onStatement,
  });
}

/** The engine kind a `database` setting names, for the operations metric's label. */
export function storeKind(database: string): string {
  return isPostgresUrl(database) ? 'postgres' : 'sqlite';
}

/** Opens the helpdesk store the configuration names (`database`). */
export function openHelpdeskStore(config: Config, label: string, metrics: Metrics, logger: Logger): HelpdeskStore {
  return openStore({
    database: config.database,
    label,
    maxPageSize: config.limits.maxPageSize,
    busyTimeoutMs: config.limits.busyTimeoutMs,
    pool: config.databasePool,
    onStatement: metrics.operationCounter(label, storeKind(config.database)),
    logger,
  });
}

/** An opened data source, with what its backend may bring besides: its own tickets, and a watch on changes made by others. */
export interface OpenedSource {
  readonly source: DataSource;
  /** The tickets of the source's database (an existing helpdesk's): served when `tickets` names the source. */
  readonly tickets?: TicketStore;
  /** Changes others make in the backend, for live subscriptions. */
  readonly watch?: ChangeWatch;
  /** Releases what opening the source created (connections, its own database, its watch). */
  close(): Promise<void>;
}

/** Opens the adapter of one configured data source, by its `kind`. Adding an adapter adds a case here. */
export async function openDataSource(source: Config['dataSources'][number], deps: AdapterDeps): Promise<OpenedSource> {
  switch (source.kind) {
    case 'sqlite': {
      // The helpdesk database's source: the store is closed by whoever opened it.
      if (source.path === undefined) return { source: deps.store.dataSource(source), close: async () => undefined };
      const own = openSqliteStore({
        path: source.path,
        label: source.id,
        maxPageSize: deps.config.limits.maxPageSize,
        onStatement: deps.metrics.operationCounter(source.id, 'sqlite'),
      });
      return { source: own.dataSource(source, false), close: () => own.close() };
    }
    case 'ldap':
      // Connects lazily: the service starts while the directory is down.
      const ldap = new LdapDataSource({
        config: source as LdapSourceConfig,
        logger: deps.logger,
        onSearchPage: deps.metrics.operationCounter(source.id, 'ldap'),
      });
      return { source: ldap, close: () => ldap.close() };
    case 'znuny': {
      const znuny = await openZnunyStore({
        config: source as ZnunySourceConfig,
        holdsTickets: deps.config.tickets === source.id,
        maxPageSize: deps.config.limits.maxPageSize,
        onStatement: deps.metrics.operationCounter(source.id, 'znuny'),
        logger: deps.logger,
      });
      return { source: znuny.source, tickets: znuny.tickets, watch: znuny.watch, close: () => znuny.close() };
    }
  }
}

/**
 * The change feed for the configured store: across replicas (LISTEN/NOTIFY) when the store is
 * shared by replicas, in process otherwise.
 */
export function openChangeFeed(config: Config, store: HelpdeskStore, logger: Logger): ChangeFeed {
  const onError = (e: unknown) => logger.error({ err: e }, 'change feed listener failed');
  if (!store.capabilities.sharedByReplicas) return new InProcessChangeFeed(onError);
  const feed = new PostgresChangeFeed({ url: config.database, logger, connectTimeoutMs: config.databasePool?.connectTimeoutMs });
  void feed.start();
  return feed;
}
