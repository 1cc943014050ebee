import { DataSourceUnavailableError } from '../../src/domain/errors';
import type { Logger } from '../../src/log/logger';
import type { ZnunySourceConfig } from './znuny-config';
import { ZnunyConnection } from './znuny-connection';
import { ZnunyDataSource } from './znuny-data-source';
import { inspectSchema, type ZnunySchema } from './znuny-schema';
import { ZnunyTicketStore } from './znuny-ticket-store';
import { ZnunyWatch } from './znuny-watch';

/** Options of {@link openZnunyStore}. */
export interface ZnunyStoreOptions {
  readonly config: ZnunySourceConfig;
  /** The service reads its tickets from this database (`tickets` names this source). */
  readonly holdsTickets: boolean;
  readonly maxPageSize: number;
  readonly onStatement?: () => void;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /** The clock of the list indexes and of writes (tests may drive it). */
  readonly now?: () => Date;
}

/** A Znuny / OTOBO database as the service uses it: its customers and customer users, its tickets, and the watch on its changes. */
export interface ZnunyStore {
  readonly source: ZnunyDataSource;
  readonly tickets: ZnunyTicketStore;
  readonly watch: ZnunyWatch;
  close(): Promise<void>;
}

/**
 * Opens a Znuny database: a pool, then the schema check (the tables and columns read, the
 * groups table, the widths of written columns). A database that lacks a table or column stops
 * the start (`ZnunySchemaError`); one that cannot be reached does not: the check runs again on
 * first use, and the source answers DATA_SOURCE_UNAVAILABLE until then. Creates nothing there.
 */
export async function openZnunyStore(options: ZnunyStoreOptions): Promise<ZnunyStore> {
  const { config } = options;
  const db = new ZnunyConnection({ config, onStatement: options.onStatement });
  let inspected: Promise<ZnunySchema> | null = null;
  const schema = () =>
    (inspected ??= inspectSchema(db, config.id).catch((e: unknown) => {
      inspected = null;
      throw e;
    }));
  try {
    const found = await schema();
    options.logger.info({ source: config.id, dialect: db.dialect, groups: found.groupsTable }, 'the Znuny database answers and has every table and column read');
  } catch (e) {
    if (!(e instanceof DataSourceUnavailableError)) {
      await db.close();
      throw e;
    }
    options.logger.warn({ source: config.id }, 'the Znuny database cannot be reached; its schema is checked when it can');
  }
  const source = new ZnunyDataSource({ config, db, schema, holdsTickets: options.holdsTickets, now: options.now });
  const tickets = new ZnunyTicketStore({
    sourceId: config.id,
    db,
    schema,
    timeZone: config.timeZone,
    viewableStateTypes: config.viewableStateTypes,
    maxPageSize: options.maxPageSize,
    readOnly: config.readOnly,
  });
  const watch = new ZnunyWatch({ source, db, tickets: options.holdsTickets, pollSeconds: config.pollSeconds, logger: options.logger });
  return {
    source,
    tickets,
    watch,
    async close() {
      await watch.stop();
      await db.close();
    },
  };
}
