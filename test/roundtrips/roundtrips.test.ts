import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset, type GenerateSummary } from '../../src/seed/generate';
import { openStore } from '../../src/composition/adapter-factory';
import { tallyingWriter } from '../helpers/dataset-tally';
import { startTestApp, testDatabase, type TestApp } from '../helpers/test-app';

// Statement counts per request (the contract's round-trip counter), over HTTP, on a generated
// skewed dataset with one heavy customer. Every bound is also checked against the same service
// with DataLoader batching switched off, which must cost more: the bounds come from batching.

const operations = join(__dirname, '../../schema/operations');
const op = (file: string) => readFileSync(join(operations, `${file}.graphql`), 'utf8');
const CUSTOMER_LIST = op('CustomerList');
const CUSTOMER_DETAIL = op('CustomerDetailView');
const CUSTOMER_USER_DETAIL = op('CustomerUserDetail');

/** N tickets of a customer, each with its customer and customer user (and their counts). */
const TICKETS_WITH_OWNERS = `query TicketsWithOwners($customerId: ID!, $n: Int!) {
  customer(customerId: $customerId) {
    tickets(first: $n) {
      nodes {
        number
        customer { customerId name ticketCounts { open closed } }
        customerUser { login fullName customer { name } ticketCounts { open escalated } }
      }
    }
  }
}`;

/** N tickets of a customer user, each with its customer and customer user. */
const USER_TICKETS_WITH_OWNERS = `query UserTicketsWithOwners($login: ID!, $n: Int!) {
  customerUser(login: $login) {
    tickets(first: $n) {
      nodes { number customer { customerId name } customerUser { login fullName } }
    }
  }
}`;

/** N customer users with their primary customer and counts. */
const USERS_WITH_CUSTOMERS = `query UsersWithCustomers($n: Int!) {
  customerUsers(first: $n) {
    nodes { login customer { customerId name ticketCounts { open } } ticketCounts { open closed } }
  }
}`;

let dir: string;
let database: string;
let summary: GenerateSummary;
let batched: TestApp;
let naive: TestApp;
/** A customer with about ten tickets, some with customer users; and the heaviest customer. */
let light: { customerId: string; tickets: number };
let heavy: { customerId: string; tickets: number };
/** A customer user with more than 50 tickets. */
let busyUser: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helpdesk-roundtrips-'));
  database = await testDatabase(dir);
  const store = openStore({ database, label: 'seed', maxPageSize: 100 });
  const { writer, tally } = tallyingWriter(store.seedWriter);
  try {
    summary = await generateDataset(writer, { customers: 200, users: 1000, tickets: 8000, seed: 7 });
  } finally {
    await store.close();
  }
  const ticketsOf = (customerId: string) => tally.ticketsOfCustomer.get(customerId) ?? 0;
  const lightest = [...tally.ticketsOfCustomer]
    .filter(([id, n]) => n >= 5 && n <= 20 && (tally.ticketsWithUserOfCustomer.get(id) ?? 0) > 0 && tally.customersWithValidUsers.has(id.toLowerCase()))
    .sort(([a, x], [b, y]) => Math.abs(x - 10) - Math.abs(y - 10) || (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  if (lightest.length === 0) throw new Error('the generated dataset has no customer with about 10 tickets; change its size');
  light = { customerId: lightest[0]![0], tickets: lightest[0]![1] };
  heavy = { customerId: summary.heaviestCustomerIds[0]!, tickets: ticketsOf(summary.heaviestCustomerIds[0]!) };
  busyUser = [...tally.ticketsOfUser].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]![0];
  batched = await startTestApp({ database });
  naive = await startTestApp({ database, config: { batching: false } });
}, 120_000);

afterAll(async () => {
  await batched?.close();
  await naive?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The statements a request costs, exactly. An embedded store (SQLite) sees the same loader
 * batches every time; over the network (PostgreSQL) two batches may meet in one tick and go out as
 * one statement, so there a request costs `n` or one less.
 */
function expectStatements(operations: number, n: number): void {
  if (batched.app.store.capabilities.remote) expect([n - 1, n]).toContain(operations);
  else expect(operations).toBe(n);
}

/** Logins (lower-cased) named by a detail view's ticket rows that its customer user page does not list. */
function unlistedTicketUsers(customer: any): number {
  const listed = new Set(customer.customerUsers.nodes.map((u: any) => u.login.toLowerCase()));
  const rows = ['escalatedTickets', 'reminderTickets', 'openTickets', 'tickets'].flatMap((list) => customer[list].nodes);
  return new Set(rows.filter((t: any) => t.customerUser !== null && !listed.has(t.customerUser.login.toLowerCase())).map((t: any) => t.customerUser.login.toLowerCase())).size;
}

/** Runs one request over HTTP and returns its data and the statements it cost. */
async function cost(app: TestApp, query: string, variables: Record<string, unknown>): Promise<{ data: any; operations: number }> {
  const { result, operations } = await app.countOperations(() => app.http(query, variables));
  expect(result.errors).toBeUndefined();
  expect(result.status).toBe(200);
  if (process.env.ROUNDTRIPS_LOG) console.log(`${app === naive ? 'naive' : 'batched'} ${/(query|mutation) (\w+)/.exec(query)?.[2]} ${JSON.stringify(variables)}: ${operations}`);
  return { data: withNodes(result.data), operations };
}

/** The shipped operations select `edges { node }`: gives each such connection its `nodes` too, for the checks below. */
function withNodes(value: any): any {
  if (Array.isArray(value)) return value.map(withNodes);
  if (value === null || typeof value !== 'object') return value;
  const out: any = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNodes(v)]));
  if (Array.isArray(out.edges) && !('nodes' in out)) out.nodes = out.edges.map((e: any) => e.node);
  return out;
}

