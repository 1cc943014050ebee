import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKENS } from '../helpers/test-app';
import { record, startLiveApp, waitUntil, wsClient, type LiveTestApp } from '../live/live-helpers';
import { sha256Hex } from '../../src/config/config';
import { expectedCounts, readableQueueIds } from './znuny-predicates';
import type { ZnunyFixture } from './znuny-fixture';
import { stopServers, ZNUNY_ENGINES, znunyFixture } from './znuny-helpers';

// The service over a Znuny database, end to end: the contract's Znuny detail view with its
// numbers from Znuny's predicates, fixed round trips, no write to a read-only Znuny database,
// and changes made in Znuny itself reaching subscriptions within pollSeconds.

afterAll(() => stopServers(), 60_000);

const DETAIL = readFileSync(join(__dirname, '../../schema/operations/ZnunyCustomerDetail.graphql'), 'utf8');
const LIVE = `subscription Live($customerId: ID!) { customerChanged(customerId: $customerId) { customerId ticketCounts { open closed total } } }`;
const HEAVY = 'HEAVY';
const HEAVY_TICKETS = 3000;

/** The Znuny database's schema and data as one comparable value: tables, columns, indexes, triggers, routines, and every table's rows. */
async function fingerprint(f: ZnunyFixture): Promise<unknown> {
  const schema = f.dialect === 'mysql' ? 'DATABASE()' : 'current_schema()';
  const tables = (await f.sql<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`)).map((r) => r.t);
  const columns = await f.sql(`SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns WHERE table_schema = ${schema} ORDER BY table_name, column_name`);
  const indexes =
    f.dialect === 'mysql'
      ? await f.sql(`SELECT table_name, index_name, column_name, seq_in_index, non_unique FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`)
      : await f.sql(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY tablename, indexname`);
  const triggers = await f.sql(`SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = ${schema} ORDER BY trigger_name`);
  const routines = await f.sql(`SELECT routine_name FROM information_schema.routines WHERE routine_schema = ${schema} ORDER BY routine_name`);
  const events = f.dialect === 'mysql' ? await f.sql(`SELECT event_name FROM information_schema.events WHERE event_schema = DATABASE()`) : [];
  const rows: Record<string, unknown> = {};
  for (const t of tables) {
    rows[t] =
      f.dialect === 'mysql'
        ? await f.sql(`CHECKSUM TABLE \`${t}\``)
        : await f.sql(`SELECT count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS sum FROM "${t}" x`);
  }
  return { tables, columns, indexes, triggers, routines, events, rows };
}

/**
 * Adds a customer with one customer user, a dynamic field value on each, and `n` closed and open
 * tickets (ids from `firstId` on): light and heavy customers of the same shape.
 */
async function addCustomer(f: ZnunyFixture, customerId: string, n: number, firstId: number): Promise<void> {
  const login = `${customerId.toLowerCase()}.user`;
  const audit = `'2024-01-01 00:00:00', 1, '2024-01-01 00:00:00', 1`;
  await f.sql(`INSERT INTO customer_company (customer_id, name, country, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, 'Germany', 1, ${audit})`, [customerId, `${customerId} Industries`]);
  await f.sql(
    `INSERT INTO customer_user (login, email, customer_id, first_name, last_name, valid_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, 'Pat', 'User', 1, ${audit})`,
    [login, `${login}@example.com`, customerId],
  );
  for (const [name, type, field, value] of [[customerId, 'CustomerCompany', 2, 'Maria Schmidt'], [login, 'CustomerUser', 4, 'en']] as const) {
    await f.sql(`INSERT INTO dynamic_field_obj_id_name (object_name, object_type) VALUES (?, ?)`, [name, type]);
    const [{ id }] = (await f.sql<{ id: number }>(`SELECT object_id AS id FROM dynamic_field_obj_id_name WHERE object_name = ? AND object_type = ?`, [name, type])) as [{ id: number }];
    await f.sql(`INSERT INTO dynamic_field_value (field_id, object_id, value_text) VALUES (?, ?, ?)`, [field, id, value]);
  }
  const columns = `id, tn, title, queue_id, ticket_lock_id, type_id, user_id, responsible_user_id, ticket_priority_id, ticket_state_id, timeout,
    customer_id, customer_user_id, until_time, escalation_time, escalation_update_time, escalation_response_time, escalation_solution_time,
    archive_flag, create_time, create_by, change_time, change_by`;
  for (let from = 0; from < n; from += 500) {
    const rows = Array.from({ length: Math.min(500, n - from) }, (_, i) => {
      const id = firstId + from + i;
      // States 2 (closed successful) and 4 (open), one in ten escalated an hour ago.
      const escalation = id % 10 === 0 ? f.now - 3600 : 0;
      return `(${id}, '${9_000_000_000 + id}', 'Heavy ticket ${id}', 2, 1, 1, 1, 1, 3, ${id % 2 === 0 ? 2 : 4}, 0, '${customerId}', '${login}', 0, ${escalation}, 0, 0, 0, 0, '2024-02-01 00:00:00', 1, '2024-02-01 00:00:00', 1)`;
    });
    await f.sql(`INSERT INTO ticket (${columns}) VALUES ${rows.join(', ')}`);
  }
}

