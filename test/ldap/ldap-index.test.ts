import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { Validity } from '../../src/domain/records';
import { openldapSource } from './ldap-fixture';
import { layoutLdif, ROOT_DN, ROOT_PASSWORD, startSlapd, SUFFIX, writeBulkCustomersLdif, type Slapd } from './slapd';

const ALL = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];
const page = (over: Record<string, unknown> = {}) => ({ search: null, valid: ALL, customerId: null, size: 5, after: null, before: null, backward: false, ...over });

// Lists come from an in-memory index of the directory's keys: a page costs one batched lookup
// of its own entries, never a read of the whole subtree; changes arrive by incremental reads.
describe('LDAP list index (OpenLDAP, 46 customers, page size 7)', () => {
  let dir: string;
  let slapd: Slapd;
  let admin: Client;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-ldap-index-'));
    slapd = await startSlapd({ ldif: [...layoutLdif('openldap'), writeBulkCustomersLdif(dir, 40)] });
    admin = new Client({ url: slapd.url });
    await admin.bind(ROOT_DN, ROOT_PASSWORD);
  });
  afterAll(async () => {
    await admin?.unbind();
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a page of a warm index is one search of the page size, in both directions, with the honest total', async () => {
    const { source, pages } = openldapSource(slapd, { pageSize: 7 });
    await source.refreshIndexes();
    const sizes = source.indexSizes();
    expect(sizes.customers).toBe(46);
    expect(pages()).toBe(Math.ceil(46 / 7) + Math.ceil(sizes.customerUsers / 7)); // the full reads
    const before = pages();
    const first = await source.listCustomers(page());
    expect(pages() - before).toBe(1); // 5 entries: one page of one search
    expect(first.totalCount).toBe(46);
    const last = await source.listCustomers(page({ backward: true }));
    expect(pages() - before).toBe(2);
    expect(last.nodes).toHaveLength(5);
    expect(last.hasPreviousPage).toBe(true);
    const back = await source.listCustomers(page({ backward: true, before: last.startKey }));
    expect(back.nodes.at(-1)!.customerId).not.toBe(last.nodes[0]!.customerId);
    expect(pages() - before).toBe(3);
    await source.close();
  });

  test('changes, additions and renames arrive with the next incremental read; lookups are live at once', async () => {
    const { source, pages } = openldapSource(slapd, { pageSize: 7 });
    await source.refreshIndexes();
    const usersOf = async (search: string) => (await source.listCustomerUsers(page({ size: 50, search }))).nodes.map((u) => `${u.login}:${u.lastName}`);
    await admin.modify(`uid=jdoe,ou=people,${SUFFIX}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'sn', values: ['Zwanziger'] }) })]);
    await admin.add(`uid=newbie,ou=people,${SUFFIX}`, { objectClass: 'inetOrgPerson', uid: 'newbie', cn: 'New Bie', sn: 'Bie', givenName: 'New', mail: 'newbie@example.com', o: 'ACME' });
    expect((await source.customerUsersByLogins(['jdoe']))[0]!.lastName).toBe('Zwanziger');
    const before = pages();
    await source.refreshIndexes();
    expect(pages() - before).toBe(2); // only what changed since the last read: one page per index (customers, users)
    expect(await usersOf('zwanziger')).toEqual(['jdoe:Zwanziger']);
    const acme = await source.customerUsersOfCustomers([{ customerId: 'acme', valid: ALL, size: 10, after: null, before: null, backward: false }]);
    expect(acme[0]!.nodes.map((u) => u.login)).toContain('newbie');
    expect(acme[0]!.nodes.at(-1)!.login).toBe('jdoe'); // Zwanziger sorts last now
    await admin.modify(`uid=jdoe,ou=people,${SUFFIX}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'sn', values: ['Doe'] }) })]);
    await admin.del(`uid=newbie,ou=people,${SUFFIX}`);
    await source.close();
  });

  test('an entry gone or changed since the last read is taken out of the page at once; cursors stay valid', async () => {
    const { source } = openldapSource(slapd, { pageSize: 7 });
    await source.refreshIndexes();
    const first = await source.listCustomers(page({ search: 'bulk' }));
    expect(first.totalCount).toBe(40);
    const victim = first.nodes[1]!.customerId;
    await admin.del(`o=${victim},ou=customers,${SUFFIX}`);
    const again = await source.listCustomers(page({ search: 'bulk' }));
    expect(again.totalCount).toBe(39);
    expect(again.nodes.map((c) => c.customerId)).not.toContain(victim);
    expect(again.nodes).toHaveLength(5);
    // The old cursor still leads on, past the removed entry.
    const next = await source.listCustomers(page({ search: 'bulk', after: first.endKey }));
    expect(next.nodes[0]!.customerId > first.nodes.at(-1)!.customerId).toBe(true);
    await admin.add(`o=${victim},ou=customers,${SUFFIX}`, { objectClass: ['organization', 'extensibleObject'], o: victim, description: `Bulk customer ${victim.slice(5)}`, c: 'NL' });
    await source.close();
  });

  test('stable ids are entryUUIDs; lookups by them are one search; unknown or malformed ids are null', async () => {
    const { source, pages } = openldapSource(slapd);
    const [jdoe, acme] = [(await source.customerUsersByLogins(['jdoe']))[0]!, (await source.customersByIds(['acme']))[0]!];
    expect(jdoe.stableId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const before = pages();
    const found = await source.customerUsersByStableIds([jdoe.stableId.toUpperCase(), '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '*', jdoe.stableId]);
    expect(found.map((u) => u?.login ?? null)).toEqual(['jdoe', null, null, null, 'jdoe']);
    expect(pages() - before).toBe(1);
    expect((await source.customersByStableIds([acme.stableId, jdoe.stableId])).map((c) => c?.customerId ?? null)).toEqual(['ACME', null]);
    await source.close();
  });
});
