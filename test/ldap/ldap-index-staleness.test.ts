import { Attribute, Change, Client } from 'ldapts';
import { ListIndex, type IndexReader, type IndexRow } from '../../adapters/list-index/list-index';
import { Validity } from '../../src/domain/records';
import { activeDirectorySourceConfig, filetimeOf, openldapSource, openSource, testClock } from './ldap-fixture';
import { layoutLdif, ROOT_DN, ROOT_PASSWORD, startSlapd, SUFFIX, type Slapd } from './slapd';

// How stale a list may be, as README and docs/integrators.md promise it (the defaults):
// changes at most `index.maxStalenessSeconds` (60) old, entries deleted, moved out of the base
// or no longer matching the filter at most `index.sweepSeconds` (60), an account that expires
// by `accountExpires` from that instant on, a lapsed lockout with the next refresh (within 60 s).
// Every test moves the index's clock; none refreshes by hand.

const ALL = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];
const SECOND = 1000;
/** Lets a refresh started in the background by the last list finish (the scripted reader answers at once). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** A directory as the index sees it: entries with change markers, read the way an LDAP source reads them. */
class ScriptedDirectory {
  readonly entries = new Map<string, IndexRow>();
  readonly calls = { full: 0, incremental: 0, sweep: 0, reread: 0 };
  private usn = 0;
  /** A sweep that answers only when released (to change the index while it runs). */
  hold: Promise<void> | null = null;

  set(id: string, over: Partial<IndexRow> = {}): void {
    this.entries.set(id, { stableId: id, key: id, sortKey: [id], valid: Validity.VALID, customerIds: [], text: id, ...over, change: String(++this.usn) });
  }

  reader({ sweep, reread }: { sweep: boolean; reread: boolean }): IndexReader {
    return {
      compareChange: (a, b) => Number(a) - Number(b),
      read: async (since) => {
        this.calls[since === null ? 'full' : 'incremental']++;
        return [...this.entries.values()].filter((e) => since === null || since === '' || Number(e.change) >= Number(since));
      },
      ...(sweep && {
        sweep: async () => {
          this.calls.sweep++;
          const ids = new Set(this.entries.keys());
          await this.hold;
          return ids;
        },
      }),
      ...(reread && {
        reread: async (rows: readonly IndexRow[]) => {
          this.calls.reread++;
          return rows.flatMap((r) => (this.entries.has(r.stableId) ? [this.entries.get(r.stableId)!] : []));
        },
      }),
    };
  }
}

