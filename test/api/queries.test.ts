import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type GqlResult, type TestApp } from '../helpers/test-app';

type Run = (t: TestApp, query: string, variables?: Record<string, unknown>) => Promise<GqlResult>;
const overHttp: Run = (t, q, v) => t.http(q, v, { token: TOKENS.reader });
const inProcess: Run = (t, q, v) => t.exec(q, v, 'reader');

const titles = (conn: { nodes: { title: string }[] }) => conn.nodes.map((n) => n.title.split(' ')[0]);

describe.each([
  ['over HTTP', overHttp],
  ['in process', inProcess],
])('queries %s', (_how, run) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  test('ticket counts equal the hand-counted fixture', async () => {
    const res = await run(t, `{
      acme: customer(customerId: "acme") { ticketCounts { open closed escalated pendingReminder total } }
      globex: customer(customerId: "GLOBEX") { ticketCounts { open closed escalated pendingReminder total } }
      mueller: customer(customerId: "MUELLER") { ticketCounts { open closed escalated pendingReminder total } }
      jdoe: customerUser(login: "JDoe") { ticketCounts { open closed escalated pendingReminder total } }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.acme.ticketCounts).toEqual({ open: 5, closed: 4, escalated: 2, pendingReminder: 2, total: 9 });
    expect(res.data.globex.ticketCounts).toEqual({ open: 1, closed: 0, escalated: 0, pendingReminder: 0, total: 1 });
    expect(res.data.mueller.ticketCounts).toEqual({ open: 0, closed: 0, escalated: 0, pendingReminder: 0, total: 0 });
    expect(res.data.jdoe.ticketCounts).toEqual({ open: 2, closed: 1, escalated: 1, pendingReminder: 1, total: 3 });
  });

  test('widget lists: members, order and totals', async () => {
    const res = await run(t, `{ customer(customerId: "ACME") {
      escalatedTickets { totalCount nodes { title escalated } }
      reminderTickets { totalCount nodes { title } }
      reached: reminderTickets(reachedOnly: true) { totalCount nodes { title } }
      openTickets { totalCount nodes { title } }
      tickets { totalCount nodes { title } }
      closed: tickets(stateTypes: [CLOSED, MERGED]) { totalCount nodes { title stateType } }
      pendingAuto: tickets(stateTypes: [PENDING_AUTO]) { totalCount nodes { title pendingUntil } }
    } }`);
    expect(res.errors).toBeUndefined();
    const c = res.data.customer;
    expect(titles(c.escalatedTickets)).toEqual(['A2', 'A1']); // most overdue first
    expect(c.escalatedTickets.nodes.every((n: { escalated: boolean }) => n.escalated)).toBe(true);
    expect(c.escalatedTickets.totalCount).toBe(2);
    expect(titles(c.reminderTickets)).toEqual(['A4', 'A5']); // soonest reminder first
    expect(c.reminderTickets.totalCount).toBe(2);
    expect(titles(c.reached)).toEqual(['A4']);
    expect(c.reached.totalCount).toBe(1);
    expect(titles(c.openTickets)).toEqual(['A5', 'A4', 'A3', 'A2', 'A1']); // newest first
    expect(c.openTickets.totalCount).toBe(5);
    expect(titles(c.tickets)).toEqual(['A5', 'A4', 'A3', 'A2', 'A1', 'A9', 'A8', 'A7', 'A6']);
    expect(c.tickets.totalCount).toBe(9);
    expect(titles(c.closed)).toEqual(['A9', 'A7', 'A6']);
    expect(c.closed.totalCount).toBe(3);
    expect(c.pendingAuto.totalCount).toBe(1);
    expect(c.pendingAuto.nodes[0].pendingUntil).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('a closed ticket past its escalation time is not escalated', async () => {
    const res = await run(t, '{ customer(customerId: "ACME") { tickets(stateTypes: [CLOSED]) { nodes { title escalated escalationAt } } } }');
    const a6 = res.data.customer.tickets.nodes.find((n: { title: string }) => n.title.startsWith('A6'));
    expect(a6.escalationAt).not.toBeNull();
    expect(a6.escalated).toBe(false);
  });

  test('customer users of a customer: VALID by default, by last name, first name, login, with counts', async () => {
    const res = await run(t, `{ customer(customerId: "ACME") {
      customerUsers { totalCount nodes { login fullName ticketCounts { open closed } } }
      all: customerUsers(valid: [VALID, INVALID]) { totalCount nodes { login valid } }
    } }`);
    const c = res.data.customer;
    expect(c.customerUsers.nodes.map((u: { login: string }) => u.login)).toEqual(['jdoe', 'asmith', 'bsmith']);
    expect(c.customerUsers.totalCount).toBe(3);
    expect(c.customerUsers.nodes[0]).toEqual({ login: 'jdoe', fullName: 'Dr. John Doe', ticketCounts: { open: 2, closed: 1 } });
    expect(c.customerUsers.nodes[1].ticketCounts).toEqual({ open: 2, closed: 1 });
    expect(c.all.totalCount).toBe(4);
    expect(c.all.nodes.map((u: { login: string }) => u.login)).toContain('old.timer');
  });

  test('a customer user: all ids primary first, the primary customer, tickets', async () => {
    const res = await run(t, `{ customerUser(login: "JDOE") {
      login customerId customerIds customer { customerId name } dataSource { id kind readOnly }
      tickets(first: 2) { totalCount pageInfo { hasNextPage } nodes { title customer { customerId } customerUser { login } } }
    } }`);
    expect(res.data.customerUser).toMatchObject({
      login: 'jdoe',
      customerId: 'ACME',
      customerIds: ['ACME', 'globex', 'MUELLER'],
      customer: { customerId: 'ACME', name: 'Acme Corporation' },
      dataSource: { id: 'local', kind: t.app.store.kind, readOnly: false },
    });
    expect(res.data.customerUser.tickets).toEqual({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      nodes: [
        { title: 'A5 reminder later', customer: { customerId: 'ACME' }, customerUser: { login: 'jdoe' } },
        { title: 'A1 new, escalated', customer: { customerId: 'ACME' }, customerUser: { login: 'jdoe' } },
      ],
    });
  });

  test('customers: VALID only by default, ordered by name then id; search literal; dataSource filter', async () => {
    const res = await run(t, `{
      all: customers { totalCount nodes { customerId } }
      invalid: customers(valid: [INVALID, INVALID_TEMPORARILY]) { nodes { customerId valid } }
      pct: customers(search: "100%") { nodes { customerId } }
      under: customers(search: "_", valid: [VALID, INVALID]) { nodes { customerId } }
      local: customers(dataSource: "local", first: 1) { totalCount nodes { customerId } }
    }`);
    expect(res.data.all.nodes.map((c: { customerId: string }) => c.customerId)).toEqual(['ACME', 'globex', 'INITECH', 'MUELLER']);
    expect(res.data.all.totalCount).toBe(4);
    expect(res.data.invalid.nodes).toEqual([
      { customerId: 'ZENITH', valid: 'INVALID_TEMPORARILY' },
      { customerId: 'UMBRELLA', valid: 'INVALID' },
    ]);
    expect(res.data.pct.nodes).toEqual([{ customerId: 'INITECH' }]);
    expect(res.data.under.nodes).toEqual([{ customerId: 'UMBRELLA' }]);
    expect(res.data.local).toEqual({ totalCount: 4, nodes: [{ customerId: 'ACME' }] });
    const missing = await run(t, '{ customers(dataSource: "nope") { totalCount } }');
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'dataSource' });
  });

  test('customer users: search, customerId filter, ordering', async () => {
    const res = await run(t, `{
      smiths: customerUsers(search: "SMITH") { nodes { login } }
      globex: customerUsers(customerId: "globex") { totalCount nodes { login } }
    }`);
    expect(res.data.smiths.nodes.map((u: { login: string }) => u.login)).toEqual(['asmith', 'bsmith']);
    expect(res.data.globex).toEqual({ totalCount: 2, nodes: [{ login: 'jdoe' }, { login: 'hsimpson' }] });
  });

  test('walking customers two at a time gives the full list; walking tickets likewise', async () => {
    const full = (await run(t, '{ customers(valid: [VALID, INVALID, INVALID_TEMPORARILY]) { nodes { customerId } } }')).data.customers.nodes;
    const walked: unknown[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: GqlResult = await run(t, 'query($after: String) { customers(first: 2, after: $after, valid: [VALID, INVALID, INVALID_TEMPORARILY]) { pageInfo { hasNextPage endCursor } nodes { customerId } } }', { after });
      walked.push(...page.data.customers.nodes);
      if (!page.data.customers.pageInfo.hasNextPage) break;
      after = page.data.customers.pageInfo.endCursor;
    }
    expect(walked).toEqual(full);
    expect(full).toHaveLength(6);

    const allTickets = (await run(t, '{ customer(customerId: "ACME") { tickets(first: 100) { nodes { number } } } }')).data.customer.tickets.nodes;
    const walkedTickets: unknown[] = [];
    after = null;
    for (let i = 0; i < 10; i++) {
      const page: GqlResult = await run(t, 'query($after: String) { customer(customerId: "ACME") { tickets(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { number } } } }', { after });
      walkedTickets.push(...page.data.customer.tickets.nodes);
      if (!page.data.customer.tickets.pageInfo.hasNextPage) break;
      after = page.data.customer.tickets.pageInfo.endCursor;
    }
    expect(walkedTickets).toEqual(allTickets);
    expect(allTickets).toHaveLength(9);
  });

  test('lookups ignore case; unknown ones are null', async () => {
    const res = await run(t, '{ a: customer(customerId: "aCmE") { customerId } b: customer(customerId: "nope") { customerId } u: customerUser(login: "nobody") { login } t: ticket(number: "0") { number } }');
    expect(res.data).toEqual({ a: { customerId: 'ACME' }, b: null, u: null, t: null });
  });

  test('ticket by number with its customer and customer user', async () => {
    const number = (await run(t, '{ customer(customerId: "globex") { tickets { nodes { number } } } }')).data.customer.tickets.nodes[0].number;
    const res = await run(t, 'query($n: String!) { ticket(number: $n) { number title state stateType priority queue customerId customerUserLogin customer { name } customerUser { fullName } escalated } }', { n: number });
    expect(res.data.ticket).toEqual({
      number, title: 'G1 open', state: 'open', stateType: 'OPEN', priority: '3 normal', queue: 'Raw', customerId: 'globex',
      customerUserLogin: 'hsimpson', customer: { name: 'Globex' }, customerUser: { fullName: 'Homer Simpson' }, escalated: false,
    });
  });

  test('information card: map link from the template (null without street and city), web and social links', async () => {
    const res = await run(t, `{
      acme: customer(customerId: "ACME") { mapUrl links { kind label url } country { code name } }
      globex: customer(customerId: "globex") { mapUrl }
      zenith: customer(customerId: "ZENITH") { mapUrl links { kind } }
    }`);
    expect(res.data.acme.mapUrl).toBe('https://maps.example/?q=Main%20Street%201,%2010115%20Berlin,%20Germany');
    expect(res.data.acme.links).toEqual([
      { kind: 'web', label: 'Website', url: 'https://acme.example' },
      { kind: 'map', label: 'Map', url: res.data.acme.mapUrl },
      { kind: 'social', label: 'LinkedIn', url: 'https://www.linkedin.com/search/results/companies/?keywords=Acme%20Corporation' },
    ]);
    expect(res.data.acme.country).toEqual({ code: 'DE', name: 'Germany' });
    expect(res.data.globex.mapUrl).toBe('https://maps.example/?q=,%20%20Springfield,%20United%20States%20of%20America');
    expect(res.data.zenith.mapUrl).toBeNull();
    expect(res.data.zenith.links.map((l: { kind: string }) => l.kind)).toEqual(['social']);
  });

  test('data sources and countries', async () => {
    const res = await run(t, '{ dataSources { id name kind readOnly objects available } writable: dataSources(writable: true) { id } ro: dataSources(writable: false) { id } countries { code name } }');
    expect(res.data.dataSources).toEqual([{ id: 'local', name: 'Helpdesk database', kind: t.app.store.kind, readOnly: false, objects: ['CUSTOMER', 'CUSTOMER_USER'], available: true }]);
    expect(res.data.writable).toEqual([{ id: 'local' }]);
    expect(res.data.ro).toEqual([]);
    expect(res.data.countries.length).toBeGreaterThanOrEqual(249);
    expect(res.data.countries).toContainEqual({ code: 'DE', name: 'Germany' });
    const names = res.data.countries.map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
