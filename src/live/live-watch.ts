import type { CustomerRecord } from '../domain/records';
import { idKey } from '../domain/records';
import type { Metrics } from '../metrics/metrics';
import type { LiveContext, PushFrame } from './live-context';

/**
 * One subscription's watch: the customer keys it follows, what changed since its last push, and
 * the async iterator graphql-js reads the pushes from. Pushes not yet read are kept one per
 * customer (a newer one replaces it), so a slow reader never queues more than it watches.
 */
export class LiveWatch implements AsyncIterableIterator<CustomerRecord> {
  /** Epoch ms of the last push (the coalescing window starts there). */
  lastPushAt = -Infinity;
  private readonly keySet: Set<string>;
  private dirty = new Map<string, number | null>();
  private readonly queue: { key: string; record: CustomerRecord; frame: PushFrame }[] = [];
  private waiting: ((result: IteratorResult<CustomerRecord>) => void) | null = null;
  private done = false;

  constructor(
    private readonly ctx: LiveContext,
    keys: readonly string[],
    private readonly onEnd: (watch: LiveWatch) => void,
    private readonly metrics: Metrics,
  ) {
    this.keySet = new Set(keys);
  }

  /** The customer keys followed. */
  get keys(): ReadonlySet<string> {
    return this.keySet;
  }

  /** Something of this customer changed (committed at that time; null: clock or resync). */
  markDirty(key: string, committedAt: number | null): void {
    if (this.done) return;
    const seen = this.dirty.get(key);
    // The latency of a coalesced push counts from the earliest write it carries.
    this.dirty.set(key, seen === undefined ? committedAt : seen === null ? committedAt : committedAt === null ? seen : Math.min(seen, committedAt));
  }

  /** What changed since the last push; cleared. */
  takeDirty(): Map<string, number | null> {
    const d = this.dirty;
    this.dirty = new Map();
    return d;
  }

  /** The customer was renamed: follow the new key. */
  rekey(from: string, to: string): void {
    this.keySet.delete(from);
    this.keySet.add(to);
    const d = this.dirty.get(from);
    if (d !== undefined) {
      this.dirty.delete(from);
      this.markDirty(to, d);
    }
  }

  /** Hands a push to the reader, or queues it (replacing an unread push of the same customer). */
  push(record: CustomerRecord, frame: PushFrame): void {
    if (this.done) return;
    const key = idKey(record.customerId);
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.deliver(frame);
      resolve({ value: record, done: false });
      return;
    }
    const i = this.queue.findIndex((q) => q.key === key);
    const item = { key, record, frame: i >= 0 && this.queue[i]!.frame.committedAt !== null ? { ...frame, committedAt: earliest(this.queue[i]!.frame.committedAt, frame.committedAt) } : frame };
    if (i >= 0) this.queue.splice(i, 1);
    this.queue.push(item);
  }

  /** Completes the iterator (server shutdown). */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.onEnd(this);
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  /** See AsyncIterator. */
  next(): Promise<IteratorResult<CustomerRecord>> {
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    const item = this.queue.shift();
    if (item) {
      this.deliver(item.frame);
      return Promise.resolve({ value: item.record, done: false });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client completed the subscription or went away. */
  return(): Promise<IteratorResult<CustomerRecord>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** See AsyncIterator. */
  throw(e: unknown): Promise<IteratorResult<CustomerRecord>> {
    this.finish();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next push is resolved with this frame. */
  private deliver(frame: PushFrame): void {
    this.ctx.frame = frame;
    this.metrics.livePushes.inc();
  }
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
