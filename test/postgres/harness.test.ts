import { startPostgres, type PostgresServer } from '../helpers/postgres';

describe('PostgreSQL test harness', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(() => pg?.stop());

  test('runs a throw-away server as an unprivileged user with password authentication, one database per suite', async () => {
    const a = await pg.createDatabase('a');
    const b = await pg.createDatabase('b');
    expect(a).not.toBe(b);
    const [who] = await pg.sql<{ user: string; superuser: string }>('postgres', `SELECT current_user AS user, current_setting('is_superuser') AS superuser`);
    expect(who!.user).toBe('helpdesk');
    const [owner] = await pg.sql<{ uid: string }>('postgres', `SELECT setting AS uid FROM pg_settings WHERE name = 'data_directory'`);
    expect(owner!.uid).toContain('helpdesk-pg-');
    // A wrong password is refused.
    const { Client } = await import('pg');
    const wrong = new Client({ connectionString: a.replace(encodeURIComponent(pg.password), 'wrong') });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  test('survives a crash and a restart on the same port', async () => {
    const db = await pg.createDatabase('crash');
    const name = db.split('/').pop()!;
    await pg.sql(name, `CREATE TABLE t (n int); INSERT INTO t VALUES (1)`);
    pg.crash();
    pg.start();
    expect(await pg.sql(name, `SELECT n FROM t`)).toEqual([{ n: 1 }]);
  }, 60_000);
});
