import { Attribute, Change, Client } from 'ldapts';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import { Validity } from '../../src/domain/records';
import { defineDataSourceSuite } from '../conformance/data-source-suite';
import { capturingLogger, openSource, testClock } from '../ldap/ldap-fixture';
import {
  adminClient,
  adminModify,
  BULK_USERS,
  DOMAIN_DN,
  filetime,
  NETBIOS_DOMAIN,
  SERVICE_DN,
  SERVICE_LOGIN,
  SERVICE_PASSWORD,
  SERVICE_UPN,
  startSambaDc,
  type SambaDc,
} from './samba';

// Everything against one real Active Directory (a Samba AD DC provisioned once for this file:
// Samba needs the fixed ports 389 and 636, so the AD suites share one domain controller).
let dc: SambaDc;
beforeAll(async () => {
  dc = await startSambaDc();
  // eslint-disable-next-line no-console
  console.log(`Samba AD DC provisioned and loaded in ${dc.setupSeconds.toFixed(1)} s`);
}, 240_000);
afterAll(async () => dc?.dispose());

const ALL = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];
const page = (over: Record<string, unknown> = {}) => ({ search: null, valid: ALL, customerId: null, size: 50, after: null, before: null, backward: false, ...over });

/** The integrator's configuration: the preset unchanged, customer validity from businessCategory, further customer ids in `o`. */
function adConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ad',
    name: 'Active Directory',
    kind: 'ldap',
    url: dc.url,
    bindDN: SERVICE_UPN,
    bindPassword: SERVICE_PASSWORD,
    timeoutMs: 5000,
    preset: 'active-directory',
    customers: {
      baseDN: `OU=Customers,${DOMAIN_DN}`,
      validFilter: '(!(|(businessCategory=closed)(businessCategory=suspended)))',
      temporarilyInvalidFilter: '(businessCategory=suspended)',
    },
    customerUsers: { baseDN: `OU=Users,${DOMAIN_DN}`, map: { customerIds: 'o' } },
    ...extra,
  };
}
const usersUnder = (ou: string, more: Record<string, unknown> = {}) => ({ customerUsers: { baseDN: `OU=${ou},${DOMAIN_DN}`, map: { customerIds: 'o' }, ...more } });

defineDataSourceSuite(
  'ldap (active-directory preset) on a Samba AD DC',
  async () => {
    const { source, pages } = openSource(adConfig());
    return { source, operations: pages, dispose: () => source.close() };
  },
  { customers: true, customerUsers: true, writableCustomers: false, writableCustomerUsers: false, movesTicketsOnRename: false, dynamicFields: false, countsWithPages: false },
);

