import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Change, ChangeFeed, FeedEvent } from '../../src/domain/change-feed';
import type { Logger } from '../../src/log/logger';
import { InProcessChangeFeed } from '../../src/live/in-process-change-feed';

/** The channel every replica listens on. */
export const CHANGE_CHANNEL = 'helpdesk_changes';
/** The application name of the listening connection (visible in pg_stat_activity). */
export const LISTEN_APPLICATION_NAME = 'helpdesk-live-listen';
/** NOTIFY payloads must stay below 8000 bytes; a larger change is announced as "resync". */
const MAX_PAYLOAD = 7900;

/** Options of {@link PostgresChangeFeed}. */
export interface PostgresChangeFeedOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly connectTimeoutMs?: number;
  /** Delay before reconnecting after the listening connection was lost (doubles up to 5 s). */
  readonly retryMs?: number;
}

/**
 * The change feed of replicas sharing one PostgreSQL database: a change is delivered to this
 * process's listeners at once and sent with `NOTIFY` right after the writing transaction
 * committed (the write services publish after commit), so every other replica hears it on its
 * `LISTEN` connection. A lost listening connection is reopened; the listeners then get one
 * `resync` (changes may have been missed while deaf) and every live view is pushed once.
 */
export class PostgresChangeFeed implements ChangeFeed {
  private readonly local: InProcessChangeFeed;
  private readonly origin = randomUUID();
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

  /** See {@link ChangeFeed.publish}. */
  publish(change: Change): void {
    this.local.publish(change);
    let payload = JSON.stringify({ o: this.origin, c: change });
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ o: this.origin, resync: true });
    const client = this.client;
    if (!client) return this.options.logger.warn('live: change not sent to other replicas (no database connection)');
    client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]).catch((e: unknown) => this.options.logger.warn({ err: e }, 'live: NOTIFY failed'));
  }

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
    let message: { o?: string; c?: Change; resync?: boolean };
    try {
      message = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    if (message.o === this.origin) return; // delivered locally when published
    if (message.resync || !message.c) this.local.emit({ kind: 'resync' });
    else this.local.emit({ kind: 'change', change: message.c });
  }
}
