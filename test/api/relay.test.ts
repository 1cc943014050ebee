import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type GqlResult, type TestApp } from '../helpers/test-app';

const CUSTOMERS_FORWARD = `query($first: Int, $after: String) { customers(first: $first, after: $after, valid: [VALID, INVALID, INVALID_TEMPORARILY]) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id customerId } } nodes { customerId } } }`;
const CUSTOMERS_BACKWARD = `query($last: Int, $before: String) { customers(last: $last, before: $before, valid: [VALID, INVALID, INVALID_TEMPORARILY]) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id customerId } } } }`;

type Edge = { cursor: string; node: { id: string; customerId: string } };

describe('Relay: global ids and connections in both directions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  test('a backward walk returns the forward walk reversed, page for page', async () => {
    const forward: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const res: GqlResult = await t.http(CUSTOMERS_FORWARD, { first: 2, after });
      expect(res.errors).toBeUndefined();
      const c: any = res.data.customers;
      forward.push(c.edges.map((e: Edge) => e.node.customerId));
      expect(c.nodes.map((n: { customerId: string }) => n.customerId)).toEqual(forward[forward.length - 1]);
      expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(c.pageInfo.startCursor).toBe(c.edges[0].cursor);
      expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1].cursor);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    const backward: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const res: GqlResult = await t.http(CUSTOMERS_BACKWARD, { last: 2, before });
      expect(res.errors).toBeUndefined();
      const c: any = res.data.customers;
      backward.push(c.edges.map((e: Edge) => e.node.customerId));
      expect(c.pageInfo.hasNextPage).toBe(before !== null);
      if (!c.pageInfo.hasPreviousPage) break;
      before = c.pageInfo.startCursor;
    }
    expect(forward.flat()).toHaveLength(6);
    // 6 records in pages of 2 from either end: the same pages.
    expect(backward.reverse()).toEqual(forward);
  });

  test('an edge cursor continues the list after or before its node', async () => {
    const all = (await t.http(CUSTOMERS_FORWARD, { first: 6 })).data.customers.edges as Edge[];
    const after = (await t.http(CUSTOMERS_FORWARD, { first: 2, after: all[1]!.cursor })).data.customers.edges as Edge[];
    expect(after.map((e) => e.node.customerId)).toEqual(all.slice(2, 4).map((e) => e.node.customerId));
    const before = (await t.http(CUSTOMERS_BACKWARD, { last: 2, before: all[4]!.cursor })).data.customers.edges as Edge[];
    expect(before.map((e) => e.node.customerId)).toEqual(all.slice(2, 4).map((e) => e.node.customerId));
  });

  test('first with last is BAD_USER_INPUT, as is a size out of range or a cursor of another list', async () => {
    const both = await t.http('{ customers(first: 2, last: 2) { totalCount } }');
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const big = await t.http('{ customers(last: 1000) { totalCount } }');
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const ticketCursor = (await t.http('{ customer(customerId: "ACME") { tickets(first: 1) { pageInfo { endCursor } } } }')).data.customer.tickets.pageInfo.endCursor;
    const foreign = await t.http('query($c: String) { customers(last: 2, before: $c) { totalCount } }', { c: ticketCursor });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });

  test('ticket lists and a customer\'s customer users page backward too', async () => {
    const q = `query($last: Int, $before: String) { customer(customerId: "ACME") {
      tickets(last: $last, before: $before) { pageInfo { hasPreviousPage hasNextPage startCursor } edges { cursor node { id number title } } }
      openTickets(last: 2) { edges { node { title } } }
      escalatedTickets(last: 1) { edges { node { title } } }
      customerUsers(last: 2) { pageInfo { hasPreviousPage } edges { node { id login tickets(last: 1) { edges { node { title } } } } } }
    } }`;
    const forward = (await t.http('{ customer(customerId: "ACME") { tickets(first: 50) { nodes { title } } openTickets(first: 50) { nodes { title } } escalatedTickets(first: 50) { nodes { title } } customerUsers(first: 50) { nodes { login } } } }')).data.customer;
    const titles = forward.tickets.nodes.map((n: { title: string }) => n.title);
    const collected: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const res: GqlResult = await t.http(q, { last: 4, before });
      expect(res.errors).toBeUndefined();
      const c: any = res.data.customer;
      collected.unshift(c.tickets.edges.map((e: { node: { title: string } }) => e.node.title));
      if (before === null) {
        expect(c.openTickets.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(forward.openTickets.nodes.slice(-2).map((n: { title: string }) => n.title));
        expect(c.escalatedTickets.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(forward.escalatedTickets.nodes.slice(-1).map((n: { title: string }) => n.title));
        expect(c.customerUsers.edges.map((e: { node: { login: string } }) => e.node.login)).toEqual(forward.customerUsers.nodes.slice(-2).map((n: { login: string }) => n.login));
        expect(c.customerUsers.pageInfo.hasPreviousPage).toBe(true);
      }
      if (!c.tickets.pageInfo.hasPreviousPage) break;
      before = c.tickets.pageInfo.startCursor;
    }
    expect(collected.flat()).toEqual(titles);
    expect(titles).toHaveLength(9);
  });

  test('node and nodes look records up by global id, batched, null for unknown or forged ids', async () => {
    const ids = (await t.http('{ customer(customerId: "acme") { id customerUsers(first: 1) { nodes { id login } } tickets(first: 1) { nodes { id number } } } }')).data.customer;
    const customerId = ids.id as string;
    const userId = ids.customerUsers.nodes[0].id as string;
    const ticketId = ids.tickets.nodes[0].id as string;
    expect(new Set([customerId, userId, ticketId]).size).toBe(3);
    const one = await t.http(`query($id: ID!) { node(id: $id) { id __typename ... on Customer { customerId } ... on CustomerUser { login } ... on Ticket { number } } }`, { id: userId });
    expect(one.data.node).toEqual({ id: userId, __typename: 'CustomerUser', login: ids.customerUsers.nodes[0].login });
    const forged = Buffer.from(JSON.stringify(['Customer', 'local', '999999'])).toString('base64url');
    const wrongKind = Buffer.from(JSON.stringify(['Invoice', 1])).toString('base64url');
    const list = ['not base64!', customerId, forged, wrongKind, ticketId, userId, ''];
    const { result, operations } = await t.countOperations(() => t.http('query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }', { ids: list }));
    expect(result.errors).toBeUndefined();
    expect(result.data.nodes).toEqual([null, { id: customerId, __typename: 'Customer' }, null, null, { id: ticketId, __typename: 'Ticket' }, { id: userId, __typename: 'CustomerUser' }, null]);
    // One statement per kind of record, whatever the number of ids.
    expect(operations).toBe(3);
  });

  test('a rename keeps the global id', async () => {
    const before = (await t.http('{ customer(customerId: "INITECH") { id } }')).data.customer.id;
    const renamed = await t.http('mutation { updateCustomer(customerId: "INITECH", input: { customerId: "INITECH-2" }) { id customerId } }');
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data.updateCustomer).toEqual({ id: before, customerId: 'INITECH-2' });
    const node = await t.http('query($id: ID!) { node(id: $id) { ... on Customer { customerId } } }', { id: before }, { token: TOKENS.reader });
    expect(node.data.node).toEqual({ customerId: 'INITECH-2' });
  });
});
