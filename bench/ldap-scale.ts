/**
 * LDAP lists at enterprise scale: 50,000 generated customer users (and 1,000 customers) loaded
 * with slapadd into a throw-away OpenLDAP slapd (paged results only: no server-side sort, no
 * VLV), then the median time of a lookup by login against list pages answered from the index.
 *
 *   npm run bench:ldap -- [users=50000] [runs=40] [--samba]
 *
 * With --samba the same runs against a Samba AD domain controller (test/ad/samba.ts: root, ports
 * 389/636/3268), the users added over LDAP (slow: minutes for 50,000).
 *
 * Prints a JSON summary; docs/performance.md quotes it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ldapSourceConfigSchema } from '../adapters/ldap/ldap-config';
import { LdapDataSource } from '../adapters/ldap/ldap-data-source';
import { TextSearch } from '../adapters/list-index/text-search';
import { Validity } from '../src/domain/records';
import { createLogger } from '../src/log/logger';
import { ADMIN_PASSWORD, DOMAIN_DN, SERVICE_PASSWORD, SERVICE_UPN, startSambaDc } from '../test/ad/samba';
import { READER_DN, READER_PASSWORD, ROOT_DN, ROOT_PASSWORD, startSlapd, SUFFIX } from '../test/ldap/slapd';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const USERS = Number(args[0] ?? 50_000);
const RUNS = Number(args[1] ?? 40);
/** `--samba`: the same on a Samba AD domain controller (test/ad/samba.ts), users added over LDAP. */
const SAMBA = process.argv.includes('--samba');
const CUSTOMERS = 1000;
const FIRST = ['Anna', 'Ben', 'Çelik', 'Dora', 'Émile', 'Finn', 'Gül', 'Hanna', 'Ivo', 'Jörg', 'Kim', 'Lena'];
const LAST = ['Müller', 'Schmidt', 'Zoë', 'Öztürk', 'Dubois', 'García', 'Nowak', 'Smith', 'Ødegaard', 'Straße', 'Łukasz', 'Ng'];

function user(i: number): { uid: string; sn: string; givenName: string; mail: string } {
  const uid = `user${String(i).padStart(6, '0')}`;
  return { uid, sn: `${LAST[i % LAST.length]}${Math.floor(i / LAST.length) % 97}`, givenName: FIRST[(i * 7) % FIRST.length]!, mail: `${uid}@example.com` };
}

function writeLdif(dir: string): string {
  const lines: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `CUST-${String(i).padStart(4, '0')}`;
    lines.push(`dn: o=${id},ou=customers,${SUFFIX}`, 'objectClass: organization', `o: ${id}`, `description: Customer ${LAST[i % LAST.length]} ${i}`, '');
  }
  for (let i = 0; i < USERS; i++) {
    const { uid, sn, givenName, mail } = user(i);
    lines.push(
      `dn: uid=${uid},ou=people,${SUFFIX}`,
      'objectClass: inetOrgPerson',
      `uid: ${uid}`,
      `cn: ${uid}`,
      `givenName: ${givenName}`,
      `sn: ${sn}`,
      `mail: ${mail}`,
      `o: CUST-${String(i % CUSTOMERS).padStart(4, '0')}`,
      ...(i % 10 === 0 ? ['employeeType: disabled'] : []),
      '',
    );
  }
  const file = join(dir, 'scale.ldif');
  writeFileSync(file, lines.join('\n'));
  return file;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Timing = { medianMs: number; p90Ms: number; serviceCpuMs: number };

/** {@link time} of several operations, interleaved: round i runs each operation once, in turn. */
async function interleaved<K extends string>(runs: number, ops: Record<K, (i: number) => Promise<unknown>>): Promise<Record<K, Timing>> {
  const wall = new Map<K, number[]>();
  const cpu = new Map<K, number[]>();
  const names = Object.keys(ops) as K[];
  for (const k of names) (wall.set(k, []), cpu.set(k, []));
  for (let i = 0; i < runs; i++) {
    for (const k of names) {
      const t = performance.now();
      const c = process.cpuUsage();
      await ops[k](i);
      wall.get(k)!.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu.get(k)!.push((d.user + d.system) / 1000);
    }
  }
  return Object.fromEntries(names.map((k) => [k, summary(wall.get(k)!, cpu.get(k)!)])) as Record<K, Timing>;
}

function summary(xs: number[], cpu: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { medianMs: +median(xs).toFixed(2), p90Ms: +s[Math.floor(s.length * 0.9)]!.toFixed(2), serviceCpuMs: +median(cpu).toFixed(2) };
}

/** Median and p90 wall time of `runs` calls, and the median CPU time this process spent in one (the rest is the directory's). */
async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  return (await interleaved(runs, { op: fn })).op;
}

/** A directory loaded with the generated data, and the source configuration that reads it. */
interface ScaleDirectory {
  readonly description: string;
  readonly config: Record<string, unknown>;
  readonly loadSeconds: number;
  /** Renames user i (its last name), as an administrator would. */
  rename(i: number, sn: string): Promise<void>;
  dispose(): Promise<void>;
}

