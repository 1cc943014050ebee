import type { ChangeFeed, FeedEvent } from '../domain/change-feed';
import { NotFoundError } from '../domain/errors';
import { idKey, type CustomerRecord } from '../domain/records';
import type { AppServices } from '../graphql/context';
import { ALL_TICKETS, scopeKey, type TicketScope } from '../domain/ticket-scope';
import { createLoaders, type Loaders } from '../graphql/loaders';
import { PartialErrors } from '../graphql/partial-errors';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import { affectedCustomers } from './affected-customers';
import type { LiveContext, LiveSubscriptions, PushFrame } from './live-context';
import { LiveWatch } from './live-watch';
import { MAX_TIMER_MS, nextClockTimes } from './ticket-clock';

/** What the hub needs. */
export interface LiveHubDeps {
  readonly app: AppServices;
  readonly feed: ChangeFeed;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** At most one push per subscription (and customer) per this many milliseconds. */
  readonly coalesceMs: number;
}

/**
 * The live subscriptions of one process. A change marks the watches of the customers it concerns
 * dirty; a watch is due `coalesceMs` after its last push (at once when idle longer). One timer
 * runs the next tick: every due watch is pushed with one shared frame (fresh loaders and clock),
 * so the statements of a tick do not grow with the subscribers of a customer. Clock-dependent
 * counts get a timer per watched customer at its next escalation or reminder time.
 */
export class LiveHub implements LiveSubscriptions {
  private readonly byKey = new Map<string, Set<LiveWatch>>();
  private readonly watches = new Set<LiveWatch>();
  private readonly pending = new Set<LiveWatch>();
  private readonly clocks = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private tickTimer: NodeJS.Timeout | null = null;
  private tickAt = Infinity;
  private ticking: Promise<void> | null = null;
  private readonly unsubscribe: () => void;
  private closed = false;
  private starting: PushFrame | null = null;
  /** Ticks run so far (tests and the benchmark divide statements by it). */
  ticks = 0;

  constructor(private readonly deps: LiveHubDeps) {
    this.unsubscribe = deps.feed.subscribe((event) => void this.onEvent(event));
  }

  /** A fresh frame: the clock of one tick and its loaders, one set per visibility. */
  frame(committedAt: number | null, now = new Date()): PushFrame {
    const { sources, tickets, config } = this.deps.app;
    const byScope = new Map<string, Loaders>();
    const loadersFor = (scope: TicketScope): Loaders => {
      const key = scopeKey(scope);
      let loaders = byScope.get(key);
      if (!loaders) byScope.set(key, (loaders = createLoaders({ sources, tickets, now, batching: config.batching, scope })));
      return loaders;
    };
    return { now, loadersFor, partialErrors: new PartialErrors(), committedAt, shared: new Map() };
  }

  /**
   * The frame of subscriptions starting now (only their existence checks use it): shared by the
   * subscriptions of one turn of the event loop, so a burst of subscribes holds one set of loaders.
   */
  subscribeFrame(): PushFrame {
    if (!this.starting) {
      this.starting = this.frame(null);
      setImmediate(() => (this.starting = null));
    }
    return this.starting;
  }

  /** Active watches (subscriptions). */
  get size(): number {
    return this.watches.size;
  }

