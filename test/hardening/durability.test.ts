import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, ROOT } from './harness';

/**
 * The kill harness (scripts/kill-harness.mjs, `npm run kill-harness` runs 100 kills) with fewer
 * kills: SIGKILL at random points of a stream of createTicket mutations, integrity_check after each
 * restart, every acknowledged mutation present exactly once, unacknowledged ones retried by key.
 */
describe('durability under SIGKILL', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  test('no acknowledged mutation is lost or duplicated across 20 kills', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/kill-harness.mjs'), '--kills', '20', '--json'], {
      cwd: ROOT,
      timeout: 150_000,
    }).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`kill harness failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ ok: true, kills: 20, lost: 0, duplicates: 0, integrityFailures: 0, failed: 0, wrongResults: 0 });
    expect(result.integrityChecks).toBe(21);
    expect(result.acknowledged).toBe(result.mutations);
    expect(result.acknowledged).toBeGreaterThan(20);
    // Some mutations were cut off by a kill and acknowledged only on retry with their key.
    expect(result.retriedAfterKill).toBeGreaterThan(0);
  }, 200_000);
});