describe('the generated dataset', () => {
  test('has a light and a heavy customer', () => {
    expect(light.tickets).toBeGreaterThanOrEqual(5);
    expect(light.tickets).toBeLessThanOrEqual(20);
    expect(heavy.tickets).toBeGreaterThanOrEqual(1000);
  });
});

describe('CustomerList', () => {
  test('first 5 and first 50 cost the same: one statement (the page with its total and its counts)', async () => {
    const five = await cost(batched, CUSTOMER_LIST, { first: 5 });
    const fifty = await cost(batched, CUSTOMER_LIST, { first: 50 });
    expect(five.data.customers.nodes).toHaveLength(5);
    expect(fifty.data.customers.nodes.length).toBeGreaterThan(30);
    expect(fifty.data.customers.nodes.some((n: any) => n.ticketCounts.open > 0)).toBe(true);
    expect(fifty.operations).toBe(1);
    expect(fifty.operations).toBe(five.operations);
  });

  test('the next page costs the same', async () => {
    const first = await cost(batched, CUSTOMER_LIST, { first: 10 });
    const next = await cost(batched, CUSTOMER_LIST, { first: 10, after: first.data.customers.pageInfo.endCursor });
    expect(next.data.customers.nodes[0].customerId).not.toBe(first.data.customers.nodes[0].customerId);
    expect(next.operations).toBe(first.operations);
  });

  test('without batching, each customer costs its own statement', async () => {
    const five = await cost(naive, CUSTOMER_LIST, { first: 5 });
    const fifty = await cost(naive, CUSTOMER_LIST, { first: 50 });
    const batchedFifty = await cost(batched, CUSTOMER_LIST, { first: 50 });
    expect(fifty.data).toEqual(batchedFifty.data);
    expect([five.operations, fifty.operations]).toEqual([6, 51]);
    expect(fifty.operations).toBeGreaterThanOrEqual(five.operations + 45);
    expect(fifty.operations).toBeGreaterThan(batchedFifty.operations);
  });
});

describe('CustomerDetailView', () => {
  test('4 statements, and a fifth only for ticket users the page did not list: the same for a customer with ~10 tickets and one with thousands', async () => {
    const small = await cost(batched, CUSTOMER_DETAIL, { customerId: light.customerId });
    const large = await cost(batched, CUSTOMER_DETAIL, { customerId: heavy.customerId });
    expect(small.data.customer.ticketCounts.total).toBe(light.tickets);
    expect(large.data.customer.ticketCounts.total).toBe(heavy.tickets);
    expect(large.data.customer.tickets.nodes).toHaveLength(25);
    expect(large.data.customer.customerUsers.nodes).toHaveLength(25);
    expect(large.data.customer.escalatedTickets.nodes).toHaveLength(10);
    expect(large.data.customer.openTickets.nodes).toHaveLength(10);
    expect(small.data.customer.customerUsers.nodes.length).toBeGreaterThan(0);
    expect(small.data.customer.tickets.nodes.some((t: any) => t.customerUser !== null)).toBe(true);
    // The light customer's tickets name only users its page lists; the heavy one's name others too.
    expect(unlistedTicketUsers(small.data.customer)).toBe(0);
    expect(unlistedTicketUsers(large.data.customer)).toBeGreaterThan(0);
    expectStatements(small.operations, 4);
    expectStatements(large.operations, 5);
  });

  test('without batching it costs more, and more for the heavy customer', async () => {
    const large = await cost(naive, CUSTOMER_DETAIL, { customerId: heavy.customerId });
    const reference = await cost(batched, CUSTOMER_DETAIL, { customerId: heavy.customerId });
    expect(large.data).toEqual(reference.data);
    // One statement per loaded thing (no batches to meet): the same every time, per engine.
    expect(large.operations).toBe(60);
    expect(large.operations).toBeGreaterThan(reference.operations + 20);
  });
});

