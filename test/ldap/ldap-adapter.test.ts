import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, NoSuchObjectError, SizeLimitExceededError } from 'ldapts';
import { LOOKUP_CHUNK } from '../../adapters/ldap/ldap-data-source';
import { equalsAny } from '../../adapters/ldap/ldap-filters';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import { Validity } from '../../src/domain/records';
import { capturingLogger, openldapSource } from './ldap-fixture';
import { FIXTURES_DIR, layoutLdif, READER_DN, READER_PASSWORD, ROOT_DN, ROOT_PASSWORD, startSlapd, SUFFIX, writeBulkCustomersLdif, type Slapd } from './slapd';

const ALL = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];
const customersQuery = (over: Partial<{ search: string | null; size: number; valid: Validity[] }> = {}) => ({
  search: null,
  valid: ALL,
  size: 100,
  after: null,
  before: null,
  backward: false,
  ...over,
});

/** Open TCP sockets of this process (the adapter's connections among them). */
const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
/** Whether the open TCP sockets fall below `n` within 5 s (a closed socket is released on a later tick). */
async function socketsBelow(n: number): Promise<boolean> {
  for (let i = 0; i < 100 && tcpSockets() >= n; i++) await new Promise((r) => setTimeout(r, 50));
  return tcpSockets() < n;
}

describe('LDAP adapter against slapd (OpenLDAP layout with edge cases)', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ ldif: [...layoutLdif('openldap'), join(FIXTURES_DIR, 'edge-cases.ldif')] });
  });
  afterAll(async () => slapd?.dispose());

  test('N lookups are one search with an OR filter; more than a chunk are a few', async () => {
    const { source, pages } = openldapSource(slapd);
    const found = await source.customersByIds(['acme', 'GLOBEX', 'missing', 'Mueller']);
    expect(found.map((c) => c?.customerId ?? null)).toEqual(['ACME', 'globex', null, 'MUELLER']);
    expect(pages()).toBe(1);

    const many = Array.from({ length: LOOKUP_CHUNK * 2 + 1 }, (_, i) => `nobody-${i}`).concat(['jdoe']);
    const users = await source.customerUsersByLogins(many);
    expect(users.filter((u) => u !== null).map((u) => u!.login)).toEqual(['jdoe']);
    expect(users.at(-1)!.login).toBe('jdoe');
    expect(pages()).toBe(1 + 3);

    await source.refreshIndexes(); // the list index's one full read
    const before = pages();
    const lists = await source.customerUsersOfCustomers(
      ['ACME', 'globex', 'INITECH', 'MUELLER', 'nobody'].map((customerId) => ({ customerId, valid: [Validity.VALID], size: 10, after: null , before: null, backward: false})),
    );
    // ACME: jdoe, asmith, bsmith, and ext.user (a further customer id).
    expect(lists.map((p) => p.totalCount)).toEqual([4, 2, 1, 2, 0]);
    expect(pages() - before).toBe(1);
    await source.close();
  });

  test.each([['*'], [')(o=*'], ['\\'], ['AC\u0000ME'], ['('], ['ACME)(o=*'], ['*)(|(o=*'], ['\\2a'], ['']])(
    'injection attempt %p finds nothing and widens nothing',
    async (input) => {
      const { source } = openldapSource(slapd);
      expect(await source.customersByIds([input])).toEqual([null]);
      expect(await source.customerUsersByLogins([input])).toEqual([null]);
      const [ofCustomer] = await source.customerUsersOfCustomers([{ customerId: input, valid: ALL, size: 10, after: null , before: null, backward: false}]);
      expect(ofCustomer!.totalCount).toBe(0);
      const users = await source.listCustomerUsers({ search: null, valid: ALL, customerId: input, size: 50, after: null , before: null, backward: false});
      expect(users.totalCount).toBe(0);
      if (input !== '') {
        const list = await source.listCustomers(customersQuery({ search: input }));
        expect(list.nodes.map((c) => c.customerId)).toEqual([]);
      }
      await source.close();
    },
  );

  test('filters are built as objects: the string form escapes RFC 4515 specials', () => {
    expect(equalsAny(['uid'], [')(uid=*']).toString()).toBe('(uid=\\29\\28uid=\\2a)');
    expect(equalsAny(['o'], ['a\\b', 'x\u0000']).toString()).toBe('(|(o=a\\5cb)(o=x\\00))');
  });

  test('unicode values: exact, case-insensitive lookups and searches', async () => {
    const { source } = openldapSource(slapd);
    const [mueller] = await source.customersByIds(['mueller']);
    expect(mueller).toMatchObject({ name: 'Müller & Söhne GmbH', street: 'Königsallee 12', city: 'Düsseldorf' });
    const found = await source.listCustomers(customersQuery({ search: 'SÖHNE' }));
    expect(found.nodes.map((c) => c.customerId)).toEqual(['MUELLER']);
    const users = await source.listCustomerUsers({ search: 'ZOË', valid: ALL, customerId: null, size: 10, after: null , before: null, backward: false});
    expect(users.nodes.map((u) => u.login)).toEqual(['zoe.mueller']);
    // Exact: a prefix is not a match.
    expect(await source.customersByIds(['MUELL', 'ACM'])).toEqual([null, null]);
    await source.close();
  });

  test('missing and multi-valued attributes', async () => {
    const { source } = openldapSource(slapd);
    const [noname, multi] = await source.customersByIds(['NONAME', 'multi']);
    expect(noname).toMatchObject({ customerId: 'NONAME', name: 'NONAME', street: null, city: null, countryCode: null, url: null, valid: Validity.VALID });
    // The first value is used; a country name is not an ISO code.
    expect(multi).toMatchObject({ name: 'Multi One', city: 'Köln', countryCode: null });
    const [bare, multiMail, ext] = await source.customerUsersByLogins(['bare', 'MULTI.MAIL', 'ext.user']);
    expect(bare).toMatchObject({ login: 'bare', email: '', firstName: '', lastName: 'Bare', customerId: '', customerIds: [] });
    expect(multiMail).toMatchObject({ email: 'first@example.com', customerIds: ['Multi'] });
    expect(ext).toMatchObject({ customerId: 'LOCALCO', customerIds: ['LOCALCO', 'ACME'] });
    // An entry without its key attribute is not a record.
    const all = await source.listCustomerUsers({ search: null, valid: ALL, customerId: null, size: 100, after: null , before: null, backward: false});
    expect(all.nodes.map((u) => u.login)).not.toContain('');
    expect(all.totalCount).toBe(all.nodes.length);
    expect(all.nodes.some((u) => u.lastName === 'Nouid')).toBe(false);
    await source.close();
  });

  test('writes are refused without contacting the directory', async () => {
    const { source, pages } = openldapSource(slapd);
    await expect(source.createCustomer({} as never)).rejects.toMatchObject({ code: 'READ_ONLY_DATA_SOURCE' });
    await expect(source.updateCustomerUser('jdoe', { city: 'x' })).rejects.toMatchObject({ code: 'READ_ONLY_DATA_SOURCE' });
    expect(pages()).toBe(0);
  });

  test('the service account is used: anonymous clients read nothing here', async () => {
    const anonymous = new Client({ url: slapd.url });
    await expect(anonymous.search(`ou=customers,${SUFFIX}`, { filter: '(o=*)' })).rejects.toBeInstanceOf(NoSuchObjectError);
    await anonymous.unbind();
    const { source } = openldapSource(slapd);
    expect((await source.listCustomers(customersQuery())).totalCount).toBeGreaterThan(6);
    await source.close();
  });
});

