import type { DataSource } from './data-source';
import type { IdempotencyRecords } from './idempotency-records';
import type { SeedWriter } from './seed-rows';
import type { TicketStore } from './tickets';
import type { WriteJournal } from './write-journal';

/** What a helpdesk store can do. Code and tests branch on these flags, never on engine names. */
export interface HelpdeskStoreCapabilities {
  /** Several service processes may share the store at once (replicas). */
  readonly sharedByReplicas: boolean;
  /** The store is a server reached over the network: it may be unreachable, and the store reconnects by itself. */
  readonly remote: boolean;
}

/** The writable data source over the helpdesk store, as configured. */
export interface HelpdeskSourceConfig {
  readonly id: string;
  readonly name: string;
}

/**
 * The helpdesk database as one port: the writable data source over it, the tickets, the
 * Idempotency-Key records, migrations (applied when it is opened), seeding writes, ping, close.
 * Every write runs in one transaction that the {@link WriteJournal} sees.
 */
export interface HelpdeskStore {
  /** Engine kind ('sqlite', 'postgres', ...), for metrics labels and logs only. */
  readonly kind: string;
  /** The id statements are counted under (the helpdesk source's id). */
  readonly label: string;
  readonly capabilities: HelpdeskStoreCapabilities;
  readonly tickets: TicketStore;
  readonly idempotency: IdempotencyRecords;
  readonly seedWriter: SeedWriter;
  /** The writable source over this database (one per configured helpdesk source). */
  dataSource(config: HelpdeskSourceConfig): DataSource;
  /** Attaches the journal that sees every outermost write transaction (at most one). */
  setJournal(journal: WriteJournal | null): void;
  /** Resolves when the database answers; rejects with `DataSourceUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
