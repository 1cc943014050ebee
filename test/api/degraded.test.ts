import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_DIR } from '../helpers/contract';
import { startTestApp, type GqlResult, type TestApp } from '../helpers/test-app';
import { openldapSourceConfig } from '../ldap/ldap-fixture';
import { layoutLdif, startSlapd, type Slapd } from '../ldap/slapd';

// Contract addition "degraded": a list over several sources keeps serving when one source fails.

const LOCAL = { id: 'local', name: 'Helpdesk database', kind: 'sqlite' };
const TIMEOUT_MS = 400;
const DEGRADED = readFileSync(join(CONTRACT_DIR, 'additions/degraded/operations/DegradedList.graphql'), 'utf8');
const DETAIL = `{ customer(customerId: "LOCALCO") { name customerUsers { totalCount unavailableSources { id } nodes { login } } } }`;

describe('degraded lists: a directory that does not answer', () => {
  let slapd: Slapd;
  let t: TestApp;
  let healthy: GqlResult;

  beforeAll(async () => {
    slapd = await startSlapd({ ldif: layoutLdif('openldap') });
    t = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(slapd.url, { timeoutMs: TIMEOUT_MS })] } });
    const c = await t.exec(`mutation { createCustomer(input: {dataSource: "local", customerId: "LOCALCO", name: "Local Company", country: "NL"}) { customerId } }`);
    expect(c.errors).toBeUndefined();
    const u = await t.exec(`mutation { createCustomerUser(input: {dataSource: "local", login: "local.user", firstName: "Lou", lastName: "Cal", email: "lou@local.example", customerId: "LOCALCO"}) { login } }`);
    expect(u.errors).toBeUndefined();
    healthy = await t.http(DEGRADED, { first: 100 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slapd?.dispose();
  });

  /** What the degraded response must hold: the local records, the directory named, one error per list's source. */
  function expectDegraded(res: GqlResult): void {
    expect(res.status).toBe(200);
    const customers = res.data.customers;
    const users = res.data.customerUsers;
    expect(customers.nodes.map((n: { customerId: string }) => n.customerId)).toEqual(['LOCALCO']);
    expect(customers.totalCount).toBe(1);
    expect(customers.unavailableSources).toEqual([{ id: 'directory', name: expect.any(String) }]);
    expect(users.nodes.map((n: { login: string }) => n.login)).toEqual(['local.user']);
    expect(users.unavailableSources).toEqual([{ id: 'directory' }]);
    // One DATA_SOURCE_UNAVAILABLE per missing source, naming it.
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'DATA_SOURCE_UNAVAILABLE', source: 'directory' } })]);
  }

  test('while the directory answers, lists merge both sources and name none missing', () => {
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data.customers.unavailableSources).toEqual([]);
    // The local customer and the directory's valid ones (fixtures/ldap/openldap-layout.ldif: six,
    // one closed and one suspended).
    expect(healthy.data.customers.totalCount).toBe(1 + 4);
    expect(healthy.data.customers.nodes.map((n: { dataSource: { id: string } }) => n.dataSource.id)).toEqual(expect.arrayContaining(['local', 'directory']));
  });

  test('stopped: both root lists keep the local records, name the directory, and the request keeps its data', async () => {
    await slapd.stop();
    try {
      expectDegraded(await t.http(DEGRADED, { first: 100 }));
      // A customer's customer users keep the local ones. The directory answers its part of this
      // list from its key index (read by beforeAll, well within its one-minute bound), which holds
      // no user of this customer: no search is sent, so nothing is missing and nothing is named.
      const detail = await t.http(DETAIL);
      expect(detail.errors).toBeUndefined();
      expect(detail.data.customer).toEqual({ name: 'Local Company', customerUsers: { totalCount: 1, unavailableSources: [], nodes: [{ login: 'local.user' }] } });
      // A list restricted to the failing source fails as before.
      const only = await t.http('{ customers(dataSource: "directory") { totalCount } }');
      expect(only.data).toBeNull();
      expect(only.errors?.[0]?.extensions?.code).toBe('DATA_SOURCE_UNAVAILABLE');
    } finally {
      await slapd.start();
    }
  }, 30_000);

  test('hung (SIGSTOP): the same answer once the source times out', async () => {
    await slapd.pause();
    try {
      expectDegraded(await t.http(DEGRADED, { first: 100 }));
    } finally {
      slapd.resume();
    }
  }, 30_000);

  test('recovered: the directory is back in the lists without a restart', async () => {
    let res: GqlResult | null = null;
    for (let i = 0; i < 30; i++) {
      res = await t.http(DEGRADED, { first: 100 });
      if (!res.errors) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(res!.errors).toBeUndefined();
    expect(res!.data.customers.totalCount).toBe(healthy.data.customers.totalCount);
  }, 30_000);
});
