import type { Client } from 'graphql-ws';
import { TOKENS } from '../helpers/test-app';
import {
  createCustomer,
  createTicket,
  LIVE_CUSTOMER_DETAIL,
  LIVE_CUSTOMER_LIST,
  record,
  startLiveApp,
  waitUntil,
  wsClient,
  type LiveTestApp,
} from './live-helpers';

const UPDATE_TICKET = `mutation($n: String!, $i: UpdateTicketInput!) { updateTicket(number: $n, input: $i) { number } }`;

describe('live subscriptions over graphql-ws (a real client over the network)', () => {
  let app: LiveTestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startLiveApp({ live: { coalesceMs: 100 } });
    await createCustomer(app, 'ACME');
    await createCustomer(app, 'GLOBEX');
    await createCustomer(app, 'INITECH');
  });
  afterAll(async () => {
    await client?.dispose();
    await app.close();
  });
  beforeEach(() => {
    client = wsClient(app.wsUrl);
  });
  afterEach(async () => {
    await client.dispose();
    await waitUntil(() => app.live.hub.size === 0, 'the watches to end');
  });

  async function subscribed(query: string, variables: Record<string, unknown>, expected = app.live.hub.size + 1) {
    const rec = record(client, query, variables);
    await waitUntil(() => app.live.hub.size === expected || rec.errors.length > 0, 'the subscription to start');
    return rec;
  }

  test('a ticket created for the customer pushes the detail view with the new counts', async () => {
    const rec = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'acme' });
    expect(rec.pushes).toHaveLength(0);
    const number = await createTicket(app, { customerId: 'ACME', state: 'open' });
    await waitUntil(() => rec.pushes.length === 1, 'one push');
    const c = rec.pushes[0].data.customerChanged;
    expect(c.customerId).toBe('ACME');
    expect(c.ticketCounts).toEqual({ open: 1, closed: 0, escalated: 0, pendingReminder: 0, total: 1 });
    expect(c.openTickets).toEqual({ totalCount: 1, nodes: [{ number, title: 'Printer on fire', state: 'open' }] });
    expect(rec.pushes[0].errors).toBeUndefined();
    // A ticket of another customer pushes nothing here.
    await createTicket(app, { customerId: 'GLOBEX' });
    const marker = await createTicket(app, { customerId: 'ACME', state: 'closed successful' });
    await waitUntil(() => rec.pushes.length === 2, 'a second push');
    expect(rec.pushes[1].data.customerChanged.ticketCounts.closed).toBe(1);
    expect(marker).toBeTruthy();
  });

  test('a refused mutation pushes nothing', async () => {
    const rec = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'GLOBEX' });
    const bad = await app.http(`mutation { createTicket(input: { title: "", customerId: "GLOBEX" }) { number } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reader = await app.http(`mutation { createTicket(input: { title: "x", customerId: "GLOBEX" }) { number } }`, {}, TOKENS.reader);
    expect(reader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const taken = await app.http(`mutation { updateCustomer(customerId: "GLOBEX", input: { customerId: "ACME" }) { customerId } }`);
    expect(taken.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // A later write to the same customer is the first push: nothing came before it.
    await app.http(`mutation { updateCustomer(customerId: "GLOBEX", input: { name: "Globex Corp" }) { customerId } }`);
    await waitUntil(() => rec.pushes.length >= 1, 'the push of the good write');
    await app.live.hub.idle();
    expect(rec.pushes).toHaveLength(1);
    expect(rec.pushes[0].data.customerChanged.name).toBe('Globex Corp');
  });

  test('a burst of writes is coalesced and the final state is always pushed', async () => {
    const rec = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'INITECH' });
    const number = await createTicket(app, { customerId: 'INITECH', state: 'open' });
    const writes = 40;
    for (let i = 1; i <= writes; i++) {
      const r = await app.http(UPDATE_TICKET, { n: number, i: { title: `title ${i}` } });
      expect(r.errors).toBeUndefined();
    }
    await waitUntil(() => rec.pushes.at(-1)?.data.customerChanged.openTickets.nodes[0].title === `title ${writes}`, 'the final state');
    await app.live.hub.idle();
    // 41 writes, far fewer pushes; the last one carries the final state.
    expect(rec.pushes.length).toBeGreaterThanOrEqual(1);
    expect(rec.pushes.length).toBeLessThan(writes / 2);
    expect(rec.pushes.at(-1).data.customerChanged.openTickets.nodes[0].title).toBe(`title ${writes}`);
  });

  test('a rename is followed: the push carries the new id, and later writes under it still push', async () => {
    await createCustomer(app, 'UMBRELLA');
    const rec = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'UMBRELLA' });
    const r = await app.http(`mutation { updateCustomer(customerId: "UMBRELLA", input: { customerId: "UMBRELLA-CORP" }) { customerId } }`);
    expect(r.errors).toBeUndefined();
    await waitUntil(() => rec.pushes.length === 1, 'the push of the rename');
    expect(rec.pushes[0].data.customerChanged.customerId).toBe('UMBRELLA-CORP');
    await createTicket(app, { customerId: 'UMBRELLA-CORP' });
    await waitUntil(() => rec.pushes.length === 2, 'a push after the rename');
    expect(rec.pushes[1].data.customerChanged).toMatchObject({ customerId: 'UMBRELLA-CORP', ticketCounts: { total: 1 } });
  });

  test('an escalation time being reached pushes without any write (a timer, not polling)', async () => {
    await createCustomer(app, 'HOOLI');
    const rec = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'HOOLI' });
    const escalationAt = new Date(Date.now() + 1500).toISOString();
    const number = await createTicket(app, { customerId: 'HOOLI', state: 'open', escalationAt });
    await waitUntil(() => rec.pushes.length >= 1, 'the push of the new ticket');
    expect(rec.pushes[0].data.customerChanged.ticketCounts.escalated).toBe(0);
    const ticksBefore = app.live.hub.ticks;
    await waitUntil(() => rec.pushes.length === 2, 'the push at the escalation time', 500);
    expect(rec.pushes[1].data.customerChanged.ticketCounts.escalated).toBe(1);
    expect(rec.pushes[1].data.customerChanged.escalatedTickets).toEqual({ totalCount: 1, nodes: [{ number, title: 'Printer on fire' }] });
    expect(app.live.hub.ticks).toBe(ticksBefore + 1);
  });

  test('a reminder time being reached pushes the reached reminder list', async () => {
    await createCustomer(app, 'VANDELAY');
    const query = `subscription($id: ID!) { customerChanged(customerId: $id) { customerId reminderTickets(reachedOnly: true) { totalCount } } }`;
    const rec = await subscribed(query, { id: 'VANDELAY' });
    const pendingUntil = new Date(Date.now() + 1500).toISOString();
    await createTicket(app, { customerId: 'VANDELAY', state: 'pending reminder', pendingUntil });
    // The new ticket's reminder is not reached yet: the view is what the subscription answered
    // when it started, and nothing is pushed until the reminder time.
    await app.live.hub.idle();
    expect(rec.pushes).toHaveLength(0);
    await waitUntil(() => rec.pushes.length === 1, 'the push at the reminder time', 500);
    expect(rec.pushes[0].data.customerChanged.reminderTickets.totalCount).toBe(1);
  });

  test('metrics: connections and subscriptions (gauges), pushes, write-to-push latency', async () => {
    const metric = async (name: string) => {
      const text = await app.t.app.metrics.registry.metrics();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    };
    const pushes = await metric('helpdesk_live_pushes_total');
    const observed = await metric('helpdesk_live_write_to_push_seconds_count');
    const rec = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'ACME' });
    expect(await metric('helpdesk_live_subscriptions')).toBe(1);
    expect(await metric('helpdesk_live_connections')).toBe(1);
    await createTicket(app, { customerId: 'ACME' });
    await waitUntil(() => rec.pushes.length === 1, 'one push');
    await app.live.hub.idle();
    expect(await metric('helpdesk_live_pushes_total')).toBe(pushes + 1);
    expect(await metric('helpdesk_live_write_to_push_seconds_count')).toBe(observed + 1);
  });

  test('a customer user moved between customers pushes both customers', async () => {
    await createCustomer(app, 'STARK');
    await createCustomer(app, 'WAYNE');
    const r = await app.http(`mutation { createCustomerUser(input: { dataSource: "local", login: "pepper", firstName: "Pepper", lastName: "Potts", email: "pepper@example.com", customerId: "STARK" }) { login } }`);
    expect(r.errors).toBeUndefined();
    const stark = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'STARK' });
    const wayne = await subscribed(LIVE_CUSTOMER_DETAIL, { customerId: 'WAYNE' });
    const moved = await app.http(`mutation { updateCustomerUser(login: "pepper", input: { customerId: "WAYNE" }) { login } }`);
    expect(moved.errors).toBeUndefined();
    await waitUntil(() => stark.pushes.length === 1 && wayne.pushes.length === 1, 'a push to each customer');
    expect(stark.pushes[0].data.customerChanged.customerUsers.totalCount).toBe(0);
    expect(wayne.pushes[0].data.customerChanged.customerUsers).toEqual({ totalCount: 1, nodes: [{ login: 'pepper', ticketCounts: { open: 0, closed: 0 } }] });
    // A ticket of the customer user shows in the user's counts in WAYNE's widget.
    await createTicket(app, { customerUserLogin: 'pepper', state: 'open' });
    await waitUntil(() => wayne.pushes.length === 2, 'the push of the user ticket');
    expect(wayne.pushes[1].data.customerChanged.customerUsers.nodes[0].ticketCounts.open).toBe(1);
    await app.live.hub.idle();
    expect(stark.pushes).toHaveLength(1);
  });

  test('customersChanged pushes each listed customer whose card changed', async () => {
    const rec = await subscribed(LIVE_CUSTOMER_LIST, { customerIds: ['ACME', 'GLOBEX', 'NOBODY-YET'] });
    await createTicket(app, { customerId: 'ACME', state: 'open' });
    await createTicket(app, { customerId: 'INITECH', state: 'open' });
    await createTicket(app, { customerId: 'GLOBEX', state: 'open' });
    await waitUntil(() => rec.pushes.length === 2, 'two pushes');
    const ids = rec.pushes.map((p) => p.data.customersChanged.customerId).sort();
    expect(ids).toEqual(['ACME', 'GLOBEX']);
    await app.live.hub.idle();
    expect(rec.pushes).toHaveLength(2);
  });

  test('many subscribers of one customer share one load per push: statements do not grow with subscribers', async () => {
    const count = async (subscribers: number) => {
      const clients = Array.from({ length: subscribers }, () => wsClient(app.wsUrl));
      const base = app.live.hub.size;
      const recs = clients.map((c) => record(c, LIVE_CUSTOMER_DETAIL, { customerId: 'ACME' }));
      await waitUntil(() => app.live.hub.size === base + subscribers, 'the subscriptions');
      await app.live.hub.idle();
      const before = await app.t.operations();
      const ticks = app.live.hub.ticks;
      // The write itself: a customer update of a field the subscription shows (its statements are the same in both runs).
      await app.http(`mutation { updateCustomer(customerId: "ACME", input: { name: "Acme ${subscribers}" }) { customerId } }`);
      await waitUntil(() => recs.every((r) => r.pushes.length === 1), 'a push to every subscriber');
      await app.live.hub.idle();
      const statements = (await app.t.operations()) - before;
      expect(app.live.hub.ticks).toBe(ticks + 1);
      for (const r of recs) expect(r.pushes[0].data.customerChanged.customerId).toBe('ACME');
      await Promise.all(clients.map((c) => c.dispose()));
      await waitUntil(() => app.live.hub.size === base, 'the subscriptions to end');
      return statements;
    };
    const one = await count(1);
    const fifty = await count(50);
    expect(fifty).toBe(one);
  });
});
