import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadFixture } from '../helpers/fixture-tickets';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Faults of the PostgreSQL helpdesk database: a statement over the timeout, an exhausted pool, and
// the server crashing (pg_ctl stop -m immediate) and coming back during a stream of writes.

const CREATE = 'mutation CreateTicket($input: CreateTicketInput!) { createTicket(input: $input) { number title } }';
const READ_CUSTOMER = '{ customer(customerId: "ACME") { name } }';
const READ_TICKET = '{ ticket(number: "none") { number } }';

/** Holds an ACCESS EXCLUSIVE lock on a table from another session until released. */
async function lockTable(url: string, table: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

const codes = (r: { errors?: { extensions?: Record<string, any> }[] }) => (r.errors ?? []).map((e) => e.extensions?.code);

describe('PostgreSQL faults', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => server?.stop());

  describe('timeouts and the pool', () => {
    let t: TestApp;
    beforeAll(async () => {
      const database = await server.createDatabase('faults');
      t = await startTestApp({
        database,
        config: { databasePool: { size: 1, statementTimeoutMs: 1000, connectTimeoutMs: 200 } },
        prepare: (app) => loadFixture(app),
      });
    }, 60_000);
    afterAll(() => t?.close());

    test('a statement over the timeout is cancelled: a retryable DATA_SOURCE_UNAVAILABLE, and the retry succeeds', async () => {
      const lock = await lockTable(t.app.config.database, 'customer');
      let blocked;
      try {
        blocked = await t.http(READ_CUSTOMER);
      } finally {
        await lock.release();
      }
      expect(codes(blocked)).toEqual(['DATA_SOURCE_UNAVAILABLE']);
      expect(blocked.errors![0]!.message).toMatch(/try again/);
      expect(JSON.stringify(blocked)).not.toMatch(/canceling|statement timeout|SELECT|FROM/i);
      const retry = await t.http(READ_CUSTOMER);
      expect(retry.errors).toBeUndefined();
      expect(retry.data.customer.name).toBe('Acme Corporation');
    });

    test('an exhausted pool: a request that gets no connection in time fails with DATA_SOURCE_UNAVAILABLE instead of waiting', async () => {
      // The only connection of the pool waits for the lock (until its statement timeout, 1 s);
      // meanwhile the next request cannot get a connection within its 200 ms.
      const lock = await lockTable(t.app.config.database, 'customer');
      let waiting;
      let starved;
      try {
        const first = t.http(READ_CUSTOMER);
        await new Promise((r) => setTimeout(r, 30));
        starved = await t.http(READ_TICKET);
        waiting = await first;
      } finally {
        await lock.release();
      }
      expect(codes(starved)).toEqual(['DATA_SOURCE_UNAVAILABLE']);
      expect(codes(waiting)).toEqual(['DATA_SOURCE_UNAVAILABLE']);
      // Neither is stuck: both connections are usable again.
      const [a, b] = await Promise.all([t.http(READ_CUSTOMER), t.http(READ_TICKET)]);
      expect(a.errors).toBeUndefined();
      expect(b.errors).toBeUndefined();
      expect(b.data.ticket).toBeNull();
    });
  });

  describe('a crash and restart of PostgreSQL during a stream of writes', () => {
    test('every acknowledged write is present once, the service recovers without a restart, retries by key write once', async () => {
      const database = await server.createDatabase('crash');
      const t = await startTestApp({
        database,
        config: { databasePool: { size: 4, statementTimeoutMs: 2000, connectTimeoutMs: 500 } },
        prepare: (app) => loadFixture(app),
      });
      try {
        const acked = new Map<string, string>();
        const sent = new Set<string>();
        let failures = 0;
        let unavailable = 0;
        let running = true;
        let readyDown = 0;
        /** One client: a new mutation with a new key, retried with the same key until acknowledged. */
        const client = async () => {
          while (running) {
            const key = randomUUID();
            const title = `crash-${key}`;
            sent.add(title);
            for (;;) {
              const r = await t.http(CREATE, { input: { title, customerId: 'ACME' } }, { headers: { 'idempotency-key': key } }).catch(() => null);
              if (r && !r.errors) {
                if (acked.has(title) && acked.get(title) !== r.data.createTicket.number) throw new Error(`${title} answered twice differently`);
                acked.set(title, r.data.createTicket.number);
                break;
              }
              failures++;
              if (r && codes(r).every((c) => c === 'DATA_SOURCE_UNAVAILABLE')) unavailable++;
              else if (r) throw new Error(`unexpected answer: ${JSON.stringify(r.errors)}`);
              await new Promise((res) => setTimeout(res, 50));
            }
          }
        };
        const clients = Array.from({ length: 4 }, client);
        const until = async (n: number) => {
          while (acked.size < n) await new Promise((r) => setTimeout(r, 20));
        };
        await until(40);
        server.crash();
        const ackedAtCrash = acked.size;
        // While it is down: /readyz names the database, writes fail retryably.
        for (let i = 0; i < 5; i++) {
          const ready = await fetch(`${t.url}/readyz`);
          if (ready.status === 503) readyDown++;
          await new Promise((r) => setTimeout(r, 100));
        }
        server.start();
        await until(ackedAtCrash + 60);
        running = false;
        await Promise.all(clients);

        expect(readyDown).toBeGreaterThan(0);
        expect(unavailable).toBeGreaterThan(0);
        expect(unavailable).toBe(failures);
        expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
        const rows = await server.sql<{ title: string; number: string }>(new URL(database).pathname.slice(1), `SELECT title, number FROM ticket WHERE title LIKE 'crash-%'`);
        const byTitle = new Map<string, string[]>();
        for (const r of rows) byTitle.set(r.title, [...(byTitle.get(r.title) ?? []), r.number]);
        const lost = [...acked].filter(([title, number]) => byTitle.get(title)?.length !== 1 || byTitle.get(title)![0] !== number);
        const duplicated = [...byTitle.values()].filter((numbers) => numbers.length > 1);
        expect({ lost: lost.length, duplicated: duplicated.length }).toEqual({ lost: 0, duplicated: 0 });
        // Every mutation sent was acknowledged in the end (each client retried until it was).
        expect(acked.size).toBe(sent.size);
        expect(rows).toHaveLength(sent.size);
      } finally {
        await t.close();
      }
    }, 120_000);
  });
});
