/**
 * One step an Idempotency-Key request recorded: the result of one write transaction, written in
 * that transaction so that it commits or rolls back with the write.
 */
export interface JournalEntry {
  readonly caller: string;
  readonly key: string;
  /** Position of the write among the request's write transactions. */
  readonly seq: number;
  /** The serialized result, or null when it cannot be serialized (it then cannot be replayed). */
  readonly result: Uint8Array | null;
}

/**
 * Sees each outermost write transaction of the helpdesk store (Idempotency-Key support). The
 * protocol lives in src/services/idempotency.ts; a store only calls these three hooks.
 */
export interface WriteJournal {
  /** Before the transaction: `{ value }` recorded by an earlier attempt, to return instead of writing. */
  replay(): { readonly value: unknown } | undefined;
  /** Inside the transaction, after its body returned `value`: the step row to write with it, if any. */
  entry(value: unknown): JournalEntry | undefined;
  /** After COMMIT of a transaction whose `entry` was written. */
  committed(entry: JournalEntry): void;
}
