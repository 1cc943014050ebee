import { randomUUID } from 'node:crypto';
import type { ClaimResult, IdempotencyRecords } from '../../src/domain/idempotency-records';
import type { SqliteConnection } from './sqlite-connection';

interface KeyRow {
  fingerprint: string;
  owner: string;
  created_at: number;
  status: number | null;
  body: string | null;
}

/**
 * Idempotency-Key records in a helpdesk SQLite file. A SQLite file serves one process: a claim of
 * another owner is from a process that died.
 */
export class SqliteIdempotencyRecords implements IdempotencyRecords {
  readonly owner = randomUUID();

  constructor(private readonly db: SqliteConnection) {}

  async claim(caller: string, key: string, fingerprint: string, now: number, expiredBefore: number): Promise<ClaimResult> {
    return this.db.transaction(() => {
      let row = this.db.get<KeyRow>(`SELECT fingerprint, owner, created_at, status, body FROM idempotency_key WHERE caller = ? AND key = ?`, caller, key);
      if (row && row.created_at < expiredBefore) {
        this.forget(caller, key);
        row = undefined;
      }
      if (!row) {
        this.db.exec(`INSERT INTO idempotency_key (caller, key, fingerprint, owner, created_at) VALUES (?, ?, ?, ?, ?)`, caller, key, fingerprint, this.owner, now);
        return { claimed: true } as const;
      }
      return {
        claimed: false,
        row: { fingerprint: row.fingerprint, owner: row.owner, ownerAlive: row.owner === this.owner, status: row.status, body: row.body },
      } as const;
    });
  }

  async takeOver(caller: string, key: string, fromOwner: string): Promise<ReadonlyMap<number, Uint8Array | null> | null> {
    return this.db.transaction(() => {
      const taken = this.db.exec(`UPDATE idempotency_key SET owner = ? WHERE caller = ? AND key = ? AND owner = ?`, this.owner, caller, key, fromOwner);
      if (taken.changes === 0) return null;
      const steps = this.db.all<{ seq: number; result: Buffer | null }>(`SELECT seq, result FROM idempotency_step WHERE caller = ? AND key = ?`, caller, key);
      return new Map(steps.map((s) => [s.seq, s.result]));
    });
  }

  async complete(caller: string, key: string, status: number, body: string): Promise<void> {
    this.db.exec(`UPDATE idempotency_key SET status = ?, body = ? WHERE caller = ? AND key = ?`, status, body, caller, key);
  }

  async release(caller: string, key: string): Promise<void> {
    this.db.transaction(() => this.forget(caller, key));
  }

  async purge(before: number): Promise<void> {
    this.db.transaction(() => {
      this.db.exec(
        `DELETE FROM idempotency_step WHERE (caller, key) IN (SELECT caller, key FROM idempotency_key WHERE created_at < ?)`,
        before,
      );
      this.db.exec(`DELETE FROM idempotency_key WHERE created_at < ?`, before);
    });
  }

  private forget(caller: string, key: string): void {
    this.db.exec(`DELETE FROM idempotency_step WHERE caller = ? AND key = ?`, caller, key);
    this.db.exec(`DELETE FROM idempotency_key WHERE caller = ? AND key = ?`, caller, key);
  }
}
