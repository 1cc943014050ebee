import { randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ClaimResult, IdempotencyRecords } from '../../src/domain/idempotency-records';
import type { PostgresConnection } from './postgres-connection';

/** Advisory lock class of process liveness locks (objid: the process's number). */
const LIVENESS_CLASS = 0x4844_5350; // 'HDSP'

/**
 * Idempotency-Key records in a helpdesk PostgreSQL database, shared by every replica. A process
 * proves it is alive by holding a session advisory lock `(LIVENESS_CLASS, n)` on a connection of
 * its own: when the process dies its connection closes and the lock goes with it, so another
 * replica sees in `pg_locks` that the claim's owner is dead and takes it over. The owner id is
 * `n:uuid`. If the liveness session breaks (database restart), it is re-established before the
 * next claim.
 */
export class PostgresIdempotencyRecords implements IdempotencyRecords {
  private readonly number = randomInt(1, 2 ** 31 - 1);
  readonly owner = `${this.number}:${randomUUID()}`;
  private session: Promise<pg.Client> | null = null;
  private closed = false;

  constructor(private readonly db: PostgresConnection) {}

  /** The connection holding this process's liveness lock: its own, not one of the pool's request connections. */
  private alive(): Promise<pg.Client> {
    this.session ??= (async () => {
      const client = await this.db.connectClient();
      try {
        await client.query('SELECT pg_advisory_lock($1, $2)', [LIVENESS_CLASS, this.number]);
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      const lost = () => {
        if (this.session === current) this.session = null;
        void client.end().catch(() => {});
      };
      client.on('error', lost);
      client.on('end', lost);
      return client;
    })().catch((e: unknown) => {
      this.session = null;
      throw this.db.translate(e);
    });
    const current = this.session;
    return this.session;
  }

  async claim(caller: string, key: string, fingerprint: string, now: number, expiredBefore: number): Promise<ClaimResult> {
    if (this.closed) throw new Error('closed');
    await this.alive();
    return this.db.transaction(async (tx) => {
      await tx.query(
        `WITH gone AS (DELETE FROM idempotency_key WHERE caller = $1 AND key = $2 AND created_at < $3 RETURNING caller, key)
         DELETE FROM idempotency_step s USING gone WHERE s.caller = gone.caller AND s.key = gone.key`,
        [caller, key, expiredBefore],
      );
      const inserted = await tx.query(
        `INSERT INTO idempotency_key (caller, key, fingerprint, owner, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (caller, key) DO NOTHING RETURNING 1`,
        [caller, key, fingerprint, this.owner, now],
      );
      if (inserted.length > 0) return { claimed: true } as const;
      const [row] = await tx.query<{ fingerprint: string; owner: string; status: number | null; body: string | null; alive: boolean }>(
        `SELECT fingerprint, owner, status, body, EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
           AND l.classid = $3::bigint::oid AND l.objid = split_part(owner, ':', 1)::bigint::oid AND l.objsubid = 2) AS alive
         FROM idempotency_key WHERE caller = $1 AND key = $2`,
        [caller, key, LIVENESS_CLASS],
      );
      if (!row) return { claimed: false, row: { fingerprint: '', owner: '', ownerAlive: true, status: null, body: null } } as const;
      return {
        claimed: false,
        row: { fingerprint: row.fingerprint, owner: row.owner, ownerAlive: row.alive || row.owner === this.owner, status: row.status, body: row.body },
      } as const;
    });
  }

  async takeOver(caller: string, key: string, fromOwner: string): Promise<ReadonlyMap<number, Uint8Array | null> | null> {
    return this.db.transaction(async (tx) => {
      const taken = await tx.query(`UPDATE idempotency_key SET owner = $3 WHERE caller = $1 AND key = $2 AND owner = $4 RETURNING 1`, [
        caller, key, this.owner, fromOwner,
      ]);
      if (taken.length === 0) return null;
      const steps = await tx.query<{ seq: number; result: Buffer | null }>(`SELECT seq, result FROM idempotency_step WHERE caller = $1 AND key = $2`, [caller, key]);
      return new Map(steps.map((s) => [s.seq, s.result]));
    });
  }

  async complete(caller: string, key: string, status: number, body: string): Promise<void> {
    await this.db.query(`UPDATE idempotency_key SET status = $3, body = $4 WHERE caller = $1 AND key = $2`, [caller, key, status, body]);
  }

  async release(caller: string, key: string): Promise<void> {
    await this.db.query(
      `WITH gone AS (DELETE FROM idempotency_key WHERE caller = $1 AND key = $2 RETURNING caller, key)
       DELETE FROM idempotency_step s USING gone WHERE s.caller = gone.caller AND s.key = gone.key`,
      [caller, key],
    );
  }

  async purge(before: number): Promise<void> {
    await this.db.query(
      `WITH gone AS (DELETE FROM idempotency_key WHERE created_at < $1 RETURNING caller, key)
       DELETE FROM idempotency_step s USING gone WHERE s.caller = gone.caller AND s.key = gone.key`,
      [before],
    );
  }

  /** Releases the liveness session. */
  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = null;
    if (session) await session.then((c) => c.end(), () => {}).catch(() => {});
  }
}
