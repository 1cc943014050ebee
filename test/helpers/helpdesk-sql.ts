import type pg from 'pg';
import Database from 'better-sqlite3';
import type { App } from '../../src/composition/app';

/** One small pool per remote database of this test file, ended after the file. */
const pools = new Map<string, Promise<pg.Pool>>();
if (typeof afterAll === 'function') afterAll(async () => void (await Promise.all([...pools.values()].map(async (p) => (await p).end()))));

function pool(url: string): Promise<pg.Pool> {
  let p = pools.get(url);
  if (!p) {
    p = import('pg').then(({ default: pg }) => {
      // int8 and numeric (counts, sums, epoch milliseconds) as numbers, as SQLite gives them.
      const types = { getTypeParser: (oid: number, format?: 'text') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) };
      const created = new pg.Pool({ connectionString: url, max: 2, types: types as never });
      created.on('error', () => {});
      return created;
    });
    pools.set(url, p);
  }
  return p;
}

/** Direct SQL on the helpdesk database of a test app, for assertions and fault injection. */
export interface HelpdeskSql {
  /** Rows of a statement (integers as JS numbers, booleans as the engine gives them); portable SQL, or SQL chosen by capability. */
  rows<R = Record<string, unknown>>(sql: string): Promise<R[]>;
  /** Runs statements without results. */
  exec(sql: string): Promise<void>;
}

/** One connection per SQLite file of this test file, closed after the file. */
const files = new Map<string, Database.Database>();
if (typeof afterAll === 'function') afterAll(() => [...files.values()].forEach((db) => db.close()));

/**
 * The helpdesk database of `app` reached directly, through a connection of its own: to the
 * configured file of a store in this process, to the configured URL of a remote one. Chosen by
 * `store.capabilities.remote`, never by engine name; statements cost nothing on the app's
 * operations counter.
 */
export function helpdeskSql(app: App): HelpdeskSql {
  if (!app.store.capabilities.remote) {
    let handle = files.get(app.config.database);
    if (!handle) files.set(app.config.database, (handle = new Database(app.config.database, { timeout: 5000 })));
    return {
      rows: async <R>(sql: string) => handle.prepare(sql).all() as R[],
      exec: async (sql: string) => void handle.exec(sql),
    };
  }
  const run = async (sql: string) => (await pool(app.config.database)).query(sql);
  return {
    rows: async <R>(sql: string) => {
      const result = await run(sql);
      return (Array.isArray(result) ? result.at(-1)!.rows : result.rows) as R[];
    },
    exec: async (sql: string) => void (await run(sql)),
  };
}

/** `SELECT count(*) AS n ...` as a number, on either engine. */
export async function countRows(app: App, sql: string): Promise<number> {
  const [row] = await helpdeskSql(app).rows<{ n: number | string }>(sql);
  return Number(row!.n);
}