describe('ticket widgets of several customers and page sizes', () => {
  const WIDGETS = `query($a: ID!, $b: ID!) {
    a: customer(customerId: $a) {
      t3: tickets(first: 3) { nodes { number createdAt } pageInfo { hasNextPage endCursor } }
      t30: tickets(first: 30) { nodes { number createdAt } }
      e5: escalatedTickets(first: 5) { nodes { number escalationAt } }
      e20: escalatedTickets(first: 20) { nodes { number escalationAt } }
    }
    b: customer(customerId: $b) { tickets(first: 30) { nodes { number } } escalatedTickets(first: 20) { nodes { number } } }
  }`;
  const ONE = `query($a: ID!) { a: customer(customerId: $a) { tickets(first: 3) { nodes { number } } escalatedTickets(first: 5) { nodes { number } } } }`;

  test('come from one batch, each page in its order and size', async () => {
    const both = await cost(batched, WIDGETS, { a: heavy.customerId, b: light.customerId });
    const one = await cost(batched, ONE, { a: heavy.customerId });
    expect(both.operations).toBe(one.operations);
    const a = both.data.a;
    expect(a.t30.nodes).toHaveLength(30);
    expect(a.t3.nodes).toEqual(a.t30.nodes.slice(0, 3));
    expect(a.t3.pageInfo.hasNextPage).toBe(true);
    const created = a.t30.nodes.map((t: any) => Date.parse(t.createdAt));
    expect(created).toEqual([...created].sort((x, y) => y - x));
    expect(a.e5.nodes).toEqual(a.e20.nodes.slice(0, 5));
    const escalations = a.e20.nodes.map((t: any) => Date.parse(t.escalationAt));
    expect(escalations).toEqual([...escalations].sort((x, y) => x - y));
    expect(both.data.b.tickets.nodes).toHaveLength(light.tickets);
    const next = await cost(batched, `query($a: ID!, $after: String) { customer(customerId: $a) { tickets(first: 27, after: $after) { nodes { number createdAt } } } }`, {
      a: heavy.customerId,
      after: a.t3.pageInfo.endCursor,
    });
    expect(next.data.customer.tickets.nodes).toEqual(a.t30.nodes.slice(3));
  });
});

describe('CustomerUserDetail', () => {
  test('4 statements', async () => {
    const { data, operations } = await cost(batched, CUSTOMER_USER_DETAIL, { login: busyUser });
    expect(data.customerUser.tickets.nodes).toHaveLength(10);
    expect(data.customerUser.customer).not.toBeNull();
    expectStatements(operations, 4);
  });
});

describe('lists of N tickets with their customers and customer users', () => {
  test("a customer's tickets: N = 5 and N = 50 cost the same", async () => {
    const five = await cost(batched, TICKETS_WITH_OWNERS, { customerId: heavy.customerId, n: 5 });
    const fifty = await cost(batched, TICKETS_WITH_OWNERS, { customerId: heavy.customerId, n: 50 });
    const nodes = fifty.data.customer.tickets.nodes;
    expect(nodes).toHaveLength(50);
    expect(new Set(nodes.map((t: any) => t.customerUser?.login).filter(Boolean)).size).toBeGreaterThan(5);
    expect(fifty.operations).toBe(five.operations);
    expectStatements(fifty.operations, 6);

    const naiveFifty = await cost(naive, TICKETS_WITH_OWNERS, { customerId: heavy.customerId, n: 50 });
    expect(naiveFifty.data).toEqual(fifty.data);
    expect(naiveFifty.operations).toBe(80);
  });

  test("a customer user's tickets: N = 5 and N = 50 cost the same", async () => {
    const five = await cost(batched, USER_TICKETS_WITH_OWNERS, { login: busyUser, n: 5 });
    const fifty = await cost(batched, USER_TICKETS_WITH_OWNERS, { login: busyUser, n: 50 });
    expect(fifty.data.customerUser.tickets.nodes.length).toBeGreaterThan(25);
    expect(new Set(fifty.data.customerUser.tickets.nodes.map((t: any) => t.customer.customerId)).size).toBeGreaterThan(1);
    expect(fifty.operations).toBe(five.operations);
    expectStatements(fifty.operations, 3);
  });

  test('customer users with their customers: N = 5 and N = 50 cost the same', async () => {
    const five = await cost(batched, USERS_WITH_CUSTOMERS, { n: 5 });
    const fifty = await cost(batched, USERS_WITH_CUSTOMERS, { n: 50 });
    expect(fifty.data.customerUsers.nodes).toHaveLength(50);
    expect(fifty.operations).toBe(five.operations);
    expectStatements(fifty.operations, 4);
    const naiveFifty = await cost(naive, USERS_WITH_CUSTOMERS, { n: 50 });
    expect(naiveFifty.operations).toBe(115);
  });
});
