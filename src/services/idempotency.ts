import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { IdempotencyRecords } from '../domain/idempotency-records';
import type { JournalEntry, WriteJournal } from '../domain/write-journal';

/** One request running under an Idempotency-Key. */
export interface IdempotencyScope {
  readonly caller: string;
  readonly key: string;
  /** Results of write transactions an earlier (crashed) attempt committed, by sequence number. */
  readonly recorded: ReadonlyMap<number, Uint8Array | null>;
  /** Sequence number of the next write transaction. */
  next: number;
  /** True once a write of this request committed (or was replayed). */
  wrote: boolean;
}

/** What to do with a request that carries an Idempotency-Key. */
export type IdempotencyDecision =
  | { readonly kind: 'run'; readonly scope: IdempotencyScope }
  | { readonly kind: 'replay'; readonly status: number; readonly body: string }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'in-progress' };

/** SHA-256 of what makes two requests "the same" for a key: document, operation and variables. */
export function requestFingerprint(body: { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([body.query ?? null, body.operationName ?? null, body.variables ?? null, body.extensions ?? null]))
    .digest('hex');
}

/**
 * Idempotency keys of mutations, kept by the helpdesk store's {@link IdempotencyRecords}. A key is
 * claimed (committed) before the request runs; each write transaction of the request records its
 * result in the same transaction (this class is the store's {@link WriteJournal}); the response
 * is stored before it is sent. A retry with the same key replays the stored response; after a
 * crash between a write and its response, the retry runs again but gets the recorded transaction
 * results instead of writing. A claim held by a live process (this one or another replica)
 * answers in-progress; a claim of a dead process is taken over. A key is bound only once
 * something was written: a request that wrote nothing releases it.
 */
export class IdempotencyStore implements WriteJournal {
  private readonly current = new AsyncLocalStorage<IdempotencyScope>();
  private readonly inFlight = new Set<string>();
  private begun = 0;

  constructor(
    private readonly records: IdempotencyRecords,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Claims a key for a request with this fingerprint, or says why it must not run. */
  async begin(caller: string, key: string, fingerprint: string): Promise<IdempotencyDecision> {
    if (++this.begun % 1000 === 0) await this.purge();
    const id = JSON.stringify([caller, key]);
    const now = this.clock();
    const claim = await this.records.claim(caller, key, fingerprint, now, now - this.ttlMs);
    if (claim.claimed) {
      this.inFlight.add(id);
      return { kind: 'run', scope: { caller, key, recorded: new Map(), next: 0, wrote: false } };
    }
    const row = claim.row;
    if (row.fingerprint !== fingerprint) return { kind: 'conflict' };
    if (row.status !== null && row.body !== null) return { kind: 'replay', status: row.status, body: row.body };
    if (this.inFlight.has(id)) return { kind: 'in-progress' };
    if (row.ownerAlive && row.owner !== this.records.owner) return { kind: 'in-progress' };
    // Claimed by a process that died (or a request of this one that failed to store its response).
    this.inFlight.add(id);
    try {
      const recorded = await this.records.takeOver(caller, key, row.owner);
      if (recorded === null) {
        this.inFlight.delete(id);
        return { kind: 'in-progress' };
      }
      return { kind: 'run', scope: { caller, key, recorded, next: 0, wrote: false } };
    } catch (e) {
      this.inFlight.delete(id);
      throw e;
    }
  }

  /** Runs the request with its scope visible to the write transactions it makes. */
  run<T>(scope: IdempotencyScope, fn: () => Promise<T>): Promise<T> {
    return this.current.run(scope, fn);
  }

  /**
   * Ends a request: stores its response when it wrote something (a retry then gets it), else
   * releases the key so that a retry runs afresh (e.g. after DATA_SOURCE_UNAVAILABLE).
   */
  async finish(scope: IdempotencyScope, status: number, body: string): Promise<void> {
    try {
      if (scope.wrote) await this.records.complete(scope.caller, scope.key, status, body);
      else await this.records.release(scope.caller, scope.key);
    } finally {
      this.abandon(scope);
    }
  }

  /** Releases an in-flight claim after a failure that produced no response. */
  abandon(scope: IdempotencyScope): void {
    this.inFlight.delete(JSON.stringify([scope.caller, scope.key]));
  }

  /** @internal {@link WriteJournal}: the recorded result of this write, on a retry. */
  replay(): { readonly value: unknown } | undefined {
    const scope = this.current.getStore();
    if (!scope || !scope.recorded.has(scope.next)) return undefined;
    const recorded = scope.recorded.get(scope.next++)!;
    scope.wrote = true;
    if (recorded === null) throw new Error('the recorded result of this write cannot be replayed');
    return { value: deserialize(recorded) };
  }

  /** @internal {@link WriteJournal}: the step row recording this write's result. */
  entry(value: unknown): JournalEntry | undefined {
    const scope = this.current.getStore();
    if (!scope) return undefined;
    let result: Uint8Array | null = null;
    try {
      result = serialize(value);
    } catch {
      result = null;
    }
    return { caller: scope.caller, key: scope.key, seq: scope.next, result };
  }

  /** @internal {@link WriteJournal}: the step committed. */
  committed(entry: JournalEntry): void {
    const scope = this.current.getStore();
    if (!scope || scope.caller !== entry.caller || scope.key !== entry.key) return;
    scope.next = entry.seq + 1;
    scope.wrote = true;
  }

  /** Deletes keys older than the TTL. */
  purge(): Promise<void> {
    return this.records.purge(this.clock() - this.ttlMs);
  }
}
