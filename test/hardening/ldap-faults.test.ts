import { readFileSync } from 'node:fs';
import { startTestApp, type GqlResult, type TestApp } from '../helpers/test-app';
import { openldapSourceConfig } from '../ldap/ldap-fixture';
import { layoutLdif, startSlapd, type Slapd } from '../ldap/slapd';

// The directory refused (stopped), hung (SIGSTOP) and restarted while clients keep sending
// requests: only LDAP-backed fields fail, with DATA_SOURCE_UNAVAILABLE and within the timeout;
// requests served by SQLite alone stay 100 % successful; the directory recovers without a restart.

const LOCAL = { id: 'local', name: 'Helpdesk database', kind: 'sqlite' };
const TIMEOUT_MS = 400;

/** Served by the helpdesk database alone (the local source is first, so its lookups never reach LDAP). */
const SQLITE_ONLY = `query($n: String!) {
  customer(customerId: "LOCALCO") { customerId name city country { code } ticketCounts { open closed } }
  ticket(number: $n) { number title state }
  customers(dataSource: "local") { totalCount nodes { customerId name } }
}`;
/** Needs the directory. */
const LDAP_BACKED = `{ customer(customerId: "ACME") { name } customers(dataSource: "directory", first: 5) { nodes { customerId } } }`;

interface Tally {
  sqliteOk: number;
  sqliteFailed: string[];
  ldapOk: number;
  ldapUnavailable: number;
  ldapOther: string[];
  /** LDAP requests that had not answered after 10 times the timeout. */
  hung: number;
}

function emptyTally(): Tally {
  return { sqliteOk: 0, sqliteFailed: [], ldapOk: 0, ldapUnavailable: 0, ldapOther: [], hung: 0 };
}

/** Runs `workers` concurrent client loops until `stop` resolves. */
async function drive(t: TestApp, ticket: string, tally: Tally, stop: Promise<void>, workers = 6): Promise<void> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const guard = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), TIMEOUT_MS * 10).unref())]);
  const loop = async () => {
    while (!stopped) {
      const s = await t.http(SQLITE_ONLY, { n: ticket });
      if (s.errors || s.status !== 200 || s.data?.customer?.name !== 'Local Company' || s.data?.ticket?.number !== ticket) tally.sqliteFailed.push(JSON.stringify(s.errors ?? s.status));
      else tally.sqliteOk++;
      const l = await guard(t.http(LDAP_BACKED));
      if (l === 'hung') {
        tally.hung++;
        continue;
      }
      const codes = (l as GqlResult).errors?.map((e) => e.extensions?.code) ?? [];
      if (codes.length === 0 && l.data?.customer?.name === 'Acme Corporation') tally.ldapOk++;
      else if (codes.length > 0 && codes.every((c) => c === 'DATA_SOURCE_UNAVAILABLE')) tally.ldapUnavailable++;
      else tally.ldapOther.push(JSON.stringify(l.errors ?? l.data));
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Drives the load while `fault` runs, then for a little longer. */
async function underLoad(t: TestApp, ticket: string, fault: () => Promise<void>): Promise<Tally> {
  const tally = emptyTally();
  let end!: () => void;
  const stop = new Promise<void>((r) => (end = r));
  const driving = drive(t, ticket, tally, stop);
  await sleep(300);
  await fault();
  end();
  await driving;
  return tally;
}

describe('directory faults under load', () => {
  let slapd: Slapd;
  let t: TestApp;
  let ticket: string;

  beforeAll(async () => {
    slapd = await startSlapd({ ldif: layoutLdif('openldap') });
    t = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(slapd.url, { timeoutMs: TIMEOUT_MS })] } });
    const c = await t.exec(`mutation { createCustomer(input: {dataSource: "local", customerId: "LOCALCO", name: "Local Company", country: "NL", city: "Utrecht"}) { customerId } }`);
    expect(c.errors).toBeUndefined();
    const tk = await t.exec(`mutation { createTicket(input: {title: "Local ticket", customerId: "LOCALCO"}) { number } }`);
    ticket = tk.data.createTicket.number;
    // Both kinds answer before the faults.
    expect((await t.http(SQLITE_ONLY, { n: ticket })).errors).toBeUndefined();
    expect((await t.http(LDAP_BACKED)).errors).toBeUndefined();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await slapd?.dispose();
  });

  async function expectRecovered(): Promise<void> {
    // The next requests reach the directory again, without restarting the service.
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      const r = await t.http(LDAP_BACKED);
      ok = !r.errors && r.data?.customer?.name === 'Acme Corporation';
      if (!ok) await sleep(100);
    }
    expect(ok).toBe(true);
  }

  test('refused (directory stopped): LDAP fields fail with DATA_SOURCE_UNAVAILABLE, SQLite requests all succeed, then recovery', async () => {
    const tally = await underLoad(t, ticket, async () => {
      await slapd.stop();
      await sleep(1500);
      await slapd.start();
      await sleep(700);
    });
    expect(tally.sqliteFailed).toEqual([]);
    expect(tally.sqliteOk).toBeGreaterThan(20);
    expect(tally.ldapOther).toEqual([]);
    expect(tally.hung).toBe(0);
    expect(tally.ldapUnavailable).toBeGreaterThan(0);
    expect(tally.ldapOk).toBeGreaterThan(0);
    await expectRecovered();
  }, 60_000);

  test('hung (directory frozen with SIGSTOP): LDAP requests end within the timeout, SQLite requests all succeed, then recovery', async () => {
    const tally = await underLoad(t, ticket, async () => {
      await slapd.pause();
      await sleep(TIMEOUT_MS * 5);
      slapd.resume();
      await sleep(700);
    });
    expect(tally.sqliteFailed).toEqual([]);
    expect(tally.sqliteOk).toBeGreaterThan(20);
    expect(tally.ldapOther).toEqual([]);
    expect(tally.hung).toBe(0);
    expect(tally.ldapUnavailable).toBeGreaterThan(0);
    await expectRecovered();
  }, 60_000);

  test('restarted under load: SQLite requests all succeed, LDAP requests fail only as unavailable, then recovery', async () => {
    const tally = await underLoad(t, ticket, async () => {
      for (let i = 0; i < 3; i++) {
        await slapd.stop();
        await slapd.start();
        await sleep(300);
      }
    });
    expect(tally.sqliteFailed).toEqual([]);
    expect(tally.ldapOther).toEqual([]);
    expect(tally.hung).toBe(0);
    expect(tally.ldapOk).toBeGreaterThan(0);
    await expectRecovered();
  }, 60_000);

  test('closing the service closes its directory connections', async () => {
    const second = await startTestApp({ config: { dataSources: [LOCAL, openldapSourceConfig(slapd.url, { timeoutMs: TIMEOUT_MS })] } });
    const established = () => {
      // Client-side sockets of this machine to the directory's port, ESTABLISHED (state 01).
      const hexPort = slapd.port.toString(16).toUpperCase().padStart(4, '0');
      return readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => {
          const f = l.trim().split(/\s+/);
          return f[2]?.endsWith(`:${hexPort}`) && f[3] === '01';
        }).length;
    };
    const before = established();
    expect((await second.http(LDAP_BACKED)).errors).toBeUndefined();
    expect(established()).toBeGreaterThan(before);
    const opened = established() - before;
    await second.close();
    let now = established();
    for (let i = 0; i < 20 && now > before; i++) {
      await sleep(50);
      now = established();
    }
    expect(now).toBe(before);
    expect(opened).toBeGreaterThan(0);
  }, 30_000);
});
