import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../adapters/sqlite/sqlite-store';
import { seedDemo } from '../../src/seed/demo';
import { generateDataset } from '../../src/seed/generate';

const one = <T>(db: Database.Database, sql: string) => db.prepare(sql).get() as T;

describe('demo dataset', () => {
  const store = openSqliteStore({ path: ':memory:', label: 'demo', maxPageSize: 100 });
  const db = store.db;
  const now = new Date('2026-11-25T12:00:00Z');
  beforeAll(async () => {
    expect(await seedDemo(store.seedWriter, now)).toBe(true);
  });
  afterAll(() => db.close());

  test('has the documented size: 25 customers (3 not valid), 150 users, 3,000 tickets', () => {
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM customer').n).toBe(25);
    expect(one<{ n: number }>(db.handle, "SELECT count(*) AS n FROM customer WHERE valid <> 'VALID'").n).toBe(3);
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM customer_user').n).toBe(150);
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM ticket').n).toBe(3000);
  });

  test('some users have several customers; tickets cover every state type, escalations and reminders on both sides of now', () => {
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM (SELECT user_id FROM customer_user_customer GROUP BY user_id HAVING count(*) > 1)').n).toBeGreaterThan(5);
    const types = (db.handle.prepare('SELECT DISTINCT state_type AS t FROM ticket').all() as { t: string }[]).map((r) => r.t).sort();
    expect(types).toEqual(['CLOSED', 'MERGED', 'NEW', 'OPEN', 'PENDING_AUTO', 'PENDING_REMINDER', 'REMOVED']);
    const t = now.getTime();
    expect(one<{ n: number }>(db.handle, `SELECT count(*) AS n FROM ticket WHERE is_open = 1 AND escalation_at <= ${t}`).n).toBeGreaterThan(20);
    expect(one<{ n: number }>(db.handle, `SELECT count(*) AS n FROM ticket WHERE is_open = 1 AND escalation_at > ${t}`).n).toBeGreaterThan(20);
    expect(one<{ n: number }>(db.handle, `SELECT count(*) AS n FROM ticket WHERE state_type = 'PENDING_REMINDER' AND pending_until <= ${t}`).n).toBeGreaterThan(5);
    expect(one<{ n: number }>(db.handle, `SELECT count(*) AS n FROM ticket WHERE state_type = 'PENDING_REMINDER' AND pending_until > ${t}`).n).toBeGreaterThan(5);
    expect(one<{ n: number }>(db.handle, `SELECT count(*) AS n FROM ticket WHERE state_type IN ('PENDING_REMINDER', 'PENDING_AUTO') AND pending_until IS NULL`).n).toBe(0);
  });

  test('seeds only an empty database', async () => {
    expect(await seedDemo(store.seedWriter, now)).toBe(false);
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM customer').n).toBe(25);
  });
});

describe('generated datasets', () => {
  const make = async (seed: number) => {
    const store = openSqliteStore({ path: ':memory:', label: 'gen', maxPageSize: 100 });
    const summary = await generateDataset(store.seedWriter, { customers: 200, users: 1000, tickets: 20000, seed, now: new Date('2026-01-01T00:00:00Z') });
    return { db: store.db, summary };
  };

  test('are deterministic for a seed and skewed: a few customers hold most tickets', async () => {
    const a = await make(7);
    const b = await make(7);
    const dump = (db: SqliteStore['db']) => JSON.stringify(db.handle.prepare('SELECT number, title, state, customer_id, customer_user_login, created_at FROM ticket ORDER BY id').all());
    expect(dump(a.db)).toBe(dump(b.db));
    const c = await make(8);
    expect(dump(c.db)).not.toBe(dump(a.db));
    const perCustomer = (a.db.handle.prepare('SELECT count(*) AS n FROM ticket GROUP BY customer_key ORDER BY n DESC').all() as { n: number }[]).map((r) => r.n);
    const top10 = perCustomer.slice(0, 10).reduce((s, n) => s + n, 0);
    expect(top10 / 20000).toBeGreaterThan(0.4);
    expect(a.summary.heaviestCustomerIds[0]).toBeDefined();
    for (const x of [a, b, c]) x.db.close();
  });

  test('keeps every derived column consistent (keys, open flag, user-customer links)', async () => {
    const { db } = await make(9);
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM customer WHERE customer_key <> lower(customer_id) OR name_key <> lower(name)').n).toBe(0);
    expect(one<{ n: number }>(db.handle, "SELECT count(*) AS n FROM ticket WHERE is_open <> (state_type IN ('NEW', 'OPEN', 'PENDING_REMINDER'))").n).toBe(0);
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM customer_user u WHERE NOT EXISTS (SELECT 1 FROM customer_user_customer x WHERE x.user_id = u.id AND x.position = 0 AND x.customer_key = u.customer_key)').n).toBe(0);
    expect(one<{ n: number }>(db.handle, 'SELECT count(*) AS n FROM ticket t WHERE customer_user_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id WHERE u.login_key = t.customer_user_key AND x.customer_key = t.customer_key)').n).toBe(0);
    expect(db.handle.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  test('npm run seed writes a new SQLite file of the requested size, and refuses to overwrite', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'seed-')), 'big.db');
    const root = join(__dirname, '../..');
    execFileSync('npm', ['run', '--silent', 'seed', '--', '--customers', '30', '--users', '100', '--tickets', '500', '--out', out], { cwd: root, stdio: 'pipe' });
    expect(existsSync(out)).toBe(true);
    const db = new Database(out, { readonly: true });
    expect(one<{ n: number }>(db, 'SELECT count(*) AS n FROM ticket').n).toBe(500);
    expect(one<{ n: number }>(db, 'SELECT count(*) AS n FROM customer').n).toBe(30);
    db.close();
    expect(() => execFileSync('npm', ['run', '--silent', 'seed', '--', '--out', out], { cwd: root, stdio: 'pipe' })).toThrow();
  });
});