  /**
   * Starts a watch of one customer (`customerChanged`: it must exist; a rename is followed) or of
   * several (`customersChanged`: ids that name no customer are kept, they may be created later).
   */
  async watch(ctx: LiveContext, customerIds: readonly string[], mode: 'one' | 'many'): Promise<LiveWatch> {
    if (this.closed) throw new Error('the live hub is closed');
    const keys = [...new Set(customerIds.map(idKey))];
    let existing: CustomerRecord[];
    if (mode === 'one') {
      const found = await ctx.loaders.customer.load(keys[0]!);
      if (found instanceof Error) throw found;
      if (!found) throw new NotFoundError(`Customer '${customerIds[0]}' does not exist`, 'customerId');
      existing = [found];
    } else {
      existing = (await ctx.loaders.customer.loadMany(keys)).filter((r): r is CustomerRecord => r !== null && !(r instanceof Error));
    }
    // What the subscription answers now, recorded before the watch starts: a change from here on
    // is pushed, and a push equal to what the client could read is not.
    await ctx.beforeWatch?.(existing);
    const watch = new LiveWatch(ctx, keys, (w) => this.remove(w), this.deps.metrics);
    const fresh: string[] = [];
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) {
        this.byKey.set(key, (set = new Set()));
        fresh.push(key);
      }
      set.add(watch);
    }
    this.watches.add(watch);
    this.deps.metrics.liveSubscriptions.inc();
    await this.refreshClocks(fresh).catch((e: unknown) => this.deps.logger.warn({ err: e }, 'live: could not read ticket times'));
    return watch;
  }

  /** Ends every watch (their iterators complete); no watch starts afterwards. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.tickTimer) clearTimeout(this.tickTimer);
    for (const { timer } of this.clocks.values()) clearTimeout(timer);
    this.clocks.clear();
    for (const w of [...this.watches]) w.finish();
  }

  /** Resolves when no tick is running (tests). */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  private remove(watch: LiveWatch): void {
    this.pending.delete(watch);
    if (!this.watches.delete(watch)) return;
    for (const key of watch.keys) {
      const set = this.byKey.get(key);
      if (!set?.delete(watch)) continue;
      if (set.size === 0) {
        this.byKey.delete(key);
        this.stopClock(key);
      }
    }
    this.deps.metrics.liveSubscriptions.dec();
  }

  private async onEvent(event: FeedEvent): Promise<void> {
    if (this.byKey.size === 0) return;
    if (event.kind === 'resync') {
      for (const key of this.byKey.keys()) this.markKey(key, null);
      return;
    }
    try {
      const { keys, renames } = await affectedCustomers(event.change, this.deps.app.sources);
      for (const [from, to] of renames) this.rename(from, to);
      for (const key of keys) this.markKey(key, event.change.committedAt);
    } catch (e) {
      // The customers of a ticket's customer user could not be read: push every watch once.
      this.deps.logger.warn({ err: e }, 'live: could not resolve the customers of a change');
      for (const key of this.byKey.keys()) this.markKey(key, event.change.committedAt);
    }
  }

  /** A renamed customer: its watches now follow the new key. */
  private rename(from: string, to: string): void {
    const set = this.byKey.get(from);
    if (!set) return;
    this.byKey.delete(from);
    this.stopClock(from);
    const target = this.byKey.get(to) ?? new Set<LiveWatch>();
    for (const w of set) {
      w.rekey(from, to);
      target.add(w);
    }
    this.byKey.set(to, target);
  }

  private markKey(key: string, committedAt: number | null): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const w of set) {
      w.markDirty(key, committedAt);
      this.pending.add(w);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.pending.size === 0) return;
    let due = Infinity;
    for (const w of this.pending) due = Math.min(due, w.lastPushAt + this.deps.coalesceMs);
    due = Math.max(due, Date.now());
    if (this.tickTimer && this.tickAt <= due) return;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickAt = due;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      this.tickAt = Infinity;
      void this.tick();
    }, due - Date.now());
  }

  /** Pushes every due watch with one shared frame. Ticks never overlap. */
  private async tick(): Promise<void> {
    while (this.ticking) await this.ticking;
    if (this.closed) return;
    const run = this.runTick();
    this.ticking = run;
    try {
      await run;
    } finally {
      this.ticking = null;
      this.schedule();
    }
  }

  private async runTick(): Promise<void> {
    const now = Date.now();
    const due = [...this.pending].filter((w) => w.lastPushAt + this.deps.coalesceMs <= now);
    if (due.length === 0) return;
    this.ticks++;
    this.deps.metrics.liveTicks.inc();
    const batches = due.map((w) => {
      this.pending.delete(w);
      w.lastPushAt = now;
      return { w, dirty: w.takeDirty() };
    });
    const keys = [...new Set(batches.flatMap((b) => [...b.dirty.keys()]))];
    const frame = this.frame(null, new Date(now));
    try {
      // Customers are not restricted: one load for every visibility.
      const records = await frame.loadersFor(ALL_TICKETS).customer.loadMany(keys);
      const byKey = new Map<string, CustomerRecord>();
      keys.forEach((k, i) => {
        const r = records[i];
        if (r && !(r instanceof Error)) byKey.set(k, r);
        else if (r instanceof Error) throw r;
      });
      for (const { w, dirty } of batches) {
        for (const [key, committedAt] of dirty) {
          const record = byKey.get(key);
          if (record) w.push(record, { ...frame, partialErrors: new PartialErrors(), committedAt });
        }
      }
      await this.refreshClocks(keys);
    } catch (e) {
      // A source failed: these watches stay dirty and are tried again a window later.
      this.deps.logger.warn({ err: e }, 'live: could not load the customers of a push');
      for (const { w, dirty } of batches) {
        for (const [key, committedAt] of dirty) w.markDirty(key, committedAt);
        w.lastPushAt = now + Math.max(1000 - this.deps.coalesceMs, 0);
        this.pending.add(w);
      }
    }
  }

  /** Sets each key's timer at its next escalation or reminder time (one statement for all keys). */
  private async refreshClocks(keys: readonly string[]): Promise<void> {
    const watched = keys.filter((k) => this.byKey.has(k));
    if (watched.length === 0) return;
    const now = Date.now();
    const times = await nextClockTimes(this.deps.app.tickets, watched, now);
    watched.forEach((key, i) => {
      const at = times[i] ?? null;
      const current = this.clocks.get(key);
      if (current && current.at === at) return;
      this.stopClock(key);
      if (at === null || this.closed || !this.byKey.has(key)) return;
      // A count changes once `now` passes the time: fire just after it; a far time is looked up again then.
      const delay = Math.min(at - now + 1, MAX_TIMER_MS);
      const timer = setTimeout(() => {
        this.clocks.delete(key);
        if (Date.now() >= at) this.markKey(key, at);
        else void this.refreshClocks([key]);
      }, delay);
      timer.unref();
      this.clocks.set(key, { at, timer });
    });
  }

  private stopClock(key: string): void {
    const clock = this.clocks.get(key);
    if (clock) clearTimeout(clock.timer);
    this.clocks.delete(key);
  }
}
