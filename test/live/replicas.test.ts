import { LISTEN_APPLICATION_NAME, PostgresChangeFeed } from '../../adapters/postgres/postgres-change-feed';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { createCustomer, createTicket, LIVE_CUSTOMER_DETAIL, record, startLiveApp, waitUntil, wsClient, type LiveTestApp } from './live-helpers';

describe('live across two replicas on one PostgreSQL database (LISTEN/NOTIFY)', () => {
  let pg: PostgresServer;
  let database: string;
  let a: LiveTestApp;
  let b: LiveTestApp;
  const feedOf = (x: LiveTestApp) => x.t.app.changeFeed as PostgresChangeFeed;

  beforeAll(async () => {
    pg = await startPostgres();
    database = await pg.createDatabase('live');
    [a, b] = await Promise.all([startLiveApp({ live: { coalesceMs: 50 } }, undefined, database), startLiveApp({ live: { coalesceMs: 50 } }, undefined, database)]);
    expect(feedOf(a)).toBeInstanceOf(PostgresChangeFeed);
    await Promise.all([feedOf(a).listening(), feedOf(b).listening()]);
    await createCustomer(a, 'REPLICATED');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.stop();
  });

  test('a subscriber on one replica is pushed a write made on the other', async () => {
    const client = wsClient(b.wsUrl);
    const rec = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'REPLICATED' });
    await waitUntil(() => b.live.hub.size === 1, 'the subscription on B');
    const number = await createTicket(a, { customerId: 'REPLICATED', state: 'open', title: 'Written on A' });
    await waitUntil(() => rec.pushes.length === 1, 'the push on B');
    expect(rec.pushes[0].data.customerChanged.ticketCounts.open).toBe(1);
    expect(rec.pushes[0].data.customerChanged.openTickets.nodes).toEqual([{ number, title: 'Written on A', state: 'open' }]);
    await client.dispose();
    await waitUntil(() => b.live.hub.size === 0, 'the end of the subscription');
  });

  test('a lost listening connection resubscribes, and every subscriber then gets one push with the current state', async () => {
    const client = wsClient(b.wsUrl);
    const rec = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'REPLICATED' });
    await waitUntil(() => b.live.hub.size === 1, 'the subscription on B');
    const before = feedOf(b).reconnections;
    // Cut the listening connections of both replicas from the server side.
    const dbName = new URL(database).pathname.slice(1);
    const killed = await pg.sql<{ ok: boolean }>(
      dbName,
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = $2`,
      [LISTEN_APPLICATION_NAME, dbName],
    );
    expect(killed).toHaveLength(2);
    // A write on A while B may be deaf: B's resync push carries it anyway.
    await createTicket(a, { customerId: 'REPLICATED', state: 'open', title: 'While deaf' });
    await waitUntil(() => feedOf(b).reconnections === before + 1, 'B to listen again');
    await waitUntil(() => rec.pushes.at(-1)?.data.customerChanged.ticketCounts.open === 2, 'the push with the current state');
    await b.live.hub.idle();
    expect(rec.pushes.length).toBeGreaterThanOrEqual(1);
    expect(rec.pushes.length).toBeLessThanOrEqual(2);
    // After reconnecting, writes on A reach B again.
    await createTicket(a, { customerId: 'REPLICATED', state: 'closed successful' });
    await waitUntil(() => rec.pushes.at(-1)?.data.customerChanged.ticketCounts.closed === 1, 'a push after the reconnection');
    await client.dispose();
  }, 60_000);
});
