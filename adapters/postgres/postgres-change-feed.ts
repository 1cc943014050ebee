import pg from 'pg';
import type { Change, ChangeFeed, FeedEvent } from '../../src/domain/change-feed';
import type { Logger } from '../../src/log/logger';
import { InProcessChangeFeed } from '../../src/domain/in-process-change-feed';

/** The channel every replica listens on. */
export const CHANGE_CHANNEL = 'helpdesk_changes';
/** The application name of the listening connection (visible in pg_stat_activity). */
export const LISTEN_APPLICATION_NAME = 'helpdesk-live-listen';
/** Parts of large payloads kept while waiting for the rest (a transaction's parts arrive together). */
const MAX_PENDING_PAYLOADS = 64;

/** Options of {@link PostgresChangeFeed}. */
export interface PostgresChangeFeedOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly connectTimeoutMs?: number;
  /** Delay before reconnecting after the listening connection was lost (doubles up to 5 s). */
  readonly retryMs?: number;
}

/**
 * The change feed of replicas sharing one PostgreSQL database. The database's triggers (migration
 * 2 of postgres-migrations.ts) send each write's change with `NOTIFY` inside the writing
 * transaction: PostgreSQL delivers it on commit, never for a rollback, so no change can be lost
 * between a commit and a separate NOTIFY. Every replica, this one included, hears it on its
 * `LISTEN` connection and turns it into one event per commit; `publish` is therefore a no-op
 * (`publishesInTransaction`). A lost listening connection is reopened; the listeners then get one
 * `resync` (changes may have been missed while deaf) and every live view is pushed once.
 */
export class PostgresChangeFeed implements ChangeFeed {
  /** See {@link ChangeFeed.publishesInTransaction}: the database's triggers send every change. */
  readonly publishesInTransaction = true;
  private readonly local: InProcessChangeFeed;
  /** Parts of payloads larger than one NOTIFY, by payload id. */
  private readonly parts = new Map<string, string[]>();
  private client: pg.Client | null = null;
  private closed = false;
  private connecting: Promise<void> | null = null;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Reconnections after a lost listening connection (tests). */
  reconnections = 0;

  constructor(private readonly options: PostgresChangeFeedOptions) {
    this.local = new InProcessChangeFeed((e) => options.logger.error({ err: e }, 'change feed listener failed'));
    this.retryMs = options.retryMs ?? 200;
  }

  /** Connects and starts listening (a failure is retried in the background). */
  start(): Promise<void> {
    return (this.connecting ??= this.connect(false).finally(() => (this.connecting = null)));
  }

  /** Resolves once the listening connection is up (tests). */
  async listening(): Promise<void> {
    while (!this.client && !this.closed) await (this.connecting ?? new Promise((r) => setTimeout(r, 20)));
  }

  /** See {@link ChangeFeed.publish}: a no-op, the writing transaction sent the change. */
  publish(_change: Change): void {}

  /** See {@link ChangeFeed.subscribe}. */
  subscribe(listener: (event: FeedEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  /** See {@link ChangeFeed.close}. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
    await this.local.close();
  }

  private async connect(reconnect: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: LISTEN_APPLICATION_NAME,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000,
      keepAlive: true,
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => this.onNotification(n.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      this.options.logger.warn({ err: e }, 'live: could not listen for changes; retrying');
      await client.end().catch(() => {});
      // Subscriptions may exist already: after a late connection they get one push too.
      this.scheduleRetry(true);
      return;
    }
    if (this.closed) return void (await client.end().catch(() => {}));
    this.client = client;
    this.parts.clear();
    this.retryMs = this.options.retryMs ?? 200;
    if (reconnect) {
      this.reconnections++;
      this.options.logger.info('live: listening for changes again; pushing every live view once');
      this.local.emit({ kind: 'resync' });
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    if (this.closed) return;
    this.options.logger.warn('live: lost the connection that listens for changes; reconnecting');
    this.scheduleRetry(true);
  }

  private scheduleRetry(reconnect: boolean): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(reconnect);
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }

  private onNotification(payload: string | undefined): void {
    let message: (Change & { resync?: boolean }) | { part: string; i: number; n: number; d: string };
    try {
      message = JSON.parse(payload ?? '');
    } catch {
      this.options.logger.warn('live: unreadable change notification; pushing every live view once');
      return this.local.emit({ kind: 'resync' });
    }
    if ('part' in message) {
      const whole = this.collect(message);
      if (whole !== null) this.onNotification(whole);
      return;
    }
    if (message.resync) this.local.emit({ kind: 'resync' });
    else this.local.emit({ kind: 'change', change: message });
  }

  /** Adds one part of a large payload; the whole payload once every part arrived. */
  private collect(part: { part: string; i: number; n: number; d: string }): string | null {
    let parts = this.parts.get(part.part);
    if (!parts) {
      if (this.parts.size >= MAX_PENDING_PAYLOADS) this.parts.delete(this.parts.keys().next().value!);
      this.parts.set(part.part, (parts = new Array<string>(part.n)));
    }
    parts[part.i] = part.d;
    for (let i = 0; i < part.n; i++) if (parts[i] === undefined) return null;
    this.parts.delete(part.part);
    return parts.join('');
  }
}
