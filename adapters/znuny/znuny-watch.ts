import type { Change } from '../../src/domain/change-feed';
import type { ChangeWatch } from '../../src/domain/change-watch';
import type { Logger } from '../../src/log/logger';
import type { ZnunyConnection } from './znuny-connection';
import type { ZnunyDataSource } from './znuny-data-source';

/** Seconds read again before the high-water mark: a write that committed late with an earlier `change_time` is still seen. */
const OVERLAP_SECONDS = 5;

interface TicketChangeRow {
  id: number | string;
  tn: string;
  customer_id: string | null;
  customer_user_id: string | null;
  change_time: string;
}

/** Options of {@link ZnunyWatch}. */
export interface ZnunyWatchOptions {
  readonly source: ZnunyDataSource;
  readonly db: ZnunyConnection;
  /** Watch the tickets too (the service reads its tickets from this database). */
  readonly tickets: boolean;
  readonly pollSeconds: number;
  readonly logger: Pick<Logger, 'warn'>;
}

/**
 * Reads what Znuny itself changed, every `pollSeconds`: customers and customer users through the
 * source's list indexes (rows whose `change_time` moved), tickets by their `change_time`. Each
 * change is handed on once (rows read again in the overlap are remembered by id and time). The
 * cost is one to three statements per poll, whatever the number of subscribers.
 */
export class ZnunyWatch implements ChangeWatch {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Latest ticket `change_time` read, and the tickets already handed on at or after the overlap start. */
  private ticketMark: string | null = null;
  private seen = new Map<string, string>();

  constructor(private readonly options: ZnunyWatchOptions) {}

  start(publish: (change: Change) => void): void {
    this.options.source.onChanges((c) => publish({ customers: c.customers, customerUsers: c.customerUsers, committedAt: Date.now() }));
    const loop = () => {
      if (this.stopped) return;
      this.running = this.poll(publish)
        .catch((e: unknown) => this.options.logger.warn({ reason: e instanceof Error ? e.message : String(e) }, 'could not read the changes of the Znuny database'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.options.pollSeconds * 1000);
        });
    };
    loop();
  }

  /** One poll: customer and customer user changes, then ticket changes. */
  async poll(publish: (change: Change) => void): Promise<void> {
    await this.options.source.refreshIndexes();
    if (this.options.tickets) await this.pollTickets(publish);
  }

  private async pollTickets(publish: (change: Change) => void): Promise<void> {
    const { db } = this.options;
    if (this.ticketMark === null) {
      const [row] = await db.query<{ mark: string | null }>(`SELECT MAX(change_time) AS mark FROM ticket`);
      this.ticketMark = row?.mark ?? '1970-01-01 00:00:00';
      return;
    }
    const from = shiftSeconds(this.ticketMark, -OVERLAP_SECONDS);
    const rows = await db.query<TicketChangeRow>(
      `SELECT t.id, t.tn, t.customer_id, t.customer_user_id, t.change_time FROM ticket t WHERE t.change_time >= ?`,
      [from],
    );
    const fresh = rows.filter((r) => this.seen.get(String(r.id)) !== r.change_time);
    for (const r of rows) {
      this.seen.set(String(r.id), r.change_time);
      if (r.change_time > this.ticketMark) this.ticketMark = r.change_time;
    }
    const keepFrom = shiftSeconds(this.ticketMark, -OVERLAP_SECONDS);
    for (const [id, time] of this.seen) if (time < keepFrom) this.seen.delete(id);
    if (fresh.length === 0) return;
    publish({
      tickets: fresh.map((r) => ({ number: r.tn, before: null, after: { customerId: r.customer_id || null, customerUserLogin: r.customer_user_id || null } })),
      committedAt: Date.now(),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.options.source.onChanges(null);
    await this.running;
  }
}

/** A DATETIME text moved by whole seconds (the text is a wall-clock time; only its order matters here). */
function shiftSeconds(text: string, seconds: number): string {
  const ms = Date.parse(text.replace(' ', 'T') + 'Z');
  if (Number.isNaN(ms)) return text;
  return new Date(ms + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
