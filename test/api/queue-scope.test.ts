import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { openStore } from '../../src/composition/adapter-factory';
import { sha256Hex } from '../../src/config/config';
import { generateDataset } from '../../src/seed/generate';
import { helpdeskSql } from '../helpers/helpdesk-sql';
import { startTestApp, testDatabase, TOKENS } from '../helpers/test-app';
import { LIVE_CUSTOMER_DETAIL, record, startLiveApp, waitUntil, wsClient, type LiveTestApp } from '../live/live-helpers';

// Queue-scoped tokens (contract, "Access"): every count, widget, list, total and ticket lookup of
// a token restricted to queues holds only the tickets of those queues, checked against SQL
// written here over the ticket table with the queue filter; the statements of a request do not
// grow with a scope. Runs on SQLite, and on PostgreSQL with HELPDESK_TEST_POSTGRES=1.

const operations = join(__dirname, '../../schema/operations');
const CUSTOMER_LIST = readFileSync(join(operations, 'CustomerList.graphql'), 'utf8');
const CUSTOMER_DETAIL = readFileSync(join(operations, 'CustomerDetailView.graphql'), 'utf8');

/** The tokens of the test, and the queue filter of each written as SQL over `ticket` (null: every ticket). */
const SCOPED = {
  support: { token: 'support-board-token-0123456789', role: 'reader', queues: ['Support::*'], sql: `substr(queue, 1, 9) = 'Support::'` },
  sales: { token: 'sales-agents-token-0123456789', role: 'agent', queues: ['Billing', 'Sales'], sql: `queue IN ('Sales', 'Billing')` },
  mixed: { token: 'mixed-board-token-0123456789', role: 'reader', queues: ['Raw', 'Support::*', 'Support'], sql: `(queue IN ('Raw', 'Support') OR substr(queue, 1, 9) = 'Support::')` },
  nothing: { token: 'no-queue-token-0123456789', role: 'reader', queues: [], sql: `1 = 0` },
} as const;
type ScopeName = keyof typeof SCOPED | 'all';
const SCOPE_NAMES: readonly ScopeName[] = ['all', 'support', 'sales', 'mixed', 'nothing'];
const tokenOf = (scope: ScopeName) => (scope === 'all' ? TOKENS.agent : SCOPED[scope].token);
const filterOf = (scope: ScopeName) => (scope === 'all' ? '' : ` AND (${SCOPED[scope].sql})`);

const OPEN = `state_type IN ('NEW', 'OPEN', 'PENDING_REMINDER')`;

