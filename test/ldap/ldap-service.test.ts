import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Validity } from '../../src/domain/records';
import { startTestApp, type GqlResult, type TestApp } from '../helpers/test-app';
import { openldapSourceConfig } from './ldap-fixture';
import { FIXTURES_DIR, layoutLdif, startSlapd, writeBulkCustomersLdif, type Slapd } from './slapd';

// The full service with the helpdesk database first and the directory second, as an integrator
// configures it; the directory holds the conformance dataset plus fixtures/ldap/edge-cases.ldif.

const LOCAL = { id: 'local', name: 'Helpdesk database', kind: 'sqlite' };
const operations = join(__dirname, '../../schema/operations');
const CUSTOMER_LIST = readFileSync(join(operations, 'CustomerList.graphql'), 'utf8');
const CUSTOMER_DETAIL = readFileSync(join(operations, 'CustomerDetailView.graphql'), 'utf8');

const codes = (r: GqlResult) => (r.errors ?? []).map((e) => e.extensions?.code);
const ok = <T extends GqlResult>(r: T): T => {
  if (r.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r;
};

/** Round trips per data source kind made by one call (the contract's counter, by label). */
async function countByKind<T>(app: TestApp, fn: () => Promise<T>): Promise<{ result: T; ldap: number; sqlite: number }> {
  const read = async () => {
    const metric = app.app.metrics.registry.getSingleMetric('helpdesk_datasource_operations_total')!;
    const values = (await metric.get()).values;
    const sum = (kind: string) => values.filter((v) => v.labels.kind === kind).reduce((s, v) => s + v.value, 0);
    return { ldap: sum('ldap'), sqlite: sum('sqlite') };
  };
  const before = await read();
  const result = await fn();
  const after = await read();
  return { result, ldap: after.ldap - before.ldap, sqlite: after.sqlite - before.sqlite };
}

const CREATE_CUSTOMER = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId } }`;
const CREATE_USER = `mutation($input: CreateCustomerUserInput!) { createCustomerUser(input: $input) { login } }`;
const CREATE_TICKET = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { number } }`;

