import { randomUUID } from 'node:crypto';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { startTestApp, type TestApp } from '../helpers/test-app';

const CREATE_CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId name } }`;
const CUSTOMER = `query($id: ID!) { customer(customerId: $id) { customerId name } }`;

describe('two replicas on one PostgreSQL database', () => {
  let pg: PostgresServer;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    pg = await startPostgres();
    const database = await pg.createDatabase('replicas');
    // Started together: the migrations run once (advisory lock), both serve.
    [a, b] = await Promise.all([startTestApp({ database }), startTestApp({ database })]);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.stop();
  });

  test('the store says it is shared by replicas', () => {
    expect(a.app.store.capabilities.sharedByReplicas).toBe(true);
  });

  test('a write acknowledged by one is read by the next request on the other', async () => {
    const created = await a.http(CREATE_CUSTOMER, { input: { dataSource: 'local', country: 'DE', customerId: 'REPL-1', name: 'Replicated GmbH' } });
    expect(created.errors).toBeUndefined();
    const read = await b.http(CUSTOMER, { id: 'repl-1' });
    expect(read.data.customer).toEqual({ customerId: 'REPL-1', name: 'Replicated GmbH' });
  });

  test('an Idempotency-Key retried on the other replica replays the first response', async () => {
    const key = randomUUID();
    const input = { input: { dataSource: 'local', country: 'DE', customerId: 'IDEM-1', name: 'Idempotent AG' } };
    const first = await a.http(CREATE_CUSTOMER, input, { headers: { 'idempotency-key': key } });
    expect(first.errors).toBeUndefined();
    const retry = await b.http(CREATE_CUSTOMER, input, { headers: { 'idempotency-key': key } });
    expect(retry.headers?.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
  });

  test('concurrent creates of one customer id on both replicas: one success, the rest CONFLICT', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).http(CREATE_CUSTOMER, { input: { dataSource: 'local', country: 'DE', customerId: 'RACE-1', name: `Race ${i}` } })),
    );
    const ok = results.filter((r) => r.data?.createCustomer);
    expect(ok).toHaveLength(1);
    for (const r of results) if (!r.data?.createCustomer) expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  test('the same Idempotency-Key sent to both replicas at once writes once', async () => {
    const key = randomUUID();
    const input = { input: { dataSource: 'local', country: 'DE', customerId: 'ONCE-1', name: 'Once KG' } };
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).http(CREATE_CUSTOMER, input, { headers: { 'idempotency-key': key } })));
    const written = results.filter((r) => r.data?.createCustomer);
    expect(written.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (!r.data?.createCustomer) expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const [row] = await pg.sql<{ n: number }>(new URL(a.app.config.database).pathname.slice(1), `SELECT count(*)::int AS n FROM customer WHERE customer_key = 'once-1'`);
    expect(row!.n).toBe(1);
  });
});

describe('PostgreSQL unreachable at start', () => {
  test('the service starts, /readyz is 503 naming the database, requests get DATA_SOURCE_UNAVAILABLE, and it recovers by itself', async () => {
    const pg = await startPostgres();
    const database = await pg.createDatabase('late');
    pg.crash();
    const t = await startTestApp({ database, config: { databasePool: { size: 4, statementTimeoutMs: 2000, connectTimeoutMs: 1000 } } });
    try {
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as any;
      expect(body.sources).toEqual([expect.objectContaining({ id: 'local', available: false })]);
      expect(JSON.stringify(body)).not.toContain(pg.password);
      const down = await t.http(CUSTOMER, { id: 'x' });
      expect(down.errors?.[0]?.extensions?.code).toBe('DATA_SOURCE_UNAVAILABLE');
      expect(JSON.stringify(down)).not.toContain(pg.password);
      pg.start();
      const created = await t.http(CREATE_CUSTOMER, { input: { dataSource: 'local', country: 'DE', customerId: 'BACK-1', name: 'Back Again' } });
      expect(created.errors).toBeUndefined();
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    } finally {
      await t.close();
      await pg.stop();
    }
  }, 120_000);
});
