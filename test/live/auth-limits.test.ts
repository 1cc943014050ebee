import WebSocket from 'ws';
import { TOKENS } from '../helpers/test-app';
import { closeCodeOf, createCustomer, createTicket, LIVE_CUSTOMER_DETAIL, record, startLiveApp, waitUntil, wsClient, type LiveTestApp } from './live-helpers';

async function metricValue(app: LiveTestApp, line: RegExp): Promise<number> {
  const text = await app.t.app.metrics.registry.metrics();
  const m = new RegExp(line.source + ' (\\d+)$', 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('live: authentication, limits, slow consumers', () => {
  let app: LiveTestApp;

  beforeAll(async () => {
    app = await startLiveApp({
      live: { coalesceMs: 0, maxSubscriptionsPerConnection: 2, maxConnections: 4, maxBufferedBytes: 65_536 },
      limits: { maxDepth: 6 },
    });
    await createCustomer(app, 'ACME');
  });
  afterAll(() => app.close());

  test('no token, an unknown token or a malformed header: closed with 4401', async () => {
    expect(await closeCodeOf(app.wsUrl, undefined)).toBe(4401);
    expect(await closeCodeOf(app.wsUrl, { authorization: 'Bearer not-a-token' })).toBe(4401);
    expect(await closeCodeOf(app.wsUrl, { authorization: TOKENS.agent })).toBe(4401);
    await waitUntil(async () => (await metricValue(app, /helpdesk_live_disconnections_total\{reason="unauthorized"\}/)) === 3, 'three unauthorized disconnections');
  });

  test('both roles may subscribe', async () => {
    for (const token of [TOKENS.reader, TOKENS.agent]) {
      const client = wsClient(app.wsUrl, token);
      const rec = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'ACME' });
      await waitUntil(() => app.live.hub.size === 1, 'the subscription');
      expect(rec.errors).toEqual([]);
      await client.dispose();
      await waitUntil(() => app.live.hub.size === 0, 'the end of the subscription');
    }
  });

  test('document limits, unknown customers, queries over the socket and subscriptions over HTTP are refused', async () => {
    const client = wsClient(app.wsUrl);
    const errorOf = async (query: string, variables: Record<string, unknown> = {}) => {
      const rec = record(client, query, variables);
      await waitUntil(() => rec.errors.length > 0 || rec.completed, 'an answer');
      // Refused before it starts: an `error` message; failing in its resolver: one `next` with errors, then `complete`.
      return rec.errors[0]?.[0] ?? rec.pushes[0]?.errors?.[0];
    };
    const deep = `subscription { customerChanged(customerId: "ACME") { customerUsers { nodes { customers { nodes { customerUsers { nodes { login } } } } } } } }`;
    expect(await errorOf(deep)).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, message: expect.stringContaining('deeper than 6') });
    const costly = `subscription { customerChanged(customerId: "ACME") { customerUsers(first: 100) { nodes { tickets(first: 100) { nodes { number title } } } } } }`;
    expect(await errorOf(costly)).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, message: expect.stringContaining('costs more') });
    expect(await errorOf('subscription { customerChanged(customerId: "NOPE") { name } }')).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await errorOf('{ customers { totalCount } }')).toMatchObject({ message: expect.stringContaining('Only subscriptions') });
    expect(await errorOf('subscription { customerChanged(customerId: "ACME") { nope } }')).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    await client.dispose();
    const overHttp = await app.http('subscription { customerChanged(customerId: "ACME") { name } }');
    expect(overHttp.data ?? null).toBeNull();
    expect(overHttp.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('over WebSocket') });
    expect(app.live.hub.size).toBe(0);
  });

  test('live.maxSubscriptionsPerConnection: the subscription beyond is refused, the others keep running', async () => {
    const client = wsClient(app.wsUrl);
    const a = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'ACME' });
    const b = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'ACME' });
    await waitUntil(() => app.live.hub.size === 2, 'two subscriptions');
    const c = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'ACME' });
    await waitUntil(() => c.errors.length > 0, 'the refusal');
    expect(c.errors[0][0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: 'At most 2 subscriptions per connection' });
    await createTicket(app, { customerId: 'ACME' });
    await waitUntil(() => a.pushes.length === 1 && b.pushes.length === 1, 'pushes to the two');
    await client.dispose();
    await waitUntil(() => app.live.hub.size === 0, 'the end of the subscriptions');
  });

  test('live.maxConnections: the upgrade beyond the cap is answered 503', async () => {
    await waitUntil(() => app.live.connections() === 0, 'earlier sockets to close');
    const open = await Promise.all(
      Array.from({ length: 4 }, () => new Promise<WebSocket>((resolve, reject) => {
        const s = new WebSocket(app.wsUrl, 'graphql-transport-ws');
        s.once('open', () => resolve(s));
        s.once('error', reject);
      })),
    );
    const status = await new Promise<number>((resolve) => {
      const s = new WebSocket(app.wsUrl, 'graphql-transport-ws');
      s.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      s.once('error', () => undefined);
    });
    expect(status).toBe(503);
    expect(app.live.connections()).toBe(4);
    await Promise.all(open.map((s) => new Promise((r) => (s.once('close', r), s.close()))));
    await waitUntil(() => app.live.connections() === 0, 'the sockets to close');
  });

  test('keep-alive: the server pings; a client that does not answer is closed (ping_timeout)', async () => {
    const quick = await startLiveApp({ live: { keepAliveMs: 100 } });
    try {
      const open = (autoPong: boolean) =>
        new Promise<{ socket: WebSocket; pings: () => number }>((resolve, reject) => {
          const socket = new WebSocket(quick.wsUrl, 'graphql-transport-ws', { autoPong });
          let pings = 0;
          socket.on('ping', () => pings++);
          socket.once('open', () => {
            socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TOKENS.agent}` } }));
            resolve({ socket, pings: () => pings });
          });
          socket.once('error', reject);
        });
      const silent = await open(false);
      const answering = await open(true);
      await new Promise<void>((r) => silent.socket.once('close', () => r()));
      expect(silent.pings()).toBeGreaterThanOrEqual(1);
      await waitUntil(async () => (await metricValue(quick, /helpdesk_live_disconnections_total\{reason="ping_timeout"\}/)) === 1, 'the ping_timeout count');
      await waitUntil(() => answering.pings() >= 3, 'more pings to the answering client');
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
      answering.socket.close();
    } finally {
      await quick.close();
    }
  });

  test('a client that does not read its socket is disconnected once its buffer passes live.maxBufferedBytes; a reading one is not', async () => {
    await createCustomer(app, 'BIGCO');
    const longTitle = 'x'.repeat(200);
    const numbers: string[] = [];
    for (let i = 0; i < 60; i++) numbers.push(await createTicket(app, { customerId: 'BIGCO', state: 'open', title: `${longTitle} ${i}` }));
    const heavy = `subscription($id: ID!) { customerChanged(customerId: $id) { customerId openTickets(first: 60) { nodes { number title state priority queue createdAt changedAt } } } }`;

    const reader = wsClient(app.wsUrl);
    const good = record(reader, heavy, { id: 'BIGCO' });
    const slow = new WebSocket(app.wsUrl, 'graphql-transport-ws');
    const slowClosed = new Promise<void>((r) => slow.once('close', () => r()));
    await new Promise((r) => slow.once('open', r));
    slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TOKENS.agent}` } }));
    await new Promise((r) => slow.once('message', r));
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: heavy, variables: { id: 'BIGCO' } } }));
    await waitUntil(() => app.live.hub.size === 2, 'both subscriptions');
    slow.pause(); // stops reading: the kernel buffers fill, then the server's

    const before = await metricValue(app, /helpdesk_live_disconnections_total\{reason="slow_consumer"\}/);
    let writes = 0;
    while (app.live.connections() === 2 && writes < 5000) {
      await app.t.app.ticketService.update(numbers[writes % numbers.length]!, { priority: writes % 2 ? '2 low' : '4 high' }, new Date());
      writes++;
      await app.live.hub.idle();
      await new Promise((r) => setImmediate(r));
    }
    slow.resume(); // the client hears the disconnection only once it reads again
    await slowClosed;
    expect(await metricValue(app, /helpdesk_live_disconnections_total\{reason="slow_consumer"\}/)).toBe(before + 1);
    expect(app.live.connections()).toBe(1);
    // The reading client kept its subscription and sees the final state.
    const last = writes - 1;
    await waitUntil(() => good.pushes.at(-1)?.data.customerChanged.openTickets.nodes.find((n: any) => n.number === numbers[last % numbers.length])?.priority === (last % 2 ? '2 low' : '4 high'), 'the final state on the reading client');
    expect(good.errors).toEqual([]);
    await reader.dispose();
  }, 120_000);
});
