import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, ROOT } from '../hardening/harness';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

/** Kills of the PostgreSQL run (`KILL_HARNESS_KILLS` overrides; the issue asks for at least 100). */
const KILLS = Number(process.env.KILL_HARNESS_KILLS ?? 100);

/**
 * The kill harness on PostgreSQL (scripts/kill-harness.mjs --database): two replicas share one
 * database, mutations go to both, and each of the SIGKILLs hits one of the two at random while the
 * other keeps serving; unacknowledged mutations are retried by key on either replica.
 */
describe('durability of two replicas on PostgreSQL under SIGKILL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startPostgres();
  }, 300_000);
  afterAll(async () => server?.stop());

  test(`no acknowledged mutation is lost or duplicated across ${KILLS} kills of one of two replicas`, async () => {
    const database = await server.createDatabase('kills');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'scripts/kill-harness.mjs'), '--kills', String(KILLS), '--database', database, '--json'],
      { cwd: ROOT, timeout: KILLS * 6_000 + 60_000 },
    ).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`kill harness failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ ok: true, replicas: 2, kills: KILLS, lost: 0, duplicates: 0, failed: 0, wrongResults: 0 });
    expect(result.acknowledged).toBe(result.mutations);
    expect(result.acknowledged).toBeGreaterThan(KILLS);
    // Some mutations were cut off by a kill and acknowledged only on a retry with their key.
    expect(result.retriedAfterKill).toBeGreaterThan(0);
    // What the database holds was checked after every kill and at the end.
    expect(result.integrityChecks).toBe(KILLS + 1);
    expect(await server.sql(new URL(database).pathname.slice(1), `SELECT count(*)::int AS n FROM ticket WHERE title LIKE 'kill-%'`)).toEqual([{ n: result.mutations }]);
  }, KILLS * 6_000 + 120_000);
});
