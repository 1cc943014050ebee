import pg from 'pg';
import { CHANGE_CHANNEL, type PostgresChangeFeed } from '../../adapters/postgres/postgres-change-feed';
import type { FeedEvent } from '../../src/domain/change-feed';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { createCustomer, createTicket, LIVE_CUSTOMER_DETAIL, record, startLiveApp, waitUntil, wsClient, type LiveTestApp } from '../live/live-helpers';

/**
 * The change of a write is sent by the database's triggers inside the writing transaction: one
 * notification per commit carrying exactly the Change, none for a rollback, and each replica's
 * feed (the writer's own too) turns it into one event.
 */
describe('PostgreSQL: live changes sent with NOTIFY inside the writing transaction', () => {
  let server: PostgresServer;
  let database: string;
  let a: LiveTestApp;
  let b: LiveTestApp;
  let listener: pg.Client;
  let sql: pg.Client;
  const notes: any[] = [];
  const events: { a: FeedEvent[]; b: FeedEvent[] } = { a: [], b: [] };
  const feedOf = (x: LiveTestApp) => x.t.app.changeFeed as PostgresChangeFeed;

  /** Runs `write` between two fences; returns what was notified and heard in between. */
  async function observe(write: () => Promise<unknown>) {
    await fence();
    notes.length = 0;
    events.a.length = 0;
    events.b.length = 0;
    await write();
    await fence();
    const unfenced = (list: any[]) => list.filter((e) => (e.change ?? e).fence === undefined);
    return { notes: unfenced(notes), a: unfenced(events.a), b: unfenced(events.b) };
  }

  let fences = 0;
  /**
   * Waits until the listener and both feeds heard everything committed so far: a marker sent on the
   * change channel arrives after every earlier commit's notification (PostgreSQL delivers in commit order).
   */
  async function fence() {
    const marker = ++fences;
    await sql.query(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, JSON.stringify({ committedAt: 0, fence: marker })]);
    const heard = (list: any[]) => list.some((e) => (e.change ?? e).fence === marker);
    await waitUntil(() => heard(notes) && heard(events.a) && heard(events.b), 'the fence on the listener and both feeds');
  }

  beforeAll(async () => {
    server = await startPostgres();
    database = await server.createDatabase('livenotify');
    [a, b] = await Promise.all([startLiveApp({ live: { coalesceMs: 50 } }, undefined, database), startLiveApp({ live: { coalesceMs: 50 } }, undefined, database)]);
    await Promise.all([feedOf(a).listening(), feedOf(b).listening()]);
    expect(feedOf(a).publishesInTransaction).toBe(true);
    feedOf(a).subscribe((e) => events.a.push(e));
    feedOf(b).subscribe((e) => events.b.push(e));
    listener = new pg.Client({ connectionString: database });
    await listener.connect();
    listener.on('notification', (n) => notes.push(JSON.parse(n.payload!)));
    await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
    sql = new pg.Client({ connectionString: database });
    await sql.connect();
    for (const id of ['OLDCO', 'XCO', 'YCO', 'ZCO']) await createCustomer(a, id);
  }, 120_000);
  afterAll(async () => {
    await listener?.end();
    await sql?.end();
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  test('a created ticket: one notification with the Change, one event on each replica (the writer too)', async () => {
    let number = '';
    const seen = await observe(async () => (number = await createTicket(a, { customerId: 'XCO', state: 'open' })));
    expect(seen.notes).toHaveLength(1);
    expect(seen.notes[0]).toEqual({
      tickets: [{ number, before: null, after: { customerId: 'XCO', customerUserLogin: null } }],
      committedAt: expect.any(Number),
    });
    expect(seen.a).toEqual([{ kind: 'change', change: seen.notes[0] }]);
    expect(seen.b).toEqual([{ kind: 'change', change: seen.notes[0] }]);
  });

  test('a rename: the customer before and after, the tickets and users it moved along not repeated', async () => {
    await createTicket(a, { customerId: 'OLDCO', state: 'open' });
    const u = await a.http(`mutation { createCustomerUser(input: { dataSource: "local", login: "olduser", firstName: "O", lastName: "U", email: "o@example.com", customerId: "OLDCO" }) { login } }`);
    expect(u.errors).toBeUndefined();
    const seen = await observe(() => a.http(`mutation { updateCustomer(customerId: "OLDCO", input: { customerId: "NEWCO" }) { customerId } }`));
    expect(seen.notes).toEqual([{ customers: [{ before: 'OLDCO', after: 'NEWCO' }], committedAt: expect.any(Number) }]);
    expect(seen.a).toHaveLength(1);
    expect(seen.b).toHaveLength(1);
  });

  test('a customer user moved between customers: ids before and after (links deleted and inserted in one transaction), both customers pushed', async () => {
    const created = await a.http(`mutation { createCustomerUser(input: { dataSource: "local", login: "mover", firstName: "M", lastName: "V", email: "m@example.com", customerId: "XCO" }) { login } }`);
    expect(created.errors).toBeUndefined();
    const cx = wsClient(b.wsUrl);
    const cy = wsClient(b.wsUrl);
    const rx = record(cx, LIVE_CUSTOMER_DETAIL, { customerId: 'XCO' });
    const ry = record(cy, LIVE_CUSTOMER_DETAIL, { customerId: 'YCO' });
    await waitUntil(() => b.live.hub.size === 2, 'two subscriptions on B');
    const seen = await observe(() => a.http(`mutation { updateCustomerUser(login: "mover", input: { customerId: "YCO", additionalCustomerIds: ["ZCO"] }) { login } }`));
    expect(seen.notes).toEqual([
      { customerUsers: [{ login: 'mover', customerIdsBefore: ['XCO'], customerIdsAfter: ['YCO', 'ZCO'] }], committedAt: expect.any(Number) },
    ]);
    await waitUntil(() => rx.pushes.length === 1 && ry.pushes.length === 1, 'a push to both customers');
    expect(rx.pushes[0].data.customerChanged.customerUsers.nodes.map((n: any) => n.login)).not.toContain('mover');
    expect(ry.pushes[0].data.customerChanged.customerUsers.nodes.map((n: any) => n.login)).toContain('mover');
    await cx.dispose();
    await cy.dispose();
  });

  test('a ticket moved to another customer (by any writer): owners before and after, both customers pushed', async () => {
    const number = await createTicket(a, { customerId: 'XCO', state: 'open' });
    const cx = wsClient(b.wsUrl);
    const cy = wsClient(b.wsUrl);
    const rx = record(cx, LIVE_CUSTOMER_DETAIL, { customerId: 'XCO' });
    const ry = record(cy, LIVE_CUSTOMER_DETAIL, { customerId: 'YCO' });
    await waitUntil(() => b.live.hub.size === 2, 'two subscriptions on B');
    const openX = (await a.http(`{ customer(customerId: "XCO") { ticketCounts { open } } }`)).data.customer.ticketCounts.open;
    const seen = await observe(() => sql.query(`UPDATE ticket SET customer_id = 'YCO', customer_key = 'yco' WHERE number = $1`, [number]));
    expect(seen.notes).toEqual([
      {
        tickets: [{ number, before: { customerId: 'XCO', customerUserLogin: null }, after: { customerId: 'YCO', customerUserLogin: null } }],
        committedAt: expect.any(Number),
      },
    ]);
    await waitUntil(() => rx.pushes.length === 1 && ry.pushes.length === 1, 'a push to both customers');
    expect(rx.pushes[0].data.customerChanged.ticketCounts.open).toBe(openX - 1);
    await cx.dispose();
    await cy.dispose();
  });

  test('a rolled-back write sends nothing: a refused mutation (CONFLICT), a failure after the write, a savepoint rolled back', async () => {
    const taken = await observe(async () => {
      const r = await a.http(`mutation { updateCustomer(customerId: "XCO", input: { customerId: "YCO" }) { customerId } }`);
      expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      await sql.query('BEGIN');
      await sql.query(`UPDATE ticket SET title = 'never seen'`);
      await sql.query(`INSERT INTO customer (customer_id, customer_key, name, name_key, name_sort, valid, created_at, changed_at)
                       VALUES ('GHOST', 'ghost', 'Ghost', 'ghost', 'ghost', 'VALID', 0, 0)`);
      await expect(sql.query(`SELECT 1 / 0`)).rejects.toThrow(/division by zero/);
      await sql.query('ROLLBACK');
      // A committed transaction whose only write was rolled back to a savepoint.
      await sql.query('BEGIN');
      await sql.query('SAVEPOINT s');
      await sql.query(`UPDATE ticket SET title = 'never seen either'`);
      await sql.query('ROLLBACK TO SAVEPOINT s');
      await sql.query('COMMIT');
    });
    expect(taken.notes).toEqual([]);
    expect(taken.a).toEqual([]);
    expect(taken.b).toEqual([]);
    // The same listener hears a committed write: the silence above is not deafness.
    const heard = await observe(() => a.http(`mutation { updateCustomer(customerId: "XCO", input: { comment: "heard" }) { customerId } }`));
    expect(heard.notes).toEqual([{ customers: [{ before: 'XCO', after: 'XCO' }], committedAt: expect.any(Number) }]);
  });

  test('a change over 8000 bytes goes in parts and is heard as one event; a bulk write as one resync', async () => {
    const insert = (n: number) =>
      sql.query(
        `INSERT INTO ticket (number, title, state, state_type, is_open, priority, queue, customer_id, customer_key, created_at, changed_at)
         SELECT 'BULK-' || $1::text || '-' || i, 't', 'open', 'OPEN', true, '3 normal', 'Raw', 'ZCO', 'zco', 0, 0 FROM generate_series(1, $2::int) i`,
        [String(n), n],
      );
    const parted = await observe(() => insert(80));
    expect(parted.notes.length).toBeGreaterThan(1);
    expect(parted.notes.every((n) => typeof n.part === 'string')).toBe(true);
    expect(parted.a).toHaveLength(1);
    expect(parted.b).toHaveLength(1);
    const change = (parted.b[0] as any).change;
    expect(change.tickets).toHaveLength(80);
    expect(change.tickets[79]).toEqual({ number: 'BULK-80-80', before: null, after: { customerId: 'ZCO', customerUserLogin: null } });
    const bulk = await observe(() => insert(2000));
    expect(bulk.notes).toEqual([{ resync: true, committedAt: expect.any(Number) }]);
    expect(bulk.a).toEqual([{ kind: 'resync' }]);
    expect(bulk.b).toEqual([{ kind: 'resync' }]);
  });

  test('a burst of writes on one replica is coalesced for a subscriber on the other, the final state pushed', async () => {
    const client = wsClient(b.wsUrl);
    const rec = record(client, LIVE_CUSTOMER_DETAIL, { customerId: 'YCO' });
    await waitUntil(() => b.live.hub.size === 1, 'the subscription on B');
    await Promise.all(Array.from({ length: 10 }, (_, i) => createTicket(a, { customerId: 'YCO', state: 'open', title: `burst ${i}` })));
    const open = (await a.http(`{ customer(customerId: "YCO") { ticketCounts { open } } }`)).data.customer.ticketCounts.open;
    await waitUntil(() => rec.pushes.at(-1)?.data.customerChanged.ticketCounts.open === open, 'the final state');
    await b.live.hub.idle();
    expect(rec.pushes.length).toBeLessThan(10);
    await client.dispose();
  });
});