describe('list index clock (a scripted directory)', () => {
  const request = { after: null, before: null, size: 100, backward: false };
  const listed = (index: ListIndex, valid = ALL) => index.page(request, { valid, search: null, customerId: null }).rows.map((r) => r.key);
  const options = (now: () => number) => ({ maxStalenessMs: 60 * SECOND, sweepMs: 60 * SECOND, fullRefreshMs: 3600 * SECOND, now });

  test('a deleted entry leaves with a sweep: in the background once half of sweepMs has passed, before answering once all of it has', async () => {
    const dir = new ScriptedDirectory();
    ['a', 'b', 'c'].forEach((id) => dir.set(id));
    const clock = testClock();
    const index = new ListIndex(dir.reader({ sweep: true, reread: true }), options(clock.now));
    expect(listed(await index.fresh())).toEqual(['a', 'b', 'c']);
    dir.entries.delete('b'); // no change marker shows a deletion
    clock.advance(30 * SECOND);
    expect(listed(await index.fresh())).toEqual(['a', 'b', 'c']);
    expect(dir.calls).toEqual({ full: 1, incremental: 0, sweep: 0, reread: 0 });
    clock.advance(1);
    expect(listed(await index.fresh())).toEqual(['a', 'b', 'c']); // answered at once; the refresh and sweep run behind it
    await settle();
    expect(listed(await index.fresh())).toEqual(['a', 'c']);
    expect(dir.calls).toEqual({ full: 1, incremental: 1, sweep: 1, reread: 0 });
    // With no list in between, the first list after the bound waits for the sweep.
    dir.entries.delete('c');
    clock.advance(60 * SECOND + 1);
    expect(listed(await index.fresh())).toEqual(['a']);
    expect(dir.calls).toEqual({ full: 1, incremental: 2, sweep: 2, reread: 0 });
  });

  test('the sweep drops the rows it did not see, unless a lookup put them while it ran', async () => {
    const dir = new ScriptedDirectory();
    ['a', 'b', 'c'].forEach((id) => dir.set(id));
    const clock = testClock();
    const index = new ListIndex(dir.reader({ sweep: true, reread: false }), options(clock.now));
    await index.fresh();
    dir.entries.delete('b'); // b and c leave (deleted, moved out)
    dir.entries.delete('c');
    let release = () => undefined as void;
    dir.hold = new Promise((r) => (release = r));
    clock.advance(61 * SECOND);
    const waiting = index.fresh();
    await settle(); // the sweep has read its ids: only a
    expect(dir.calls.sweep).toBe(1);
    dir.set('n'); // meanwhile a new entry, and b back in the base, both read live by a page's lookup
    index.put(dir.entries.get('n')!);
    dir.set('b');
    index.put(dir.entries.get('b')!);
    release();
    await waiting;
    expect(listed(index)).toEqual(['a', 'b', 'n']);
  });

  test("without a sweep (the Znuny tables' reader) a deleted row leaves with the full read", async () => {
    const dir = new ScriptedDirectory();
    ['a', 'b'].forEach((id) => dir.set(id));
    const clock = testClock();
    const index = new ListIndex(dir.reader({ sweep: false, reread: false }), options(clock.now));
    await index.fresh();
    dir.entries.delete('b');
    clock.advance(61 * SECOND);
    expect(listed(await index.fresh())).toEqual(['a', 'b']);
    clock.advance(3600 * SECOND);
    expect(listed(await index.fresh())).toEqual(['a']);
    expect(dir.calls).toEqual({ full: 2, incremental: 1, sweep: 0, reread: 0 });
  });

  test('a row is re-read at its validUntil, before the list that sees that instant is answered, and only then', async () => {
    const dir = new ScriptedDirectory();
    const clock = testClock();
    const expires = clock.now() + 10 * SECOND;
    dir.set('a');
    dir.set('x', { validUntil: expires });
    dir.set('z'); // the highest change marker: the incremental read (>= it) returns z, not x
    const index = new ListIndex(dir.reader({ sweep: true, reread: true }), options(clock.now));
    expect(listed(await index.fresh(), [Validity.VALID])).toEqual(['a', 'x', 'z']);
    // The directory judges x INVALID from `expires` on, but its change marker does not move.
    const judged = dir.entries.get('x')!;
    dir.entries.set('x', { ...judged, valid: Validity.INVALID, validUntil: undefined });
    clock.advance(10 * SECOND - 1);
    expect(listed(await index.fresh(), [Validity.VALID])).toEqual(['a', 'x', 'z']);
    clock.advance(1);
    expect(listed(await index.fresh(), [Validity.VALID])).toEqual(['a', 'z']);
    expect(listed(index, [Validity.INVALID])).toEqual(['x']);
    expect(dir.calls).toEqual({ full: 1, incremental: 1, sweep: 0, reread: 1 });
    clock.advance(SECOND);
    await index.fresh();
    expect(dir.calls.reread).toBe(1);
  });

  test('a row that rechecks (a lockout) is re-read with every refresh, never with every list', async () => {
    const dir = new ScriptedDirectory();
    dir.set('l', { valid: Validity.INVALID_TEMPORARILY, recheck: true });
    dir.set('z');
    const clock = testClock();
    const index = new ListIndex(dir.reader({ sweep: true, reread: true }), options(clock.now));
    await index.fresh();
    // The lockout lapses: the server judges the entry VALID now, its change marker does not move.
    dir.entries.set('l', { ...dir.entries.get('l')!, valid: Validity.VALID, recheck: undefined });
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * SECOND);
      expect(listed(await index.fresh(), [Validity.VALID])).toEqual(['z']);
    }
    expect(dir.calls.reread).toBe(0);
    clock.advance(31 * SECOND); // 61 s: the refresh waited for re-reads it
    expect(listed(await index.fresh(), [Validity.VALID])).toEqual(['l', 'z']);
    expect(dir.calls).toEqual({ full: 1, incremental: 1, sweep: 1, reread: 1 });
  });
});

