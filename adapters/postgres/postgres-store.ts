import type { DataSource } from '../../src/domain/data-source';
import type { HelpdeskSourceConfig, HelpdeskStore, HelpdeskStoreCapabilities } from '../../src/domain/helpdesk-store';
import type { WriteJournal } from '../../src/domain/write-journal';
import type { PostgresPoolConfig } from './postgres-config';
import { PostgresDataSource } from './postgres-data-source';
import { PostgresConnection, type StatementCounter } from './postgres-connection';
import { PostgresIdempotencyRecords } from './postgres-idempotency';
import { PostgresSeedWriter } from './postgres-seed-writer';
import { PostgresTicketStore } from './postgres-ticket-store';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=verify-full&sslrootcert=...]`. */
  readonly url: string;
  readonly label: string;
  readonly maxPageSize: number;
  readonly pool: PostgresPoolConfig;
  readonly onStatement?: StatementCounter;
}

/**
 * The helpdesk database on PostgreSQL, shared by any number of service processes. Opening does
 * not connect: migrations run on first use, so the service starts while the database is down.
 */
export class PostgresStore implements HelpdeskStore {
  readonly kind = 'postgres';
  readonly capabilities: HelpdeskStoreCapabilities = { sharedByReplicas: true, remote: true };
  readonly tickets: PostgresTicketStore;
  readonly idempotency: PostgresIdempotencyRecords;
  readonly seedWriter: PostgresSeedWriter;

  constructor(
    readonly db: PostgresConnection,
    private readonly maxPageSize: number,
  ) {
    this.tickets = new PostgresTicketStore(db, maxPageSize);
    this.idempotency = new PostgresIdempotencyRecords(db);
    this.seedWriter = new PostgresSeedWriter(db);
  }

  get label(): string {
    return this.db.label;
  }

  dataSource(config: HelpdeskSourceConfig): DataSource {
    return new PostgresDataSource({ config, db: this.db, maxPageSize: this.maxPageSize });
  }

  setJournal(journal: WriteJournal | null): void {
    this.db.journal = journal;
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.idempotency.close();
    await this.db.close();
  }
}

/** Opens a helpdesk PostgreSQL store (no connection until first use). */
export function openPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const db = new PostgresConnection({ url: options.url, label: options.label, pool: options.pool, onStatement: options.onStatement });
  return new PostgresStore(db, options.maxPageSize);
}
