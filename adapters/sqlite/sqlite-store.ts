import type { DataSource } from '../../src/domain/data-source';
import type { HelpdeskSourceConfig, HelpdeskStore, HelpdeskStoreCapabilities } from '../../src/domain/helpdesk-store';
import type { WriteJournal } from '../../src/domain/write-journal';
import { SqliteDataSource } from './sqlite-data-source';
import { SqliteConnection, type StatementCounter } from './sqlite-connection';
import { SqliteIdempotencyRecords } from './sqlite-idempotency';
import { SqliteSeedWriter } from './sqlite-seed-writer';
import { SqliteTicketStore } from './sqlite-ticket-store';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  readonly path: string;
  readonly label: string;
  readonly maxPageSize: number;
  readonly busyTimeoutMs?: number;
  readonly onStatement?: StatementCounter;
}

/** The helpdesk database in one SQLite file (one process; WAL; migrations applied on open). */
export class SqliteStore implements HelpdeskStore {
  readonly kind = 'sqlite';
  readonly capabilities: HelpdeskStoreCapabilities = { sharedByReplicas: false, remote: false };
  readonly tickets: SqliteTicketStore;
  readonly idempotency: SqliteIdempotencyRecords;
  readonly seedWriter: SqliteSeedWriter;

  constructor(
    /** The SQLite handle (tests and SQLite-only tools reach the file through it). */
    readonly db: SqliteConnection,
    private readonly maxPageSize: number,
  ) {
    this.tickets = new SqliteTicketStore(db, maxPageSize);
    this.idempotency = new SqliteIdempotencyRecords(db);
    this.seedWriter = new SqliteSeedWriter(db);
  }

  get label(): string {
    return this.db.label;
  }

  /** The source over this file; `holdsTickets` false for a file other than the helpdesk's (renames leave tickets alone). */
  dataSource(config: HelpdeskSourceConfig, holdsTickets = true): DataSource {
    return new SqliteDataSource({ config: { ...config, kind: 'sqlite' }, db: this.db, holdsTickets, maxPageSize: this.maxPageSize });
  }

  setJournal(journal: WriteJournal | null): void {
    this.db.journal = journal;
  }

  async ping(): Promise<void> {
    this.db.get(`SELECT 1`);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Opens (creating and migrating if needed) a helpdesk SQLite file. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const db = SqliteConnection.open({
    path: options.path,
    label: options.label,
    busyTimeoutMs: options.busyTimeoutMs,
    onStatement: options.onStatement,
  });
  return new SqliteStore(db, options.maxPageSize);
}