let dir: string;
let app: LiveTestApp;
/** Customer ids of the generated dataset, the heaviest first. */
let heavy: string[];
let light: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helpdesk-scope-'));
  const database = await testDatabase(dir);
  const store = openStore({ database, label: 'seed', maxPageSize: 100 });
  try {
    await generateDataset(store.seedWriter, { customers: 60, users: 300, tickets: 3000, seed: 11 });
  } finally {
    await store.close();
  }
  app = await startLiveApp(
    {
      live: { coalesceMs: 0 },
      auth: {
        tokens: [
          { name: 'agents', role: 'agent', sha256: sha256Hex(TOKENS.agent) },
          { name: 'frontend', role: 'reader', sha256: sha256Hex(TOKENS.reader) },
          ...Object.entries(SCOPED).map(([name, s]) => ({ name, role: s.role, sha256: sha256Hex(s.token), queues: s.queues })),
        ],
      },
    },
    undefined,
    database,
  );
  const byTickets = await sql<{ id: string; n: number }>(
    `SELECT c.customer_id AS id, count(t.id) AS n FROM customer c LEFT JOIN ticket t ON t.customer_key = c.customer_key
     WHERE c.valid = 'VALID' GROUP BY c.customer_id ORDER BY count(t.id) DESC, c.customer_id`,
  );
  heavy = byTickets.slice(0, 3).map((r) => r.id);
  light = byTickets.filter((r) => r.n >= 5 && r.n <= 30).slice(0, 3).map((r) => r.id);
}, 180_000);

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sql<R>(text: string): Promise<R[]> {
  return helpdeskSql(app.t.app).rows<R>(text);
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The counts of owners written over the ticket table with the scope's filter, at `now`. */
async function truthCounts(column: 'customer_key' | 'customer_user_key', keys: readonly string[], scope: ScopeName, now: number) {
  const rows = await sql<{ k: string; total: number; open: number; pending: number; escalated: number; reached: number }>(
    `SELECT ${column} AS k, count(*) AS total,
       sum(CASE WHEN ${OPEN} THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN state_type = 'PENDING_REMINDER' THEN 1 ELSE 0 END) AS pending,
       sum(CASE WHEN ${OPEN} AND escalation_at <= ${now} THEN 1 ELSE 0 END) AS escalated,
       sum(CASE WHEN state_type = 'PENDING_REMINDER' AND pending_until <= ${now} THEN 1 ELSE 0 END) AS reached
     FROM ticket WHERE ${column} IN (${keys.map((k) => quote(k.toLowerCase())).join(', ')})${filterOf(scope)} GROUP BY ${column}`,
  );
  const byKey = new Map(rows.map((r) => [r.k, r]));
  return new Map(
    keys.map((k) => {
      const r = byKey.get(k.toLowerCase());
      const total = Number(r?.total ?? 0);
      const open = Number(r?.open ?? 0);
      return [k, { open, closed: total - open, escalated: Number(r?.escalated ?? 0), pendingReminder: Number(r?.pending ?? 0), total, reached: Number(r?.reached ?? 0) }];
    }),
  );
}

/** A list written over the ticket table: its numbers in list order (up to `limit`) and its total. */
async function truthList(column: 'customer_key' | 'customer_user_key', key: string, kind: 'all' | 'open' | 'escalated' | 'reminder', scope: ScopeName, now: number, limit: number) {
  const filter = { all: '', open: ` AND ${OPEN}`, escalated: ` AND ${OPEN} AND escalation_at <= ${now}`, reminder: ` AND state_type = 'PENDING_REMINDER'` }[kind];
  const order = { all: 'created_at DESC, id DESC', open: 'created_at DESC, id DESC', escalated: 'escalation_at, id', reminder: 'pending_until, id' }[kind];
  const where = `${column} = ${quote(key.toLowerCase())}${filter}${filterOf(scope)}`;
  const rows = await sql<{ number: string }>(`SELECT number FROM ticket WHERE ${where} ORDER BY ${order} LIMIT ${limit}`);
  const [{ n }] = (await sql<{ n: number }>(`SELECT count(*) AS n FROM ticket WHERE ${where}`)) as [{ n: number }];
  return { numbers: rows.map((r) => r.number), total: Number(n) };
}

/** Runs a query with a scope's token over HTTP, and the clock just before and after it. */
async function run(scope: ScopeName, query: string, variables: Record<string, unknown> = {}) {
  const before = Date.now();
  const { result, operations } = await app.t.countOperations(() => app.http(query, variables, tokenOf(scope)));
  const after = Date.now();
  expect(result.errors).toBeUndefined();
  expect(result.status).toBe(200);
  return { data: result.data, operations, before, after };
}

/**
 * Whether a detail view's listed tickets name a customer user its users page does not list: the
 * one statement of the view that depends on which tickets are listed (the users' lookup).
 */
function looksUpUsers(customer: any): boolean {
  const listed = new Set(customer.customerUsers.edges.map((e: any) => e.node.login.toLowerCase()));
  const tickets = [customer.escalatedTickets, customer.reminderTickets, customer.openTickets, customer.tickets].flatMap((c: any) => c.edges.map((e: any) => e.node));
  return tickets.some((t: any) => t.customerUser && !listed.has(t.customerUser.login.toLowerCase()));
}

/**
 * The statements of a detail view, scoped or not: the customer, its counts, its ticket lists (one
 * statement for the widgets and the page), its users page with their counts, and at most one
 * lookup of customer users that listed tickets name: always when one of them is not on the
 * users page, else only when the lists resolved before the page (as without a scope).
 */
function expectDetailStatements(operations: number, customer: any, what: string): void {
  expect({ what, atLeast: operations >= (looksUpUsers(customer) ? 5 : 4), atMost: operations <= 5 }).toEqual({ what, atLeast: true, atMost: true });
}

/** Counts equal the truth; escalated and reminders reached may move between the two clocks around the request. */
async function expectCounts(got: Record<string, number>, column: 'customer_key' | 'customer_user_key', key: string, scope: ScopeName, before: number, after: number) {
  const [early, late] = [(await truthCounts(column, [key], scope, before)).get(key)!, (await truthCounts(column, [key], scope, after)).get(key)!];
  const { escalated, ...rest } = got;
  expect({ key, scope, ...rest }).toEqual({ key, scope, open: early.open, closed: early.closed, pendingReminder: early.pendingReminder, total: early.total });
  expect(escalated).toBeGreaterThanOrEqual(early.escalated);
  expect(escalated).toBeLessThanOrEqual(late.escalated);
}

describe('queue-scoped tokens: counts, widgets, lists and lookups hold only the tickets of their queues', () => {
  test('the scopes differ on the heavy customers (else this file proves nothing)', async () => {
    const totals = await Promise.all(SCOPE_NAMES.map(async (s) => (await truthCounts('customer_key', [heavy[0]!], s, Date.now())).get(heavy[0]!)!.total));
    expect(new Set(totals).size).toBe(SCOPE_NAMES.length);
    expect(totals.at(-1)).toBe(0);
    expect(light.length).toBeGreaterThan(0);
  });

  test('CustomerList: every card counts the visible tickets only (the page with its counts in one statement)', async () => {
    for (const scope of SCOPE_NAMES) {
      const { data, operations, before, after } = await run(scope, CUSTOMER_LIST, { first: 50 });
      const nodes = data.customers.edges.map((e: any) => e.node);
      expect(nodes.length).toBe(50);
      expect(operations).toBe(1);
      for (const n of nodes) await expectCounts(n.ticketCounts, 'customer_key', n.customerId, scope, before, after);
    }
  });

  test('CustomerDetailView: counts, the three widgets, the users and their counts, the ticket page; the same statements as unscoped', async () => {
    for (const customerId of [...heavy, ...light]) {
      for (const scope of SCOPE_NAMES) {
        const { data, operations, before, after } = await run(scope, CUSTOMER_DETAIL, { customerId });
        const c = data.customer;
        expectDetailStatements(operations, c, `${customerId} ${scope}`);
        await expectCounts(c.ticketCounts, 'customer_key', customerId, scope, before, after);
        const lists = [
          ['escalated', c.escalatedTickets, 10],
          ['reminder', c.reminderTickets, 10],
          ['open', c.openTickets, 10],
          ['all', c.tickets, 25],
        ] as const;
        for (const [kind, connection, size] of lists) {
          const truth = await truthList('customer_key', customerId, kind, scope, kind === 'escalated' ? before : after, size);
          const numbers = connection.edges.map((e: any) => e.node.number);
          expect({ customerId, scope, kind, numbers, total: connection.totalCount }).toEqual({ customerId, scope, kind, numbers: truth.numbers, total: truth.total });
          // A page of N is N visible tickets (or all of them).
          expect(numbers.length).toBe(Math.min(size, truth.total));
        }
        for (const e of c.customerUsers.edges) await expectCounts(e.node.ticketCounts, 'customer_user_key', e.node.login, scope, before, after);
        expect(c.tickets.edges.every((e: any) => scope === 'all' || (SCOPED[scope].queues as readonly string[]).some((q) => (q.endsWith('*') ? e.node.queue.startsWith(q.slice(0, -1)) : e.node.queue === q)))).toBe(true);
      }
    }
  });

  test('the detail view costs the same statements for a scoped token as for an unscoped one (heavy and light customer)', async () => {
    for (const customerId of [heavy[0]!, light[0]!]) {
      for (const scope of SCOPE_NAMES) {
        const { data, operations } = await run(scope, CUSTOMER_DETAIL, { customerId });
        expectDetailStatements(operations, data.customer, `${customerId} ${scope}`);
      }
    }
  });

  test('paging a scoped ticket list forward and backward walks exactly the visible tickets; totalCount counts them', async () => {
    const customerId = heavy[1]!;
    for (const scope of ['support', 'sales'] as const) {
      const truth = await truthList('customer_key', customerId, 'all', scope, Date.now(), 10_000);
      const page = `query($c: ID!, $first: Int, $after: String, $last: Int, $before: String) { customer(customerId: $c) {
        tickets(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { number queue } } } }`;
      const forward: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 100; i++) {
        const { data } = await run(scope, page, { c: customerId, first: 25, after });
        const t = data.customer.tickets;
        expect(t.totalCount).toBe(truth.total);
        expect(t.nodes.length).toBe(Math.min(25, truth.total - forward.length));
        forward.push(...t.nodes.map((n: any) => n.number));
        if (!t.pageInfo.hasNextPage) break;
        after = t.pageInfo.endCursor;
      }
      expect(forward).toEqual(truth.numbers);
      const backward: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 100; i++) {
        const { data } = await run(scope, page, { c: customerId, last: 25, before });
        const t = data.customer.tickets;
        backward.unshift(...t.nodes.map((n: any) => n.number));
        if (!t.pageInfo.hasPreviousPage) break;
        before = t.pageInfo.startCursor;
      }
      expect(backward).toEqual(truth.numbers);
    }
  });

  test('counts read on their own (escalated without the others, reminders reached, totals per state type) are scoped too', async () => {
    const query = `query($c: ID!) { customer(customerId: $c) {
      escalatedTickets(first: 3) { totalCount }
      reminderTickets(first: 3, reachedOnly: true) { totalCount nodes { number } }
      closed: tickets(first: 5, stateTypes: [CLOSED, MERGED]) { totalCount nodes { number } }
      pending: tickets(first: 5, stateTypes: [PENDING_REMINDER, PENDING_AUTO]) { totalCount }
    } }`;
    for (const customerId of heavy) {
      for (const scope of SCOPE_NAMES) {
        const { data, before, after } = await run(scope, query, { c: customerId });
        const [early, late] = [(await truthCounts('customer_key', [customerId], scope, before)).get(customerId)!, (await truthCounts('customer_key', [customerId], scope, after)).get(customerId)!];
        const c = data.customer;
        expect(c.escalatedTickets.totalCount).toBeGreaterThanOrEqual(early.escalated);
        expect(c.escalatedTickets.totalCount).toBeLessThanOrEqual(late.escalated);
        expect(c.reminderTickets.totalCount).toBeGreaterThanOrEqual(early.reached);
        expect(c.reminderTickets.totalCount).toBeLessThanOrEqual(late.reached);
        const byType = async (types: string) =>
          Number((await sql<{ n: number }>(`SELECT count(*) AS n FROM ticket WHERE customer_key = ${quote(customerId.toLowerCase())} AND state_type IN (${types})${filterOf(scope)}`))[0]!.n);
        expect({ scope, closed: c.closed.totalCount, pending: c.pending.totalCount }).toEqual({
          scope,
          closed: await byType(`'CLOSED', 'MERGED'`),
          pending: await byType(`'PENDING_REMINDER', 'PENDING_AUTO'`),
        });
      }
    }
  });

  test('customer users (list and detail): their counts and ticket pages hold the visible tickets only', async () => {
    const query = `query { customerUsers(first: 40) { nodes { login ticketCounts { open closed escalated pendingReminder total } } } }`;
    const detail = `query($l: ID!) { customerUser(login: $l) { ticketCounts { open closed escalated pendingReminder total } tickets(first: 10) { totalCount nodes { number } } } }`;
    for (const scope of SCOPE_NAMES) {
      const { data, before, after } = await run(scope, query);
      for (const u of data.customerUsers.nodes) await expectCounts(u.ticketCounts, 'customer_user_key', u.login, scope, before, after);
      const [busiest] = await sql<{ k: string }>(`SELECT customer_user_key AS k FROM ticket WHERE customer_user_key IS NOT NULL GROUP BY customer_user_key ORDER BY count(*) DESC, customer_user_key LIMIT 1`);
      const one = await run(scope, detail, { l: busiest!.k });
      await expectCounts(one.data.customerUser.ticketCounts, 'customer_user_key', busiest!.k, scope, one.before, one.after);
      const truth = await truthList('customer_user_key', busiest!.k, 'all', scope, one.after, 10);
      expect(one.data.customerUser.tickets.nodes.map((n: any) => n.number)).toEqual(truth.numbers);
      expect(one.data.customerUser.tickets.totalCount).toBe(truth.total);
    }
  });

  test('a ticket outside the queues is null, by number and by global id, as one that does not exist', async () => {
    const [inSupport] = await sql<{ number: string }>(`SELECT number FROM ticket WHERE queue = 'Support::Network' ORDER BY id LIMIT 1`);
    const [inSales] = await sql<{ number: string }>(`SELECT number FROM ticket WHERE queue = 'Sales' ORDER BY id LIMIT 1`);
    const byNumber = `query($n: String!) { ticket(number: $n) { id number queue } }`;
    const support = (await run('all', byNumber, { n: inSupport!.number })).data.ticket;
    const sales = (await run('all', byNumber, { n: inSales!.number })).data.ticket;
    expect([support.queue, sales.queue]).toEqual(['Support::Network', 'Sales']);
    const seen = async (scope: ScopeName, number: string, id: string) => {
      const { data } = await run(scope, `query($n: String!, $id: ID!) { ticket(number: $n) { number } node(id: $id) { id } nodes(ids: [$id]) { id } }`, { n: number, id });
      return [data.ticket?.number ?? null, data.node?.id ?? null, data.nodes[0]?.id ?? null];
    };
    expect(await seen('support', support.number, support.id)).toEqual([support.number, support.id, support.id]);
    expect(await seen('support', sales.number, sales.id)).toEqual([null, null, null]);
    expect(await seen('sales', support.number, support.id)).toEqual([null, null, null]);
    expect(await seen('sales', sales.number, sales.id)).toEqual([sales.number, sales.id, sales.id]);
    expect(await seen('nothing', sales.number, sales.id)).toEqual([null, null, null]);
    // Indistinguishable from a ticket that does not exist.
    const missing = await app.http(byNumber, { n: '1999010100000001' }, tokenOf('sales'));
    const outside = await app.http(byNumber, { n: support.number }, tokenOf('sales'));
    expect(outside).toEqual({ ...missing, status: outside.status });
  });

  test('writes stay in the queues: a ticket outside is NOT_FOUND for updateTicket; no ticket is created or moved outside', async () => {
    const [inSupport] = await sql<{ number: string }>(`SELECT number FROM ticket WHERE queue = 'Support::Hardware' ORDER BY id LIMIT 1`);
    const [inSales] = await sql<{ number: string }>(`SELECT number FROM ticket WHERE queue = 'Sales' ORDER BY id LIMIT 1`);
    const update = `mutation($n: String!, $i: UpdateTicketInput!) { updateTicket(number: $n, input: $i) { number queue } }`;
    const create = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { number queue } }`;
    const token = tokenOf('sales');
    const notFound = await app.http(update, { n: inSupport!.number, i: { title: 'taken over' } }, token);
    expect(notFound.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const moved = await app.http(update, { n: inSales!.number, i: { queue: 'Support::Hardware' } }, token);
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'queue' });
    const outside = await app.http(create, { i: { title: 'x', customerId: heavy[0], queue: 'Raw' } }, token);
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'queue' });
    const [after] = await sql<{ queue: string; title: string }>(`SELECT queue, title FROM ticket WHERE number = '${inSales!.number}'`);
    expect(after!.queue).toBe('Sales');
    const made = await app.http(create, { i: { title: 'New order', customerId: heavy[0], queue: 'Billing' } }, token);
    expect(made.errors).toBeUndefined();
    expect(made.data.createTicket.queue).toBe('Billing');
    const renamed = await app.http(update, { n: inSales!.number, i: { queue: 'Billing' } }, token);
    expect(renamed.data.updateTicket.queue).toBe('Billing');
  });

  test('viewer says who the caller is and which queues it sees', async () => {
    const query = `query Viewer { viewer { name role via queues agentLogin } }`;
    expect((await run('all', query)).data.viewer).toEqual({ name: 'agents', role: 'agent', via: 'token', queues: null, agentLogin: null });
    expect((await run('support', query)).data.viewer).toEqual({ name: 'support', role: 'reader', via: 'token', queues: ['Support::*'], agentLogin: null });
    expect((await run('sales', query)).data.viewer).toEqual({ name: 'sales', role: 'agent', via: 'token', queues: ['Billing', 'Sales'], agentLogin: null });
    expect((await run('nothing', query)).data.viewer).toEqual({ name: 'nothing', role: 'reader', via: 'token', queues: [], agentLogin: null });
  });

  test('two subscriptions of one customer with different scopes get different counts, each its own; a view unchanged since its last push is not pushed again', async () => {
    const customerId = heavy[2]!;
    const clients: Client[] = [];
    try {
      const subscribe = (scope: ScopeName) => {
        const client = wsClient(app.wsUrl, tokenOf(scope));
        clients.push(client);
        return { scope, rec: record(client, LIVE_CUSTOMER_DETAIL, { customerId }) };
      };
      const subs = [subscribe('support'), subscribe('sales'), subscribe('all'), subscribe('sales')];
      await waitUntil(() => app.live.hub.size === 4, 'four subscriptions');
      const create = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { number } }`;
      const pushes = () => subs.map((s) => s.rec.pushes.length);
      const settle = () => new Promise((r) => setTimeout(r, 300));
      const ticket = async (title: string, queue: string) => expect((await app.http(create, { i: { title, customerId, queue, state: 'open' } })).errors).toBeUndefined();
      // A ticket in Sales: every watch of the customer runs again; the support board's view is
      // what it answered when it subscribed, so nothing reaches it, not even an event.
      await ticket('Quote request', 'Sales');
      await waitUntil(() => subs[1]!.rec.pushes.length === 1 && subs[2]!.rec.pushes.length === 1 && subs[3]!.rec.pushes.length === 1, 'a push to sales, all, sales');
      await settle();
      expect(pushes()).toEqual([0, 1, 1, 1]);
      // Another ticket in Sales: the same.
      await ticket('Second quote', 'Sales');
      await waitUntil(() => subs[1]!.rec.pushes.length === 2 && subs[2]!.rec.pushes.length === 2 && subs[3]!.rec.pushes.length === 2, 'a push to sales, all, sales');
      await settle();
      expect(pushes()).toEqual([0, 2, 2, 2]);
      // A ticket in Support::Hardware: the support board and the unrestricted token are pushed, the sales boards not.
      await ticket('Fan noise', 'Support::Hardware');
      await waitUntil(() => subs[0]!.rec.pushes.length === 1 && subs[2]!.rec.pushes.length === 3, 'a push to support and all');
      await settle();
      expect(pushes()).toEqual([1, 2, 3, 2]);
      const now = Date.now();
      const seen = new Map<ScopeName, unknown>();
      for (const { scope, rec } of subs) {
        const push = rec.pushes.at(-1).data.customerChanged;
        expect(rec.errors).toEqual([]);
        const truth = (await truthCounts('customer_key', [customerId], scope, now)).get(customerId)!;
        expect({ scope, open: push.ticketCounts.open, total: push.ticketCounts.total, openTickets: push.openTickets.totalCount }).toEqual({
          scope,
          open: truth.open,
          total: truth.total,
          openTickets: truth.open,
        });
        const open = await truthList('customer_key', customerId, 'open', scope, now, 10);
        expect(push.openTickets.nodes.map((n: any) => n.number)).toEqual(open.numbers);
        for (const u of push.customerUsers.nodes) {
          const t = (await truthCounts('customer_user_key', [u.login], scope, now)).get(u.login)!;
          expect({ scope, login: u.login, ...u.ticketCounts }).toEqual({ scope, login: u.login, open: t.open, closed: t.closed });
        }
        if (seen.has(scope)) expect(push).toEqual(seen.get(scope));
        seen.set(scope, push);
      }
      const totals = ['support', 'sales', 'all'].map((s) => (seen.get(s as ScopeName) as any).ticketCounts.total);
      expect(new Set(totals).size).toBe(3);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await waitUntil(() => app.live.hub.size === 0, 'the watches to end');
    }
  });
});

describe('configuration', () => {
  test('a token acting as a Znuny agent needs a ticket store with agent permissions: a start-up error naming the token', async () => {
    await expect(
      startTestApp({
        http: false,
        config: { auth: { tokens: [{ name: 'bob-board', role: 'reader', sha256: sha256Hex('x'.repeat(32)), agent: 'bob' }] } },
      }),
    ).rejects.toThrow(/auth\.tokens\.0\.agent: token 'bob-board' acts as the agent 'bob', but the ticket store knows no agent permissions/);
  });

  test('queues and agent together, or a pattern with an inner *, are refused', async () => {
    const tokens = (extra: Record<string, unknown>) => ({ auth: { tokens: [{ name: 't', role: 'reader', sha256: sha256Hex('y'.repeat(32)), ...extra }] } });
    await expect(startTestApp({ http: false, config: tokens({ queues: ['Sales'], agent: 'bob' }) })).rejects.toThrow(/auth\.tokens\.0\.agent: a token is restricted by queues or by an agent, not both/);
    await expect(startTestApp({ http: false, config: tokens({ queues: ['Sa*es'] }) })).rejects.toThrow(/auth\.tokens\.0\.queues\.0: a queue name/);
  });
});