/** Replaces one attribute of an entry over a fresh administrator session. */
async function modify(url: string, bindDN: string, password: string, dn: string, type: string, value: string): Promise<void> {
  const admin = new Client({ url });
  await admin.bind(bindDN, password);
  try {
    await admin.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) })]);
  } finally {
    await admin.unbind();
  }
}

async function openldap(dir: string): Promise<ScaleDirectory> {
  const fixtures = resolve(process.cwd(), 'fixtures/ldap');
  const t = performance.now();
  const slapd = await startSlapd({
    ldif: [join(fixtures, 'base.ldif'), join(fixtures, 'openldap-layout.ldif'), writeLdif(dir)],
    // What a production directory indexes for these lookups (the index's incremental read filters on entryCSN).
    indexes: ['uid eq', 'o eq', 'entryUUID eq', 'entryCSN eq'],
    maxSizeBytes: 1 << 30,
  });
  return {
    description: `OpenLDAP ${USERS} customer users + ${CUSTOMERS} customers (slapadd), paged results only, indexes uid/o/entryUUID/entryCSN eq`,
    loadSeconds: (performance.now() - t) / 1000,
    config: {
      url: slapd.url, bindDN: READER_DN, bindPassword: READER_PASSWORD, preset: 'openldap',
      customers: { baseDN: `ou=customers,${SUFFIX}` },
      customerUsers: { baseDN: `ou=people,${SUFFIX}`, validFilter: '(!(employeeType=disabled))' },
    },
    rename: (i, sn) => modify(slapd.url, ROOT_DN, ROOT_PASSWORD, `uid=${user(i).uid},ou=people,${SUFFIX}`, 'sn', sn),
    dispose: () => slapd.dispose(),
  };
}