describe('server size limit smaller than the entry count', () => {
  let slapd: Slapd;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-ldap-bulk-'));
    slapd = await startSlapd({ ldif: [...layoutLdif('openldap'), writeBulkCustomersLdif(dir, 40)], sizeLimit: 7 });
  });
  afterAll(async () => {
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a plain search is cut at the limit (the server really limits)', async () => {
    const client = new Client({ url: slapd.url });
    await client.bind(READER_DN, READER_PASSWORD);
    await expect(client.search(`ou=customers,${SUFFIX}`, { filter: '(objectClass=organization)' })).rejects.toBeInstanceOf(SizeLimitExceededError);
    await client.unbind();
  });

  test('paged results fetch every entry, one counted search per page', async () => {
    const { source, pages } = openldapSource(slapd, { pageSize: 7 });
    const page = await source.listCustomers(customersQuery({ size: 10 }));
    expect(page.totalCount).toBe(46);
    expect(page.nodes).toHaveLength(10);
    // The list index's full read pages through all 46 entries; the page's lookup reads its 10.
    expect(pages()).toBe(Math.ceil(46 / 7) + Math.ceil(10 / 7));
    let seen = 0;
    let after = null;
    for (;;) {
      const p: Awaited<ReturnType<typeof source.listCustomers>> = await source.listCustomers({ ...customersQuery({ size: 15 }), after });
      seen += p.nodes.length;
      if (!p.hasNextPage) break;
      after = p.endKey;
    }
    expect(seen).toBe(46);
    await source.close();
  });

  test('a lookup expecting fewer entries than a page is sent unpaged; cut by the size limit after all, it is read again in pages', async () => {
    const admin = new Client({ url: slapd.url });
    await admin.bind(ROOT_DN, ROOT_PASSWORD);
    // Nine organizations that all carry the customer id DUP: more than the server's limit of 7.
    for (let i = 0; i < 9; i++) {
      await admin.add(`o=dup${i},ou=customers,${SUFFIX}`, { objectClass: 'organization', o: ['DUP', `dup${i}`], description: `Duplicate ${i}` });
    }
    await admin.unbind();
    const { source, pages } = openldapSource(slapd, { pageSize: 7 });
    const [one] = await source.customersByIds(['BULK-0003']);
    expect(one!.customerId).toBe('BULK-0003');
    expect(pages()).toBe(1); // one plain search
    const [dup] = await source.customersByIds(['DUP']);
    expect(dup!.name).toMatch(/^Duplicate/);
    expect(pages() - 1).toBe(1 + Math.ceil(9 / 7)); // the plain search refused, then two pages
    await source.close();
  });

  test('a page size above what the server allows fails loudly, never truncates', async () => {
    const { source } = openldapSource(slapd, { pageSize: 500 });
    await expect(source.listCustomers(customersQuery())).rejects.toBeInstanceOf(DataSourceUnavailableError);
    await source.close();
  });
});

