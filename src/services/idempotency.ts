import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { SqliteDatabase, TransactionObserver } from '../../adapters/sqlite/sqlite-database';

/** One request running under an Idempotency-Key. */
export interface IdempotencyScope {
  readonly caller: string;
  readonly key: string;
  /** Results of write transactions an earlier (crashed) attempt committed, by sequence number. */
  readonly recorded: ReadonlyMap<number, Buffer | null>;
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

interface KeyRow {
  fingerprint: string;
  owner: string;
  created_at: number;
  status: number | null;
  body: string | null;
}

/** SHA-256 of what makes two requests "the same" for a key: document, operation and variables. */
export function requestFingerprint(body: { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([body.query ?? null, body.operationName ?? null, body.variables ?? null, body.extensions ?? null]))
    .digest('hex');
}

/**
 * Idempotency keys of mutations, stored in the helpdesk database. A key is claimed (committed)
 * before the request runs; each write transaction of the request records its result in the same
 * transaction (through {@link TransactionObserver}); the response is stored before it is sent.
 * A retry with the same key replays the stored response; after a crash between a write and its
 * response, the retry runs again but gets the recorded transaction results instead of writing.
 * A key is bound only once something was written: a request that wrote nothing releases it.
 */
export class IdempotencyStore implements TransactionObserver {
  private readonly current = new AsyncLocalStorage<IdempotencyScope>();
  /** This process: a claim of another owner is from a process that died. */
  private readonly owner = randomUUID();
  private readonly inFlight = new Set<string>();
  private begun = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    db.observer = this;
    this.purge();
  }

  /** Claims a key for a request with this fingerprint, or says why it must not run. */
  begin(caller: string, key: string, fingerprint: string): IdempotencyDecision {
    if (++this.begun % 1000 === 0) this.purge();
    const id = JSON.stringify([caller, key]);
    return this.db.transaction(() => {
      let row = this.db.get<KeyRow>(`SELECT fingerprint, owner, created_at, status, body FROM idempotency_key WHERE caller = ? AND key = ?`, caller, key);
      if (row && row.created_at < this.clock() - this.ttlMs) {
        this.forget(caller, key);
        row = undefined;
      }
      if (!row) {
        this.db.exec(`INSERT INTO idempotency_key (caller, key, fingerprint, owner, created_at) VALUES (?, ?, ?, ?, ?)`, caller, key, fingerprint, this.owner, this.clock());
        this.inFlight.add(id);
        return { kind: 'run', scope: { caller, key, recorded: new Map(), next: 0, wrote: false } } as const;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'conflict' } as const;
      if (row.status !== null && row.body !== null) return { kind: 'replay', status: row.status, body: row.body } as const;
      if (this.inFlight.has(id)) return { kind: 'in-progress' } as const;
      // Claimed by a process that died (or a request that failed to store its response): take over.
      this.db.exec(`UPDATE idempotency_key SET owner = ? WHERE caller = ? AND key = ?`, this.owner, caller, key);
      const steps = this.db.all<{ seq: number; result: Buffer | null }>(`SELECT seq, result FROM idempotency_step WHERE caller = ? AND key = ?`, caller, key);
      this.inFlight.add(id);
      return { kind: 'run', scope: { caller, key, recorded: new Map(steps.map((s) => [s.seq, s.result])), next: 0, wrote: false } } as const;
    });
  }

  /** Runs the request with its scope visible to the write transactions it makes. */
  run<T>(scope: IdempotencyScope, fn: () => Promise<T>): Promise<T> {
    return this.current.run(scope, fn);
  }

  /**
   * Ends a request: stores its response when it wrote something (a retry then gets it), else
   * releases the key so that a retry runs afresh (e.g. after DATA_SOURCE_UNAVAILABLE).
   */
  finish(scope: IdempotencyScope, status: number, body: string): void {
    const id = JSON.stringify([scope.caller, scope.key]);
    try {
      if (scope.wrote) {
        this.db.exec(`UPDATE idempotency_key SET status = ?, body = ? WHERE caller = ? AND key = ?`, status, body, scope.caller, scope.key);
      } else {
        this.db.transaction(() => this.forget(scope.caller, scope.key));
      }
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Releases an in-flight claim after a failure that produced no response. */
  abandon(scope: IdempotencyScope): void {
    this.inFlight.delete(JSON.stringify([scope.caller, scope.key]));
  }

  /** @internal {@link TransactionObserver}: the recorded result of this write, on a retry. */
  replay(db: SqliteDatabase): { readonly value: unknown } | undefined {
    const scope = db === this.db ? this.current.getStore() : undefined;
    if (!scope || !scope.recorded.has(scope.next)) return undefined;
    const recorded = scope.recorded.get(scope.next++)!;
    scope.wrote = true;
    if (recorded === null) throw new Error('the recorded result of this write cannot be replayed');
    return { value: deserialize(recorded) };
  }

  /** @internal {@link TransactionObserver}: records the write's result in its own transaction. */
  committing(db: SqliteDatabase, value: unknown): void {
    const scope = db === this.db ? this.current.getStore() : undefined;
    if (!scope) return;
    let result: Buffer | null = null;
    try {
      result = serialize(value);
    } catch {
      result = null;
    }
    this.db.exec(`INSERT OR REPLACE INTO idempotency_step (caller, key, seq, result) VALUES (?, ?, ?, ?)`, scope.caller, scope.key, scope.next, result);
    scope.next++;
    scope.wrote = true;
  }

  private forget(caller: string, key: string): void {
    this.db.exec(`DELETE FROM idempotency_step WHERE caller = ? AND key = ?`, caller, key);
    this.db.exec(`DELETE FROM idempotency_key WHERE caller = ? AND key = ?`, caller, key);
  }

  /** Deletes keys older than the TTL. */
  purge(): void {
    const before = this.clock() - this.ttlMs;
    this.db.transaction(() => {
      this.db.exec(
        `DELETE FROM idempotency_step WHERE (caller, key) IN (SELECT caller, key FROM idempotency_key WHERE created_at < ?)`,
        before,
      );
      this.db.exec(`DELETE FROM idempotency_key WHERE created_at < ?`, before);
    });
  }
}
