import type { LdapSourceConfig } from '../../adapters/ldap/ldap-config';
import { LdapDataSource } from '../../adapters/ldap/ldap-data-source';
import { SqliteDataSource } from '../../adapters/sqlite/sqlite-data-source';
import { SqliteDatabase } from '../../adapters/sqlite/sqlite-database';
import type { Config, DataSourceConfig } from '../config/config';
import type { DataSource } from '../domain/data-source';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';

/** What an adapter may use when it is opened. */
export interface AdapterDeps {
  readonly config: Config;
  /** The helpdesk database, for a sqlite source without its own path. */
  readonly helpdeskDb: SqliteDatabase;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Opens the adapter of one configured data source, by its `kind`. Adding an adapter adds a case here. */
export async function openDataSource(source: DataSourceConfig, deps: AdapterDeps): Promise<DataSource> {
  const maxPageSize = deps.config.limits.maxPageSize;
  switch (source.kind) {
    case 'sqlite': {
      const own = source.path !== undefined;
      const db = own
        ? SqliteDatabase.open({ path: source.path!, label: source.id, onStatement: deps.metrics.operationCounter(source.id, 'sqlite') })
        : deps.helpdeskDb;
      const adapter = new SqliteDataSource({ config: source, db, holdsTickets: !own, maxPageSize });
      if (own) adapter.close = async () => db.close();
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