describe('directory failures', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ ldif: layoutLdif('openldap') });
  });
  afterAll(async () => slapd?.dispose());

  test('killed and restarted mid-test: unavailable, then the next request succeeds bound', async () => {
    const { source } = openldapSource(slapd);
    expect((await source.customersByIds(['acme']))[0]?.name).toBe('Acme Corporation');
    await slapd.stop();
    await expect(source.customersByIds(['acme'])).rejects.toBeInstanceOf(DataSourceUnavailableError);
    await expect(source.ping()).rejects.toBeInstanceOf(DataSourceUnavailableError);
    await slapd.start();
    // Anonymous reads would find nothing (ACL): a record proves the new session is bound.
    expect((await source.customersByIds(['acme']))[0]?.name).toBe('Acme Corporation');
    await expect(source.ping()).resolves.toBeUndefined();
    await source.close();
  });

  test('restarted between two requests: the next request succeeds on a new bound session', async () => {
    const { source } = openldapSource(slapd);
    expect((await source.customersByIds(['globex']))[0]?.name).toBe('Globex');
    await slapd.stop();
    await slapd.start();
    expect((await source.customersByIds(['globex']))[0]?.name).toBe('Globex');
    await source.close();
  });

  test('a stopped (SIGSTOP) server: every waiting request ends with UNAVAILABLE, no socket leaks', async () => {
    const { source } = openldapSource(slapd, { timeoutMs: 400 });
    await source.ping();
    const socketsBefore = tcpSockets();
    await slapd.pause();
    let resumed = false;
    // Resume much later than the timeout: a request that waited for the server would succeed.
    const resumer = setTimeout(() => {
      resumed = true;
      slapd.resume();
    }, 6000);
    try {
      const outcomes = await Promise.allSettled([
        source.customersByIds(['acme']),
        source.listCustomers(customersQuery()),
        source.customerUsersOfCustomers([{ customerId: 'ACME', valid: ALL, size: 5, after: null , before: null, backward: false}]),
        source.ping(),
      ]);
      expect(resumed).toBe(false);
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(DataSourceUnavailableError);
      }
      // A new connection attempt while stopped also ends (the kernel accepts, slapd never answers).
      await expect(source.customersByIds(['globex'])).rejects.toBeInstanceOf(DataSourceUnavailableError);
      expect(resumed).toBe(false);
      expect(await socketsBelow(socketsBefore)).toBe(true);
    } finally {
      clearTimeout(resumer);
      slapd.resume();
    }
    expect((await source.customersByIds(['acme']))[0]?.customerId).toBe('ACME');
    await source.close();
    expect(await socketsBelow(socketsBefore)).toBe(true);
  });

  test('a wrong bind password: UNAVAILABLE, logged without the password', async () => {
    const { logger, lines } = capturingLogger();
    const secret = 'Wr0ng-S3cret-p4ss';
    const { source, pages } = openldapSource(slapd, { bindPassword: secret }, logger);
    const error = await source.customersByIds(['acme']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataSourceUnavailableError);
    expect((error as Error).message).not.toMatch(new RegExp(`${secret}|127\\.0\\.0\\.1|dc=example|reader`));
    expect(pages()).toBe(0); // the bind failed: no search was sent
    const log = lines().join('\n');
    expect(log).toMatch(/InvalidCredentials/);
    expect(log).not.toContain(secret);
    await source.close();
  });

  test('starts with the directory down and recovers without a restart', async () => {
    const down = await startSlapd({ ldif: layoutLdif('openldap') });
    const port = down.port;
    await down.stop();
    const { source } = openldapSource(down);
    await expect(source.ping()).rejects.toBeInstanceOf(DataSourceUnavailableError);
    await down.start();
    expect(down.port).toBe(port);
    await expect(source.ping()).resolves.toBeUndefined();
    expect((await source.customerUsersByLogins(['JDOE']))[0]?.login).toBe('jdoe');
    await source.close();
    await down.dispose();
  });
});