describe.each(ZNUNY_ENGINES)('the service over a Znuny database on %s', (engine) => {
  let fixture: ZnunyFixture;
  let t: LiveTestApp;
  beforeAll(async () => {
    fixture = await znunyFixture(engine);
    await addCustomer(fixture, 'LIGHT', 10, 100_000);
    await addCustomer(fixture, HEAVY, HEAVY_TICKETS, 200_000);
    // No poll during the tests that count statements (the live test starts its own app).
    t = await startLiveApp({ dataSources: [{ id: 'znuny', name: 'Znuny', kind: 'znuny', url: fixture.url, pollSeconds: 3600 }], tickets: 'znuny' });
    // The start's first poll fills the list indexes; a request after it finds them filled.
    await t.http(DETAIL, { customerId: 'LIGHT' });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await fixture?.dispose();
  });

  test('the Znuny detail view: counts and widgets equal Znuny predicates, dynamic fields, countries, further customer ids', async () => {
    const { result, operations } = await t.t.countOperations(() => t.http(DETAIL, { customerId: 'ACME' }));
    expect(result.errors).toBeUndefined();
    const c = result.data.customer;
    const want = await expectedCounts(fixture, 'customer', 'ACME');
    expect(c.ticketCounts).toEqual({ open: want.open, closed: want.closed, escalated: want.escalated, pendingReminder: want.pendingReminder, total: want.total });
    expect(c.escalatedTickets.totalCount).toBe(want.escalated);
    expect(c.reminderTickets.totalCount).toBe(want.pendingReminder);
    expect(c.openTickets.totalCount).toBe(want.open);
    expect(c.tickets.totalCount).toBe(want.total);
    expect(c.country).toEqual({ code: 'DE', name: 'Germany' });
    expect(c.dataSource).toEqual({ id: 'znuny', kind: 'znuny', readOnly: true });
    expect(c.dynamicFields.map((f: { name: string }) => f.name)).toEqual(['ContractLevel', 'AccountManager', 'ContractEnd']);
    expect(c.dynamicFields[0].displayValues).toEqual(['Gold']);
    const users = c.customerUsers.edges.map((e: { node: unknown }) => e.node);
    for (const u of users) {
      const mine = await expectedCounts(fixture, 'customerUser', u.login);
      expect({ login: u.login, open: u.ticketCounts.open, closed: u.ticketCounts.closed }).toEqual({ login: u.login, open: mine.open, closed: mine.closed });
    }
    const jdoe = users.find((u: { login: string }) => u.login === 'jdoe');
    expect(jdoe.dynamicFields.map((f: { name: string }) => f.name)).toEqual(['Languages', 'Newsletter', 'LastContact']);
    expect(operations).toBeLessThanOrEqual(10);
  });

  test('the detail view costs the same statements for a customer with a few tickets and one with thousands', async () => {
    const light = await t.t.countOperations(() => t.http(DETAIL, { customerId: 'LIGHT' }));
    expect(light.result.data.customer.ticketCounts.total).toBe(10);
    const heavy = await t.t.countOperations(() => t.http(DETAIL, { customerId: HEAVY }));
    expect(heavy.result.errors).toBeUndefined();
    expect(heavy.result.data.customer.ticketCounts.total).toBe(HEAVY_TICKETS);
    expect(heavy.result.data.customer.tickets.edges).toHaveLength(25);
    expect(heavy.operations).toBe(light.operations);
    // The customer, its counts, its four ticket lists, its users' page and counts, and the dynamic fields of both kinds.
    expect(heavy.operations).toBe(7);
  });

  test('a country name that names no country gives null; lists and search over Znuny rows', async () => {
    const res = await t.http(`{ customerUsers(first: 100, valid: [VALID, INVALID, INVALID_TEMPORARILY]) { totalCount nodes { login country { code } customerIds } } }`);
    expect(res.errors).toBeUndefined();
    const [row] = await fixture.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM customer_user`);
    expect(res.data.customerUsers.totalCount).toBe(Number(row!.n));
    const atlantis = await fixture.sql<{ login: string }>(`SELECT login FROM customer_user WHERE country = 'Atlantis'`);
    for (const { login } of atlantis) expect(res.data.customerUsers.nodes.find((u: { login: string }) => u.login === login).country).toBeNull();
    const search = await t.http(`{ customers(first: 10, search: "sohne") { nodes { customerId } } }`);
    expect(search.data.customers.nodes.map((c: { customerId: string }) => c.customerId)).toEqual(['MUELLER']);
  });

  test('a read-only run sends no write: mutations are refused and the database stays byte for byte as it was', async () => {
    const before = await fingerprint(fixture);
    for (const customerId of ['ACME', 'globex', HEAVY, 'MUELLER']) await t.http(DETAIL, { customerId });
    await t.http(`{ customers(first: 50) { nodes { customerId ticketCounts { open } customerUsers(first: 5) { nodes { login } } } } }`);
    const refused = await Promise.all([
      t.http(`mutation { updateCustomer(customerId: "ACME", input: { city: "Hamburg" }) { city } }`),
      t.http(`mutation { createCustomer(input: { dataSource: "znuny", customerId: "NEW", name: "New", country: "DE" }) { customerId } }`),
      t.http(`mutation { createTicket(input: { title: "x", customerId: "ACME", state: "new", priority: "3 normal", queue: "Raw" }) { number } }`),
    ]);
    for (const r of refused) expect(r.errors?.[0]?.extensions?.code).toBe('READ_ONLY_DATA_SOURCE');
    expect(await fingerprint(fixture)).toEqual(before);
  });

  test('a token acting as a Znuny agent sees the counts and widgets of the queues the agent may read, in the same statements', async () => {
    const agentToken = 'znuny-agent-token-0123456789';
    const app = await startLiveApp({
      dataSources: [{ id: 'znuny', name: 'Znuny', kind: 'znuny', url: fixture.url, pollSeconds: 3600 }],
      tickets: 'znuny',
      auth: { tokens: [
        { name: 'agents', role: 'agent', sha256: sha256Hex(TOKENS.agent) },
        { name: 'role-board', role: 'reader', sha256: sha256Hex(agentToken), agent: 'agent-role' },
      ] },
    });
    try {
      await app.http(DETAIL, { customerId: 'ACME' }, agentToken);
      const { result, operations } = await app.t.countOperations(() => app.http(DETAIL, { customerId: 'ACME' }, agentToken));
      expect(result.errors).toBeUndefined();
      const c = result.data.customer;
      const want = await expectedCounts(fixture, 'customer', 'ACME', undefined, { agentLogin: 'agent-role' });
      const all = await expectedCounts(fixture, 'customer', 'ACME');
      expect(want.total).toBeLessThan(all.total);
      expect(c.ticketCounts).toEqual({ open: want.open, closed: want.closed, escalated: want.escalated, pendingReminder: want.pendingReminder, total: want.total });
      expect([c.openTickets.totalCount, c.tickets.totalCount]).toEqual([want.open, want.total]);
      const readable = new Set(await readableQueueIds(fixture, 'agent-role'));
      const queueIds = new Map((await fixture.sql<{ id: number; name: string }>(`SELECT id, name FROM queue`)).map((q) => [q.name, Number(q.id)]));
      for (const e of c.openTickets.edges) expect(readable.has(queueIds.get(e.node.queue)!)).toBe(true);
      // The agent's permissions are read at authentication (two statements), the view itself costs what it costs unrestricted.
      const unrestricted = await app.t.countOperations(() => app.http(DETAIL, { customerId: 'ACME' }));
      expect(operations).toBe(unrestricted.operations + 2);
      const viewer = await app.http(`{ viewer { name role via agentLogin queues } }`, {}, agentToken);
      expect(viewer.data.viewer).toMatchObject({ name: 'role-board', role: 'reader', via: 'token', agentLogin: 'agent-role' });
    } finally {
      await app.close();
    }
  });

  test('a ticket changed directly in the Znuny database reaches a subscription within pollSeconds', async () => {
    const live = await startLiveApp({ dataSources: [{ id: 'znuny', name: 'Znuny', kind: 'znuny', url: fixture.url, pollSeconds: 1 }], tickets: 'znuny' });
    const client = wsClient(live.wsUrl);
    const rec = record(client, LIVE, { customerId: 'globex' });
    try {
      await waitUntil(() => live.live.hub.size === 1, 'the subscription', 500);
      // What the client holds when it subscribes (its own query); an unchanged view is not pushed.
      const first = (await live.http(`{ customer(customerId: "globex") { ticketCounts { open closed total } } }`)).data.customer.ticketCounts;
      const ticket = fixture.seeded.tickets['globex-new-jdoe']!;
      // Closed by Znuny (or anything else writing its tables): state and change_time.
      await fixture.sql(`UPDATE ticket SET ticket_state_id = 2, change_time = ? WHERE id = ?`, [new Date().toISOString().slice(0, 19).replace('T', ' '), ticket]);
      const at = Date.now();
      await waitUntil(() => rec.pushes.length >= 1, 'a push after the change', 400);
      expect(Date.now() - at).toBeLessThan(4000);
      const next = rec.pushes.at(-1).data.customerChanged.ticketCounts;
      expect(next).toEqual({ open: first.open - 1, closed: first.closed + 1, total: first.total });
    } finally {
      rec.dispose();
      await client.dispose();
      await live.close();
    }
  });
});