describe('LDAP and SQLite sources in one service', () => {
  let slapd: Slapd;
  let t: TestApp;
  let acmeTicket: string;

  beforeAll(async () => {
    slapd = await startSlapd({ ldif: [...layoutLdif('openldap'), join(FIXTURES_DIR, 'edge-cases.ldif')] });
    t = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(slapd.url)] } });
    ok(await t.exec(CREATE_CUSTOMER, { input: { dataSource: 'local', customerId: 'LOCALCO', name: 'Local Company', country: 'NL', city: 'Utrecht' } }));
    // A helpdesk-database user of a directory customer.
    ok(await t.exec(CREATE_USER, { input: { dataSource: 'local', login: 'local.user', email: 'local@example.com', firstName: 'Lo', lastName: 'Cal', customerId: 'ACME' } }));
    acmeTicket = ok(await t.exec(CREATE_TICKET, { input: { title: 'Printer on fire', customerUserLogin: 'jdoe', escalationAt: '2020-01-01T00:00:00Z' } })).data.createTicket.number;
    ok(await t.exec(CREATE_TICKET, { input: { title: 'Closed one', customerUserLogin: 'asmith', state: 'closed successful' } }));
    ok(await t.exec(CREATE_TICKET, { input: { title: 'For the local user', customerUserLogin: 'local.user' } }));
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.dispose();
  });

  test('a directory user of a database customer, and a database user of a directory customer', async () => {
    const r = ok(
      await t.exec(`{
        ext: customerUser(login: "EXT.USER") { login dataSource { id } customer { customerId name dataSource { id } } }
        local: customerUser(login: "local.user") { dataSource { id } customer { customerId name dataSource { id } } }
        acme: customer(customerId: "acme") { dataSource { id readOnly } customerUsers(first: 25) { totalCount nodes { login dataSource { id } } } }
        localco: customer(customerId: "LOCALCO") { customerUsers { nodes { login dataSource { id } } } }
      }`),
    );
    expect(r.data.ext).toEqual({ login: 'ext.user', dataSource: { id: 'directory' }, customer: { customerId: 'LOCALCO', name: 'Local Company', dataSource: { id: 'local' } } });
    expect(r.data.local).toEqual({ dataSource: { id: 'local' }, customer: { customerId: 'ACME', name: 'Acme Corporation', dataSource: { id: 'directory' } } });
    expect(r.data.acme.dataSource).toEqual({ id: 'directory', readOnly: true });
    expect(r.data.acme.customerUsers.nodes.map((u: any) => `${u.login}@${u.dataSource.id}`)).toEqual([
      'local.user@local', // Cal
      'jdoe@directory', // Doe
      'asmith@directory',
      'bsmith@directory',
      'ext.user@directory',
    ]);
    expect(r.data.acme.customerUsers.totalCount).toBe(5);
    expect(r.data.localco.customerUsers.nodes).toEqual([{ login: 'ext.user', dataSource: { id: 'directory' } }]);
  });

  test('tickets of directory customers and users count and list', async () => {
    const r = ok(
      await t.exec(`{
        customer(customerId: "ACME") { ticketCounts { open closed escalated total } tickets { totalCount nodes { title customerUser { login } } } }
        customerUser(login: "jdoe") { ticketCounts { open escalated total } tickets { nodes { number customer { customerId } } } }
      }`),
    );
    expect(r.data.customer.ticketCounts).toEqual({ open: 2, closed: 1, escalated: 1, total: 3 });
    expect(r.data.customer.tickets.nodes.map((n: any) => n.customerUser.login).sort()).toEqual(['asmith', 'jdoe', 'local.user']);
    expect(r.data.customerUser).toEqual({ ticketCounts: { open: 1, escalated: 1, total: 1 }, tickets: { nodes: [{ number: acmeTicket, customer: { customerId: 'ACME' } }] } });
  });

  test('a database customer id or login that exists in the directory is CONFLICT; directory records are read-only', async () => {
    const dupCustomer = await t.exec(CREATE_CUSTOMER, { input: { dataSource: 'local', customerId: 'mueller', name: 'Another', country: 'DE' } });
    expect(codes(dupCustomer)).toEqual(['CONFLICT']);
    const dupUser = await t.exec(CREATE_USER, { input: { dataSource: 'local', login: 'JDoe', email: 'j@example.com', firstName: 'J', lastName: 'D', customerId: 'LOCALCO' } });
    expect(codes(dupUser)).toEqual(['CONFLICT']);
    const { result: intoLdap, ldap } = await countByKind(t, () =>
      t.exec(CREATE_CUSTOMER, { input: { dataSource: 'directory', customerId: 'NEWCO', name: 'New', country: 'DE' } }),
    );
    expect(codes(intoLdap)).toEqual(['READ_ONLY_DATA_SOURCE']);
    expect(ldap).toBe(0);
    expect(codes(await t.exec(`mutation { updateCustomer(customerId: "ACME", input: { city: "X" }) { city } }`))).toEqual(['READ_ONLY_DATA_SOURCE']);
    expect(codes(await t.exec(`mutation { updateCustomerUser(login: "jdoe", input: { city: "X" }) { city } }`))).toEqual(['READ_ONLY_DATA_SOURCE']);
    const back = ok(await t.exec(`{ customer(customerId: "ACME") { city } }`));
    expect(back.data.customer.city).toBe('Berlin');
  });

  test('a record in both sources is taken from the first, counted once; the duplicate is logged once', async () => {
    const before = ok(await t.exec(`{ customers(valid: [VALID, INVALID, INVALID_TEMPORARILY]) { totalCount } }`)).data.customers.totalCount;
    // Written straight into the database (the service would refuse it): an id the directory has.
    await t.app.sources.get('local').createCustomer({ customerId: 'initech', name: 'Initech (database copy)', valid: Validity.VALID, street: null, zip: null, city: null, countryCode: 'US', url: null, comment: null });
    const warn = jest.spyOn(t.app.logger, 'warn');
    try {
      for (let i = 0; i < 3; i++) {
        const r = ok(await t.exec(`{ customers(search: "initech") { totalCount nodes { customerId name dataSource { id } } } customer(customerId: "INITECH") { name } }`));
        expect(r.data.customers.nodes).toEqual([{ customerId: 'initech', name: 'Initech (database copy)', dataSource: { id: 'local' } }]);
        expect(r.data.customers.totalCount).toBe(1);
        expect(r.data.customer.name).toBe('Initech (database copy)');
      }
      // The whole list: the same total as before the copy (the record was already counted once).
      const after = ok(await t.exec(`{ customers(valid: [VALID, INVALID, INVALID_TEMPORARILY]) { totalCount } }`)).data.customers.totalCount;
      expect(after).toBe(before);
      const duplicateLogs = warn.mock.calls.filter(([obj]) => (obj as any)?.key === 'initech');
      expect(duplicateLogs).toHaveLength(1);
      expect(duplicateLogs[0]![0]).toMatchObject({ usedSource: 'local', ignoredSource: 'directory' });
    } finally {
      warn.mockRestore();
    }
  });

  test('directory down: /readyz names it; LDAP fields fail, database fields resolve; recovery without restart', async () => {
    await slapd.stop();
    try {
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { sources: { id: string; available: boolean }[] };
      expect(body.sources.map((s) => [s.id, s.available])).toEqual([
        ['local', true],
        ['directory', false],
      ]);
      const r = await t.http(`{
        localco: customer(customerId: "LOCALCO") { name customerUsers { totalCount } }
        acme: customer(customerId: "ACME") { name }
        ticket(number: "${acmeTicket}") { title customerId customer { name } }
        dataSources { id available }
      }`);
      expect(r.status).toBe(200);
      // A degraded list (issue 14 item 5): the database's part of LOCALCO's users, the directory's missing.
      expect(r.data!.localco).toEqual({ name: 'Local Company', customerUsers: { totalCount: 0 } });
      expect(r.data!.acme).toBeNull();
      expect(r.data!.ticket).toEqual({ title: 'Printer on fire', customerId: 'ACME', customer: null });
      expect(r.data!.dataSources).toEqual([
        { id: 'local', available: true },
        { id: 'directory', available: false },
      ]);
      const byPath = Object.fromEntries(r.errors!.map((e) => [e.path!.join('.'), e]));
      for (const path of ['acme', 'ticket.customer']) {
        expect(byPath[path]!.extensions!.code).toBe('DATA_SOURCE_UNAVAILABLE');
        expect(byPath[path]!.message).not.toMatch(/127\.0\.0\.1|dc=example|reader|ECONNREFUSED/);
      }
      const localOnly = ok(await t.http(`{ customers(dataSource: "local") { nodes { customerId } } }`));
      expect(localOnly.data!.customers.nodes.map((c: any) => c.customerId)).toContain('LOCALCO');
    } finally {
      await slapd.start();
    }
    const again = ok(await t.http(`{ customer(customerId: "ACME") { name } }`));
    expect(again.data!.customer.name).toBe('Acme Corporation');
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  test('a wrong bind password: DATA_SOURCE_UNAVAILABLE to clients, the password echoed nowhere', async () => {
    const secret = 'N0t-The-Passw0rd';
    const app = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(slapd.url, { bindPassword: secret })] } });
    const warn = jest.spyOn(app.app.logger, 'warn');
    try {
      const r = await app.http(`{ customer(customerId: "ACME") { name } dataSources { id available } }`);
      expect(codes(r)).toEqual(['DATA_SOURCE_UNAVAILABLE']);
      expect(JSON.stringify(r)).not.toContain(secret);
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).not.toContain(secret);
      const logged = JSON.stringify(warn.mock.calls);
      expect(logged).toMatch(/InvalidCredentials/);
      expect(logged).not.toContain(secret);
    } finally {
      warn.mockRestore();
      await app.close();
    }
  });

  test('the service starts while the directory is down', async () => {
    const later = await startSlapd({ ldif: layoutLdif('openldap') });
    await later.stop();
    const app = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(later.url)] } });
    try {
      expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
      await later.start();
      const r = ok(await app.http(`{ customers(first: 3) { totalCount nodes { customerId } } }`));
      expect(r.data!.customers.totalCount).toBe(4);
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    } finally {
      await app.close();
      await later.dispose();
    }
  });
});