describe('Active Directory preset on Samba', () => {
  test('computers, contacts and groups are not customer users (WS01$ of ACME is not counted)', async () => {
    const { source } = openSource(adConfig());
    expect((await source.customerUsersByLogins(['WS01$', 'acme-staff', 'jdoe'])).map((u) => u?.login ?? null)).toEqual([null, null, 'jdoe']);
    const all = await source.listCustomerUsers(page());
    expect(all.totalCount).toBe(7);
    expect(all.nodes.map((u) => u.login)).not.toContain('WS01$');
    const [acme] = await source.customerUsersOfCustomers([{ customerId: 'ACME', valid: [Validity.VALID], size: 10, after: null, before: null, backward: false }]);
    expect(acme!.nodes.map((u) => u.login)).toEqual(['jdoe', 'asmith', 'bsmith']);
    expect((await source.listCustomerUsers(page({ search: 'contact' }))).totalCount).toBe(0);
    await source.close();
  });

  test('the customer comment comes from adminDescription; objectGUID and objectSid in their string forms', async () => {
    const { source } = openSource(
      adConfig({ customerUsers: { baseDN: `OU=Users,${DOMAIN_DN}`, map: { customerIds: 'o', comment: 'objectSid', title: 'objectGUID' } } }),
    );
    const [acme] = await source.customersByIds(['acme']);
    expect(acme).toMatchObject({ customerId: 'ACME', comment: 'Key account', url: 'https://acme.example' });
    expect(acme!.stableId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [jdoe] = await source.customerUsersByLogins(['JDOE']);
    expect(jdoe!.comment).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
    expect(jdoe!.title).toBe(jdoe!.stableId);
    expect(jdoe!.customerIds).toEqual(['ACME', 'globex', 'MUELLER']);
    // The GUID string is Windows' (mixed-endian) form: ldapsearch's base64 bytes agree.
    const client = new Client({ url: dc.url });
    await client.bind(SERVICE_UPN, SERVICE_PASSWORD);
    const { searchEntries } = await client.search(`OU=Users,${DOMAIN_DN}`, { filter: '(sAMAccountName=jdoe)', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
    await client.unbind();
    const bytes = searchEntries[0]!.objectGUID as Buffer;
    expect(jdoe!.stableId.slice(0, 8)).toBe(Buffer.from(bytes.subarray(0, 4)).reverse().toString('hex'));
    expect(jdoe!.stableId.slice(24)).toBe(bytes.subarray(10).toString('hex'));
    await source.close();
  });

  test('validity: disabled and expired accounts are INVALID, a locked-out one INVALID_TEMPORARILY', async () => {
    const { source } = openSource(adConfig(usersUnder('Staff')));
    const found = await source.customerUsersByLogins(['eve.expired', 'fay.future', 'dan.disabled', 'lou.locked', 'val.valid']);
    expect(found.map((u) => [u?.login, u?.valid])).toEqual([
      ['eve.expired', Validity.INVALID],
      ['fay.future', Validity.VALID],
      ['dan.disabled', Validity.INVALID],
      ['lou.locked', Validity.INVALID_TEMPORARILY],
      ['val.valid', Validity.VALID],
    ]);
    const valid = await source.listCustomerUsers(page({ valid: [Validity.VALID] }));
    expect(valid.nodes.map((u) => u.login).sort()).toEqual(['fay.future', 'val.valid']);
    await source.close();
  });

  test(`paging over AD's 1,000-entry page limit: ${BULK_USERS} users, honest total, every page`, async () => {
    const { source, pages } = openSource(adConfig(usersUnder('Bulk')));
    const seen = new Set<string>();
    let after = null;
    for (;;) {
      const p: Awaited<ReturnType<typeof source.listCustomerUsers>> = await source.listCustomerUsers(page({ size: 300, after }));
      expect(p.totalCount).toBe(BULK_USERS);
      p.nodes.forEach((u) => seen.add(u.login));
      if (!p.hasNextPage) break;
      after = p.endKey;
    }
    expect(seen.size).toBe(BULK_USERS);
    const last = await source.listCustomerUsers(page({ size: 3, backward: true }));
    expect(last.nodes.map((u) => u.login)).toEqual(['bulk1097', 'bulk1098', 'bulk1099']);
    // The index's full read asked for pages of at most 1,000 (AD's MaxPageSize): two pages of users.
    expect(pages()).toBeGreaterThanOrEqual(Math.ceil(BULK_USERS / 1000) + 1);
    await source.close();
  });

  test('customerIdFromOU: the customer id is the OU below the customers base the user sits in', async () => {
    const { source } = openSource(adConfig(usersUnder('Customers', { customerIdFromOU: true })));
    const [anna] = await source.customerUsersByLogins(['ou.anna']);
    expect(anna).toMatchObject({ customerId: 'ACME', customerIds: ['ACME', 'globex'] });
    const [acme, globex] = await source.customerUsersOfCustomers(
      ['ACME', 'GLOBEX'].map((customerId) => ({ customerId, valid: ALL, size: 10, after: null, before: null, backward: false })),
    );
    expect(acme!.nodes.map((u) => u.login)).toEqual(['ou.anna', 'ou.ben']);
    expect(globex!.totalCount).toBe(2);
    await source.close();
  });

  test('changes arrive by uSNChanged: one search per index, lookups live', async () => {
    const { source, pages } = openSource(adConfig());
    await source.refreshIndexes();
    await adminModify(`CN=Bob Smith,OU=Users,${DOMAIN_DN}`, 'sn', ['Aaronson']);
    try {
      const before = pages();
      await source.refreshIndexes();
      expect(pages() - before).toBe(2);
      const first = await source.listCustomerUsers(page({ size: 1 }));
      expect(first.nodes.map((u) => `${u.login} ${u.lastName}`)).toEqual(['bsmith Aaronson']);
    } finally {
      await adminModify(`CN=Bob Smith,OU=Users,${DOMAIN_DN}`, 'sn', ['Smith']);
      await source.close();
    }
  });

  test('stable ids: objectGUID lookups are one search (a binary filter); unknown or malformed ids are null', async () => {
    const { source, pages } = openSource(adConfig());
    const [jdoe] = await source.customerUsersByLogins(['jdoe']);
    const before = pages();
    const found = await source.customerUsersByStableIds([jdoe!.stableId.toUpperCase(), '00000000-0000-0000-0000-000000000000', '*', 'x)(objectGUID=*']);
    expect(found.map((u) => u?.login ?? null)).toEqual(['jdoe', null, null, null]);
    expect(pages() - before).toBe(1);
    await source.close();
  });

  test('binds as DN, UPN and DOMAIN\\user; a wrong password is DATA_SOURCE_UNAVAILABLE', async () => {
    for (const bindDN of [SERVICE_DN, SERVICE_UPN, `${NETBIOS_DOMAIN}\\${SERVICE_LOGIN}`]) {
      const { source } = openSource(adConfig({ bindDN }));
      expect((await source.customersByIds(['acme']))[0]?.customerId).toBe('ACME');
      await source.close();
    }
    const { source } = openSource(adConfig({ bindPassword: 'wrong' }));
    await expect(source.customersByIds(['acme'])).rejects.toBeInstanceOf(DataSourceUnavailableError);
    await source.close();
  });

  test('TLS: ldaps:// and StartTLS verified against the CA and 127.0.0.1; another CA is refused', async () => {
    const read = async (extra: Record<string, unknown>) => {
      const { logger } = capturingLogger();
      const { source } = openSource(adConfig(extra), logger);
      try {
        return (await source.customersByIds(['acme']))[0]?.customerId ?? null;
      } catch (e) {
        return e instanceof DataSourceUnavailableError ? 'unavailable' : String(e);
      } finally {
        await source.close();
      }
    };
    expect(await read({ url: dc.ldapsUrl, tls: { caFile: dc.caFile } })).toBe('ACME');
    expect(await read({ tls: { startTLS: true, caFile: dc.caFile } })).toBe('ACME');
    expect(await read({ url: dc.ldapsUrl, tls: { caFile: dc.wrongCaFile } })).toBe('unavailable');
    expect(await read({ tls: { startTLS: true, caFile: dc.caFile, servername: 'dc1.corp.example' } })).toBe('unavailable');
  });

  test('the index by its clock: a deleted user and one moved out of the base leave within sweepSeconds (an objectGUID sweep); accountExpires passing counts at once', async () => {
    const admin = await adminClient();
    const clock = testClock();
    try {
      for (const ou of ['Timed', 'Elsewhere']) await admin.add(`OU=${ou},${DOMAIN_DN}`, { objectClass: 'organizationalUnit', ou });
      const user = (login: string, extra: Record<string, string> = {}) =>
        admin.add(`CN=${login},OU=Timed,${DOMAIN_DN}`, { objectClass: 'user', sAMAccountName: login, givenName: 'T', sn: login, userAccountControl: '544', ...extra });
      await user('t.expiring', { accountExpires: filetime(new Date(clock.now() + 20_000)) });
      await user('t.gone');
      await user('t.moved');
      await user('t.stays');
      const { source, pages } = openSource(adConfig({ ...usersUnder('Timed'), index: { fullRefreshMinutes: 1440 } }), undefined, clock.now);
      const logins = async (valid: Validity[]) => (await source.listCustomerUsers(page({ valid, size: 1 }))).totalCount;
      expect(await logins([Validity.VALID])).toBe(4);
      clock.advance(20_000);
      let before = pages();
      expect(await logins([Validity.VALID])).toBe(3);
      expect(pages() - before).toBe(3); // the incremental read (uSNChanged), the re-read of t.expiring, the page's lookup
      expect((await source.listCustomerUsers(page({ valid: [Validity.INVALID] }))).nodes.map((u) => u.login)).toEqual(['t.expiring']);
      // t.expiring sorts first, t.gone second (a page of one looks up two): the last two leave unseen by any lookup.
      await admin.del(`CN=t.stays,OU=Timed,${DOMAIN_DN}`);
      await admin.modifyDN(`CN=t.moved,OU=Timed,${DOMAIN_DN}`, `CN=t.moved,OU=Elsewhere,${DOMAIN_DN}`);
      clock.advance(41_000);
      before = pages();
      expect(await logins(ALL)).toBe(2);
      expect(pages() - before).toBe(3); // the incremental read, the sweep (one page of objectGUID + sAMAccountName), the page's lookup
      await source.close();
    } finally {
      await admin.unbind();
    }
  });

  test.each([['*'], [')(sAMAccountName=*'], ['\\'], ['jd\u0000oe'], ['('], ['jdoe)(|(objectClass=*'], ['\\2a'], ['']])(
    'injection attempt %p finds nothing and widens nothing',
    async (input) => {
      const { source } = openSource(adConfig());
      expect(await source.customerUsersByLogins([input])).toEqual([null]);
      expect(await source.customersByIds([input])).toEqual([null]);
      if (input !== '') expect((await source.listCustomerUsers(page({ search: input }))).totalCount).toBe(0);
      await source.close();
    },
  );
  // Last: it shortens the domain's lockout duration for a moment, which unlocks lou.locked.
  test('a lockout that lapses counts VALID with the next refresh: msDS-User-Account-Control-Computed clears, uSNChanged does not move', async () => {
    // lou.locked's lockout moved its uSNChanged last in OU=Staff; an incremental read (uSNChanged >= the
    // highest seen) would return it every time. A later change to val.valid takes that place, as on a live domain.
    await adminModify(`CN=Val Valid,OU=Staff,${DOMAIN_DN}`, 'description', ['uSNChanged after the lockout']);
    const clock = testClock();
    const { source } = openSource(adConfig({ ...usersUnder('Staff'), index: { fullRefreshMinutes: 1440 } }), undefined, clock.now);
    const valid = async () => (await source.listCustomerUsers(page({ valid: [Validity.VALID] }))).nodes.map((u) => u.login).sort();
    expect(await valid()).toEqual(['fay.future', 'val.valid']);
    const admin = await adminClient();
    const lou = `CN=Lou Locked,OU=Staff,${DOMAIN_DN}`;
    const read = async () => (await admin.search(lou, { scope: 'base', attributes: ['uSNChanged', 'msDS-User-Account-Control-Computed'] })).searchEntries[0]!;
    const policy = async (hundredNs: string) => {
      // The observation window may not exceed the duration: shorten it first, lengthen it last.
      const order = hundredNs === '-10000000' ? ['lockOutObservationWindow', 'lockoutDuration'] : ['lockoutDuration', 'lockOutObservationWindow'];
      for (const type of order) await admin.modify(DOMAIN_DN, [new Change({ operation: 'replace', modification: new Attribute({ type, values: [hundredNs] }) })]);
    };
    try {
      const locked = await read();
      expect(locked['msDS-User-Account-Control-Computed']).toBe('16');
      await policy('-10000000'); // one second: lou's lockout (made at setup) has lapsed
      // Samba judges the lockout against the policy it read last: on a loaded machine that may take a moment.
      let lapsed = await read();
      for (let i = 0; i < 60 && lapsed['msDS-User-Account-Control-Computed'] !== '0'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        lapsed = await read();
      }
      expect(lapsed['msDS-User-Account-Control-Computed']).toBe('0');
      expect(lapsed.uSNChanged).toBe(locked.uSNChanged);
      clock.advance(30_000);
      expect(await valid()).toEqual(['fay.future', 'val.valid']);
      clock.advance(31_000);
      expect(await valid()).toEqual(['fay.future', 'lou.locked', 'val.valid']);
    } finally {
      await policy('-18000000000'); // Samba's default, 30 minutes
      await admin.unbind();
      await source.close();
    }
  });
});
