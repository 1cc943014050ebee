import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt, ROOT } from '../hardening/harness';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

// `npm run seed -- ... --out postgres://...`: the same deterministic dataset as a SQLite file, into
// an empty PostgreSQL database only, without the password in its output.

const run = promisify(execFile);
// One instant for both seeds: the dataset's times (and the dates in its ticket numbers) are relative to it.
const SIZE = ['--customers', '30', '--users', '120', '--tickets', '2000', '--seed', '11', '--now', new Date().toISOString()];

async function seed(out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [join(ROOT, 'dist/src/seed/seed-cli.js'), ...SIZE, '--out', out], { cwd: ROOT, timeout: 120_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const TICKETS = `SELECT number, title, state, state_type, customer_id, customer_user_login, priority, queue FROM ticket ORDER BY id`;
const CUSTOMERS = `SELECT customer_id, name, valid, city, country FROM customer ORDER BY customer_key`;
const LINKS = `SELECT u.login, x.customer_id, x.position FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id ORDER BY u.login, x.position`;

describe('npm run seed into PostgreSQL', () => {
  let server: PostgresServer;
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    server = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-seed-pg-'));
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('writes the same rows as into a SQLite file, once, and never prints the password', async () => {
    const url = await server.createDatabase('seed');
    const db = new URL(url).pathname.slice(1);
    const first = await seed(url);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ customers: 30, users: 120, tickets: 2000 });
    expect(summary.out).toContain(':***@');
    expect(first.stdout + first.stderr).not.toContain(server.password);

    const file = join(dir, 'same.db');
    expect((await seed(file)).code).toBe(0);
    const sqlite = new Database(file, { readonly: true });
    try {
      for (const sql of [CUSTOMERS, LINKS, TICKETS]) {
        const pgRows = await server.sql(db, sql);
        expect(pgRows.length).toBeGreaterThan(0);
        expect(pgRows).toEqual(sqlite.prepare(sql).all());
      }
    } finally {
      sqlite.close();
    }
    // Trigger-kept counts and the ticket sequence are brought up to date by the seed.
    const [counts] = await server.sql<{ n: number }>(db, `SELECT sum(n)::int AS n FROM ticket_count WHERE owner = 'c'`);
    const [withCustomer] = await server.sql<{ n: number }>(db, `SELECT count(*)::int AS n FROM ticket WHERE customer_key IS NOT NULL`);
    expect(counts).toEqual(withCustomer);
    const [next] = await server.sql<{ id: string }>(db, `SELECT nextval('ticket_id_seq')::text AS id`);
    expect(Number(next!.id)).toBeGreaterThan(2000);

    // A second seed into the now non-empty database is refused and changes nothing.
    const again = await seed(url);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds customers/);
    expect(again.stdout + again.stderr).not.toContain(server.password);
    expect(await server.sql(db, `SELECT count(*)::int AS n FROM ticket`)).toEqual([{ n: 2000 }]);
  }, 180_000);

  test('a --now that is not an ISO-8601 instant is refused before anything is written', async () => {
    const file = join(dir, 'bad-now.db');
    const bad = await run(process.execPath, [join(ROOT, 'dist/src/seed/seed-cli.js'), '--customers', '1', '--users', '1', '--tickets', '1', '--now', 'yesterday', '--out', file], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--now must be an ISO-8601 instant with its offset, e.g. 2026-01-31T12:00:00Z, got 'yesterday'");
    expect(existsSync(file)).toBe(false);
  });
});
