/** An Idempotency-Key row as the store holds it. */
export interface IdempotencyKeyRow {
  readonly fingerprint: string;
  /** The process that claimed the key. */
  readonly owner: string;
  /** True while that process lives (the store decides how: same process, a lock held by its session, ...). */
  readonly ownerAlive: boolean;
  /** The first response, once stored. */
  readonly status: number | null;
  readonly body: string | null;
}

/** What {@link IdempotencyRecords.claim} found. */
export type ClaimResult = { readonly claimed: true } | { readonly claimed: false; readonly row: IdempotencyKeyRow };

/**
 * The Idempotency-Key records of the helpdesk store: keys, their first responses and the results
 * of recorded write steps. Only storage: the protocol (scopes, replay, fingerprints) is in
 * src/services/idempotency.ts. Every method is one transaction.
 */
export interface IdempotencyRecords {
  /** This process's owner id: keys it claims carry it; the store knows whether it is alive. */
  readonly owner: string;
  /**
   * Drops the key when it was created before `expiredBefore`, then inserts a claim by
   * {@link owner} if there is none; else returns the existing row.
   */
  claim(caller: string, key: string, fingerprint: string, now: number, expiredBefore: number): Promise<ClaimResult>;
  /**
   * Takes over a claim of `fromOwner` (a dead process, or this one after a failure) if it still
   * holds it: returns the recorded step results by sequence number, or null when another process
   * took it first.
   */
  takeOver(caller: string, key: string, fromOwner: string): Promise<ReadonlyMap<number, Uint8Array | null> | null>;
  /** Stores the first response of the key. */
  complete(caller: string, key: string, status: number, body: string): Promise<void>;
  /** Forgets the key and its steps (a request that wrote nothing). */
  release(caller: string, key: string): Promise<void>;
  /** Deletes keys (and their steps) created before `before`. */
  purge(before: number): Promise<void>;
}