describe('LDAP list index staleness, driven by the clock (OpenLDAP, entryCSN)', () => {
  let slapd: Slapd;
  let admin: Client;
  beforeAll(async () => {
    slapd = await startSlapd({ ldif: layoutLdif('openldap') });
    admin = new Client({ url: slapd.url });
    await admin.bind(ROOT_DN, ROOT_PASSWORD);
    await admin.add(`ou=former,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'former' });
  });
  afterAll(async () => {
    await admin?.unbind();
    await slapd?.dispose();
  });

  const addUsers = async (sn: string, logins: string[]) => {
    for (const [i, uid] of logins.entries()) {
      await admin.add(`uid=${uid},ou=people,${SUFFIX}`, { objectClass: 'inetOrgPerson', uid, cn: uid, sn, givenName: String.fromCharCode(65 + i), mail: `${uid}@example.com`, o: 'ACME' });
    }
  };
  const open = (index: Record<string, unknown> = {}, users: Record<string, unknown> = {}) => {
    const clock = testClock();
    const { source, pages } = openldapSource(
      slapd,
      {
        index: { maxStalenessSeconds: 60, sweepSeconds: 60, fullRefreshMinutes: 1440, ...index },
        customerUsers: { baseDN: `ou=people,${SUFFIX}`, filter: '(&(objectClass=inetOrgPerson)(!(employeeType=retired)))', ...users },
      },
      undefined,
      clock.now,
    );
    // The total of a page of one: its lookup reads the first two entries (one more tells whether a
    // next page exists), never the third, the one that leaves, so no lookup sees it go.
    const total = async (search: string) => (await source.listCustomerUsers({ search, valid: ALL, customerId: null, size: 1, after: null, before: null, backward: false })).totalCount;
    return { source, pages, clock, total };
  };

  test('a deleted entry leaves the list and its total within sweepSeconds: one incremental read and one keys-only sweep, no full read', async () => {
    await addUsers('Deleteme', ['del.a', 'del.b', 'del.c']);
    const { source, pages, clock, total } = open();
    expect(await total('deleteme')).toBe(3);
    await admin.del(`uid=del.c,ou=people,${SUFFIX}`);
    clock.advance(30 * SECOND);
    let before = pages();
    expect(await total('deleteme')).toBe(3); // within half the bound nothing is read but the page
    expect(pages() - before).toBe(1);
    clock.advance(31 * SECOND);
    before = pages();
    expect(await total('deleteme')).toBe(2);
    expect(pages() - before).toBe(3); // the incremental read, the sweep (one page of uid + entryUUID), the page's lookup
    await source.close();
  });

  test('an entry moved out of the base DN leaves within sweepSeconds (its entryCSN moved, but the incremental read no longer sees it)', async () => {
    await addUsers('Moveme', ['mv.a', 'mv.b', 'mv.c']);
    const { source, clock, total } = open();
    expect(await total('moveme')).toBe(3);
    await admin.modifyDN(`uid=mv.c,ou=people,${SUFFIX}`, `uid=mv.c,ou=former,${SUFFIX}`);
    clock.advance(30 * SECOND);
    expect(await total('moveme')).toBe(3);
    clock.advance(31 * SECOND);
    expect(await total('moveme')).toBe(2);
    expect((await source.customerUsersByLogins(['mv.c']))[0]).toBeNull();
    await source.close();
  });

  test('an entry that stops matching the filter leaves within the configured sweepSeconds (600), not before the sweep', async () => {
    await addUsers('Retireme', ['rt.a', 'rt.b', 'rt.c']);
    const { source, pages, clock, total } = open({ sweepSeconds: 600 });
    expect(await total('retireme')).toBe(3);
    await admin.modify(`uid=rt.c,ou=people,${SUFFIX}`, [new Change({ operation: 'add', modification: new Attribute({ type: 'employeeType', values: ['retired'] }) })]);
    clock.advance(61 * SECOND);
    let before = pages();
    expect(await total('retireme')).toBe(3); // the incremental read ran; its filter no longer returns rt.c
    expect(pages() - before).toBe(2); // that read and the page's lookup
    clock.advance(540 * SECOND);
    before = pages();
    expect(await total('retireme')).toBe(2);
    expect(pages() - before).toBe(3); // the incremental read, the sweep, the page's lookup
    await source.close();
  });
});

// The AD layout on slapd: slapd does not keep uSNChanged, so these entries carry the counter as
// AD would (the test sets it); the highest belongs to a marker entry, so the incremental read
// (uSNChanged >= the highest seen) returns only entries whose counter moved, as on AD.
describe('LDAP list index: account state that changes by time (AD layout on slapd)', () => {
  let slapd: Slapd;
  let admin: Client;
  beforeAll(async () => {
    slapd = await startSlapd({ ldif: layoutLdif('active-directory') });
    admin = new Client({ url: slapd.url });
    await admin.bind(ROOT_DN, ROOT_PASSWORD);
    await addUser('Usn Marker', 'usn.marker', 'Marker', { uSNChanged: '1000' });
  });
  afterAll(async () => {
    await admin?.unbind();
    await slapd?.dispose();
  });

  async function addUser(cn: string, login: string, sn: string, extra: Record<string, string>): Promise<void> {
    await admin.add(`cn=${cn},ou=Users,${SUFFIX}`, {
      objectClass: ['user', 'extensibleObject'],
      instanceType: '4',
      objectCategory: `cn=Person,cn=Schema,cn=Configuration,${SUFFIX}`,
      // As in fixtures/ldap/active-directory-layout.ldif (msuser's `user` requires one); ldapts sends a Buffer as is.
      nTSecurityDescriptor: Buffer.from('AQAEgBQAAAAkAAAAAAAAADAAAAA=', 'base64') as unknown as string,
      cn,
      sAMAccountName: login,
      givenName: cn.split(' ')[0]!,
      sn,
      mail: `${login}@example.com`,
      company: 'ACME',
      userAccountControl: '512',
      ...extra,
    });
  }
  const open = () => {
    const clock = testClock();
    const { source, pages } = openSource(activeDirectorySourceConfig(slapd.url, { index: { fullRefreshMinutes: 1440 } }), undefined, clock.now);
    const logins = async (search: string, valid: Validity[]) =>
      (await source.listCustomerUsers({ search, valid, customerId: null, size: 10, after: null, before: null, backward: false })).nodes.map((u) => u.login);
    return { source, pages, clock, logins };
  };

  test('an account whose accountExpires passes counts INVALID from that instant: one incremental read and one re-read of it', async () => {
    const { source, pages, clock, logins } = open();
    await addUser('Exp Soon', 'exp.soon', 'Expiring', { accountExpires: filetimeOf(clock.now() + 10 * SECOND), uSNChanged: '100' });
    await addUser('Exp Never', 'exp.never', 'Expiring', { accountExpires: '0', uSNChanged: '101' });
    expect(await logins('expiring', [Validity.VALID])).toEqual(['exp.never', 'exp.soon']);
    clock.advance(10 * SECOND - 1);
    expect(await logins('expiring', [Validity.VALID])).toEqual(['exp.never', 'exp.soon']);
    const before = pages();
    clock.advance(1);
    expect(await logins('expiring', [Validity.VALID])).toEqual(['exp.never']);
    expect(pages() - before).toBe(3); // the incremental read (uSNChanged >= 1000), the re-read of exp.soon, the page's lookup
    expect(await logins('expiring', [Validity.INVALID])).toEqual(['exp.soon']);
    expect((await source.customerUsersByLogins(['exp.soon']))[0]!.valid).toBe(Validity.INVALID);
    await source.close();
    // Its instant would make the next test's index refresh early.
    for (const cn of ['Exp Soon', 'Exp Never']) await admin.del(`cn=${cn},ou=Users,${SUFFIX}`);
  });

  test('a lockout that lapses (msDS-User-Account-Control-Computed clears, uSNChanged does not move) counts VALID within maxStalenessSeconds', async () => {
    const { source, clock, logins } = open();
    await addUser('Lou Lockout', 'lou.lockout', 'Lockout', {
      lockoutTime: filetimeOf(clock.now() - 60 * SECOND),
      'msDS-User-Account-Control-Computed': '16',
      uSNChanged: '102',
    });
    expect(await logins('lockout', [Validity.INVALID_TEMPORARILY])).toEqual(['lou.lockout']);
    // The domain's lockout duration passes: AD computes the bit anew on every read; nothing else changes.
    await admin.modify(`cn=Lou Lockout,ou=Users,${SUFFIX}`, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'msDS-User-Account-Control-Computed', values: ['0'] }) }),
    ]);
    clock.advance(30 * SECOND);
    expect(await logins('lockout', [Validity.VALID])).toEqual([]);
    clock.advance(31 * SECOND);
    expect(await logins('lockout', [Validity.VALID])).toEqual(['lou.lockout']);
    expect(await logins('lockout', [Validity.INVALID_TEMPORARILY])).toEqual([]);
    await source.close();
  });
});