describe('round trips with 60 directory customers (the contract counter, by kind)', () => {
  let slapd: Slapd;
  let dir: string;
  let mixed: TestApp;
  let sqliteOnly: TestApp;

  /** The same helpdesk-database content in both services: two customers, tickets of directory customers. */
  async function seed(app: TestApp, withDirectory: boolean) {
    for (const [customerId, name] of [['AAA-LOCAL', 'Aaa local'], ['ZZZ-LOCAL', 'Zzz local']]) {
      ok(await app.exec(CREATE_CUSTOMER, { input: { dataSource: 'local', customerId, name, country: 'DE' } }));
    }
    if (withDirectory) {
      for (const customerId of ['BULK-0001', 'BULK-0002', 'ACME']) ok(await app.exec(CREATE_TICKET, { input: { title: `t ${customerId}`, customerId } }));
      ok(await app.exec(CREATE_TICKET, { input: { title: 'escalated', customerUserLogin: 'jdoe', escalationAt: '2020-01-01T00:00:00Z' } }));
      ok(await app.exec(CREATE_TICKET, { input: { title: 'reminder', customerUserLogin: 'asmith', state: 'pending reminder', pendingUntil: '2020-01-01T00:00:00Z' } }));
      ok(await app.exec(CREATE_TICKET, { input: { title: 'open', customerUserLogin: 'bsmith' } }));
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-ldap-rt-'));
    slapd = await startSlapd({ ldif: [...layoutLdif('openldap'), writeBulkCustomersLdif(dir, 60)] });
    mixed = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(slapd.url)] } });
    sqliteOnly = await startTestApp({ config: { dataSources: [LOCAL] } });
    await seed(mixed, true);
    await seed(sqliteOnly, false);
    // The directory's list indexes fill on first use (one full read each); the counts below are
    // those of a running service.
    ok(await mixed.http(CUSTOMER_LIST, { first: 1 }, { operationName: 'CustomerList' }));
    ok(await mixed.http(`{ customerUsers(first: 1) { totalCount } }`));
  });
  afterAll(async () => {
    await mixed?.close();
    await sqliteOnly?.close();
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('CustomerList: 1 LDAP search per page that lists directory customers, and the SQL of the SQLite-only case', async () => {
    const base = await countByKind(sqliteOnly, () => sqliteOnly.http(CUSTOMER_LIST, { first: 50 }, { operationName: 'CustomerList' }));
    expect(base.ldap).toBe(0);
    let after: string | null = null;
    let seen = 0;
    for (let page = 0; page < 3; page++) {
      const { result, ldap, sqlite } = await countByKind(mixed, () => mixed.http(CUSTOMER_LIST, { first: 50, after }, { operationName: 'CustomerList' }));
      ok(result);
      const nodes = result.data!.customers.edges.map((e: any) => e.node);
      expect(result.data!.customers.totalCount).toBe(2 + 60 + 4);
      seen += nodes.length;
      // One search for the page's directory entries, none for a page without any (the index picks the page).
      expect(ldap).toBe(nodes.some((n: any) => n.dataSource.id === 'directory') ? 1 : 0);
      // The helpdesk's page brings its own customers' counts; the directory's customers' counts
      // take one statement of their own (the SQLite-only list has none to ask for), and the merged
      // total one more: which of the directory's listed keys the database holds too (a record of
      // both counts once), asked by one batched lookup.
      expect(sqlite).toBe(base.sqlite + 2);
      if (!result.data!.customers.pageInfo.hasNextPage) break;
      after = result.data!.customers.pageInfo.endCursor;
    }
    expect(seen).toBe(66);
    const first = ok(await mixed.http(CUSTOMER_LIST, { first: 50 }));
    const sources = new Set(first.data!.customers.edges.map((e: any) => e.node.dataSource.id));
    expect([...sources].sort()).toEqual(['directory', 'local']);
    const bulk1 = first.data!.customers.edges.map((e: any) => e.node).find((n: any) => n.customerId === 'BULK-0001');
    expect(bulk1.ticketCounts).toMatchObject({ open: 1, closed: 0 });
  });

  test('CustomerDetailView of a directory customer whose tickets name only users its page lists: 2 LDAP searches', async () => {
    const { result, ldap } = await countByKind(mixed, () => mixed.http(CUSTOMER_DETAIL, { customerId: 'acme' }, { operationName: 'CustomerDetailView' }));
    ok(result);
    const c = result.data!.customer;
    expect(c).toMatchObject({ customerId: 'ACME', name: 'Acme Corporation', readOnly: true, viewerCanUpdate: false, dataSource: { id: 'directory' } });
    expect(c.customerUsers.edges.map((e: any) => e.node.login)).toEqual(['jdoe', 'asmith', 'bsmith']);
    expect(c.escalatedTickets.edges.map((e: any) => e.node.customerUser.fullName)).toEqual(['Dr. John Doe']);
    expect(c.reminderTickets.edges.map((e: any) => e.node.customerUser.login)).toEqual(['asmith']);
    expect(c.ticketCounts.total).toBe(4);
    // The customer, and its user page's entries (the index picks the page); the tickets' users are on it.
    expect(ldap).toBe(2);
  });
});
