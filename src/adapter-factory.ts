import { z } from 'zod';
import { ldapSourceConfigSchema, type LdapSourceConfig } from '../adapters/ldap/ldap-config';
import { LdapDataSource } from '../adapters/ldap/ldap-data-source';
import { isPostgresUrl } from '../adapters/postgres/postgres-config';
import { PostgresChangeFeed } from '../adapters/postgres/postgres-change-feed';
import { openPostgresStore } from '../adapters/postgres/postgres-store';
import { sqliteSourceConfigSchema } from '../adapters/sqlite/sqlite-config';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store';
import type { Config, DataSourceConfig } from './config/config';
import type { ChangeFeed } from './domain/change-feed';
import type { DataSource } from './domain/data-source';
import type { HelpdeskStore } from './domain/helpdesk-store';
import type { Logger } from './log/logger';
import type { Metrics } from './metrics/metrics';
import { InProcessChangeFeed } from './live/in-process-change-feed';

/**
 * The composition root of the adapters: the only module under src/ (with src/app.ts) that imports
 * adapters/. Adding an adapter adds its config schema here and a case in {@link openDataSource}.
 */

/** The configuration schema of one data source, a union over the adapters' schemas. */
export const dataSourceConfigSchema = z.discriminatedUnion('kind', [sqliteSourceConfigSchema, ldapSourceConfigSchema]);

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

/** Opens the adapter of one configured data source, by its `kind`. Adding an adapter adds a case here. */
export async function openDataSource(source: DataSourceConfig, deps: AdapterDeps): Promise<DataSource> {
  switch (source.kind) {
    case 'sqlite': {
      if (source.path === undefined) return deps.store.dataSource(source);
      const own = openSqliteStore({
        path: source.path,
        label: source.id,
        maxPageSize: deps.config.limits.maxPageSize,
        onStatement: deps.metrics.operationCounter(source.id, 'sqlite'),
      });
      const adapter = own.dataSource(source, false);
      adapter.close = () => own.close();
      return adapter;
    }
    case 'ldap':
      // Connects lazily: the service starts while the directory is down.
      return new LdapDataSource({
        config: source as LdapSourceConfig,
        logger: deps.logger,
        onSearchPage: deps.metrics.operationCounter(source.id, 'ldap'),
      });
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