/** Samba AD: the test domain controller, plus OU=ScaleCustomers and OU=ScaleUsers added over LDAP by 4 connections. */
async function samba(): Promise<ScaleDirectory> {
  const t = performance.now();
  const dc = await startSambaDc();
  const customersDN = `OU=ScaleCustomers,${DOMAIN_DN}`;
  const usersDN = `OU=ScaleUsers,${DOMAIN_DN}`;
  const adds: [string, Record<string, string>][] = [
    [customersDN, { objectClass: 'organizationalUnit', ou: 'ScaleCustomers' }],
    [usersDN, { objectClass: 'organizationalUnit', ou: 'ScaleUsers' }],
  ];
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `CUST-${String(i).padStart(4, '0')}`;
    adds.push([`OU=${id},${customersDN}`, { objectClass: 'organizationalUnit', ou: id, description: `Customer ${LAST[i % LAST.length]} ${i}` }]);
  }
  for (let i = 0; i < USERS; i++) {
    const { uid, sn, givenName, mail } = user(i);
    adds.push([`CN=${uid},${usersDN}`, {
      objectClass: 'user', sAMAccountName: uid, givenName, sn, mail, company: `CUST-${String(i % CUSTOMERS).padStart(4, '0')}`,
      userAccountControl: i % 10 === 0 ? '546' : '544', // disabled, or enabled without a password
    }]);
  }
  const admin = async () => {
    const c = new Client({ url: dc.url, timeout: 60_000 });
    await c.bind('Administrator@corp.example', ADMIN_PASSWORD);
    return c;
  };
  const first = await admin();
  await first.add(customersDN, adds[0]![1]);
  await first.add(usersDN, adds[1]![1]);
  await first.unbind();
  let next = 2;
  await Promise.all(Array.from({ length: 4 }, async () => {
    const c = await admin();
    while (next < adds.length) {
      const [dn, attrs] = adds[next++]!;
      await c.add(dn, attrs);
    }
    await c.unbind();
  }));
  return {
    description: `Samba AD DC (${execFileSync('samba', ['--version'], { encoding: 'utf8' }).trim()}): ${USERS} customer users + ${CUSTOMERS} customer OUs added over LDAP, active-directory preset, page limit 1,000`,
    loadSeconds: (performance.now() - t) / 1000,
    config: {
      url: dc.url, bindDN: SERVICE_UPN, bindPassword: SERVICE_PASSWORD, preset: 'active-directory',
      customers: { baseDN: customersDN },
      customerUsers: { baseDN: usersDN },
    },
    rename: (i, sn) => modify(dc.url, 'Administrator@corp.example', ADMIN_PASSWORD, `CN=${user(i).uid},${usersDN}`, 'sn', sn),
    dispose: () => dc.dispose(),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-ldap-scale-'));
  const directory = SAMBA ? await samba() : await openldap(dir);
  const loadSeconds = directory.loadSeconds;
  let t = performance.now();
  let searches = 0;
  const config = ldapSourceConfigSchema.parse({ id: 'directory', name: 'Directory', kind: 'ldap', timeoutMs: 3000, ...directory.config });
  const source = new LdapDataSource({ config, logger: createLogger('silent'), onSearchPage: () => searches++ });
  try {
    const all = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];
    const q = (over: Record<string, unknown> = {}) => ({ search: null, valid: [Validity.VALID], customerId: null, size: 50, after: null, before: null, backward: false, ...over });
    const login = (i: number) => `user${String((i * 7919) % USERS).padStart(6, '0')}`;

    t = performance.now();
    await source.refreshIndexes(true);
    const fullReadMs = performance.now() - t;
    await source.customerUsersByLogins([login(0)]); // bound session

    const firstPage = await source.listCustomerUsers(q());
    // Middle pages: a cursor some way into the list.
    const cursors: (readonly (string | number)[])[] = [];
    let after = firstPage.endKey;
    for (let i = 0; i < RUNS && after; i++) {
      cursors.push(after);
      const p = await source.listCustomerUsers(q({ after, size: 500 }));
      after = p.endKey;
    }
    // A new search text each time (no filter cached), then the next page of a search (cached).
    // Texts that match: a last name with its number (about 450 users) or a login prefix (100 users).
    const searchText = (i: number) => (i % 2 === 0 ? `${LAST[(i >> 1) % LAST.length]!.toLowerCase()}${(i >> 1) % 97}` : `user0${String(i % 500).padStart(3, '0')}`);
    const searchTotals: number[] = [];
    const searched = await source.listCustomerUsers(q({ search: 'müller', valid: all }));
    // Interleaved: every round times each operation once, so a shared machine's load hits all alike.
    const timed = await interleaved(RUNS, {
      lookup: (i) => source.customerUsersByLogins([login(i)]),
      lookup50: (i) => source.customerUsersByLogins(Array.from({ length: 50 }, (_, k) => login(i * 50 + k))),
      first: () => source.listCustomerUsers(q()),
      middle: (i) => source.listCustomerUsers(q({ after: cursors[i % cursors.length] })),
      backward: (i) => source.listCustomerUsers(q({ backward: true, before: cursors[i % cursors.length] })),
      newSearch: async (i) => searchTotals.push((await source.listCustomerUsers(q({ search: searchText(i), valid: all }))).totalCount),
      searchNextPage: () => source.listCustomerUsers(q({ search: 'müller', valid: all, after: searched.endKey })),
      ofOneCustomer: (i) => source.listCustomerUsers(q({ customerId: `cust-${String(i % CUSTOMERS).padStart(4, '0')}`, valid: all })),
      customers: () => source.listCustomers(q({ valid: all })),
    });
    const { lookup, lookup50, first: pageFirst, middle: pageMiddle, backward: pageBackward, newSearch: pageSearch, searchNextPage: pageSearchNext, ofOneCustomer: pageOfCustomer, customers: customersPage } = timed;
    const before = searches;
    const searchesPerPage = await source.listCustomerUsers(q({ after: cursors[3] })).then(() => searches - before);
    const incremental = await time(10, () => source.refreshIndexes());
    // The first pages after a change: one user renamed, the change read, then a page and a new search.
    const afterChange = { page: [] as number[], search: [] as number[] };
    for (let i = 0; i < 5; i++) {
      await directory.rename(i * 977, `Renamed${i}`);
      await source.refreshIndexes();
      let t0 = performance.now();
      await source.listCustomerUsers(q({ after: cursors[i] }));
      afterChange.page.push(performance.now() - t0);
      t0 = performance.now();
      await source.listCustomerUsers(q({ search: `renamed${i}`, valid: all }));
      afterChange.search.push(performance.now() - t0);
    }
    // What a change of the directory costs the next search: the text search built anew (the same texts as the index's).
    const texts = Array.from({ length: USERS }, (_, i) => {
      const u = user(i);
      return [u.uid, u.mail, u.givenName, u.sn].join('\n').toLowerCase();
    });
    const external = process.memoryUsage().external;
    const built: TextSearch[] = [];
    const textSearchBuild = await time(5, async () => built.push(new TextSearch(texts)));
    const textSearchMb = +((process.memoryUsage().external - external) / built.length / 2 ** 20).toFixed(1);

    const result = {
      date: new Date().toISOString().slice(0, 10),
      cpus: cpus().length,
      directory: directory.description,
      loadSeconds: +loadSeconds.toFixed(1),
      indexFullReadMs: +fullReadMs.toFixed(0),
      indexIncrementalReadNoChanges: incremental,
      textSearchBuild,
      firstPageAfterChangeMs: +median(afterChange.page).toFixed(1),
      firstSearchAfterChangeMs: +median(afterChange.search).toFixed(1),
      textSearchMb,
      lookupOneLogin: lookup,
      lookup50Logins: lookup50,
      listPage50: { first: pageFirst, middle: pageMiddle, backward: pageBackward, newSearch: pageSearch, searchNextPage: pageSearchNext, ofOneCustomer: pageOfCustomer, customers: customersPage },
      newSearchMedianTotal: median(searchTotals),
      searchesPerListPage: searchesPerPage,
      worstPageOverLookup: +(Math.max(pageFirst.medianMs, pageMiddle.medianMs, pageBackward.medianMs, pageSearchNext.medianMs, pageOfCustomer.medianMs) / lookup.medianMs).toFixed(2),
      newSearchOverLookup: +(pageSearch.medianMs / lookup.medianMs).toFixed(2),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await source.close();
    await directory.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
