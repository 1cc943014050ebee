import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';
import { makeServerCertificate, makeTestCertificates } from '../ldap/slapd';

const INSTALL_HINT = 'Samba is not installed: run `apt-get install -y samba` (Debian/Ubuntu); the AD tests provision a domain controller with it';

/** The test domain. */
export const REALM = 'CORP.EXAMPLE';
export const NETBIOS_DOMAIN = 'CORP';
export const DOMAIN_DN = 'DC=corp,DC=example';
export const ADMIN_PASSWORD = 'Adm1n-Secret!x';
/** The read-only service account the data source binds as (a plain domain user). */
export const SERVICE_LOGIN = 'svc-helpdesk';
export const SERVICE_DN = `CN=Helpdesk Service,OU=Service,${DOMAIN_DN}`;
export const SERVICE_UPN = `${SERVICE_LOGIN}@corp.example`;
export const SERVICE_PASSWORD = 'Svc-Secret-2026!';
/** Bulk users under OU=Bulk: more than AD's MaxPageSize of 1,000. */
export const BULK_USERS = 1100;
/** A locked-out user's password (the lockout is made by wrong binds). */
const LOCKED_PASSWORD = 'Locked-Secret-1!';

/** A running Samba AD DC on 127.0.0.1 (fixed ports 389 and 636). */
export interface SambaDc {
  readonly url: string;
  readonly ldapsUrl: string;
  readonly caFile: string;
  /** A CA that signed nothing of this server. */
  readonly wrongCaFile: string;
  /** Seconds spent provisioning and loading (for the docs). */
  readonly setupSeconds: number;
  dispose(): Promise<void>;
}

/** Fails with the reason when Samba cannot run here. */
export function assertSambaUsable(): void {
  if (!existsSync('/usr/sbin/samba') || !existsSync('/usr/bin/samba-tool')) throw new Error(INSTALL_HINT);
  if (process.getuid?.() !== 0) throw new Error('the Samba AD tests must run as root (samba binds ports 389 and 636)');
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A FILETIME (100 ns since 1601) for a date, as AD stores accountExpires. */
export function filetime(date: Date): string {
  return ((BigInt(date.getTime()) + 11_644_473_600_000n) * 10_000n).toString();
}

/** A unicodePwd value (ldapts sends a Buffer as is; its typings know only strings). */
const pwd = (password: string) => Buffer.from(`"${password}"`, 'utf16le') as unknown as string;
const ACCOUNT_ENABLED_NO_PASSWORD = '544'; // NORMAL_ACCOUNT | PASSWD_NOTREQD
const ACCOUNT_DISABLED_NO_PASSWORD = '546';

/**
 * Provisions a Samba AD domain controller into a temporary folder (`samba-tool domain provision
 * --dns-backend=NONE`, loopback only, simple binds allowed without TLS, TLS with a throw-away
 * certificate naming 127.0.0.1 and localhost), starts it and loads the test data:
 *
 * - OU=Customers: the conformance customers as OUs (comment in adminDescription, validity in
 *   businessCategory), and two users inside OU=ACME for the customer-id-from-OU option;
 * - OU=Users: the conformance customer users, plus a computer (WS01$, company ACME), a contact
 *   and a group that must never be customer users;
 * - OU=Staff: an expired, a locked-out and a disabled user;
 * - OU=Bulk: {@link BULK_USERS} generated users; OU=Service: the service account.
 */
export async function startSambaDc(): Promise<SambaDc> {
  assertSambaUsable();
  const started = Date.now();
  for (const port of [389, 636, 3268]) {
    if (await portOpen(port)) {
      // The Debian slapd package starts a service on 389; the tests start their own slapd.
      if (existsSync('/etc/init.d/slapd')) spawnSync('/etc/init.d/slapd', ['stop'], { encoding: 'utf8' });
      if (await portOpen(port)) throw new Error(`port ${port} is taken on 127.0.0.1; Samba needs it (stop the directory server that holds it)`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-samba-'));
  const target = join(dir, 'dc');
  let child: ChildProcess | null = null;
  try {
    run('samba-tool', [
      'domain', 'provision', `--realm=${REALM}`, `--domain=${NETBIOS_DOMAIN}`, `--adminpass=${ADMIN_PASSWORD}`, '--server-role=dc',
      '--dns-backend=NONE', `--targetdir=${target}`, '--host-name=dc1', '--option=interfaces = lo', '--option=bind interfaces only = yes',
    ]);
    const certs = makeTestCertificates(dir);
    const server = makeServerCertificate(dir, 'dc1', ['IP:127.0.0.1', 'DNS:localhost']);
    chmodSync(server.keyFile, 0o600);
    // Provisioning keeps only some --option values: the rest go into the generated smb.conf.
    appendFileSync(
      join(target, 'etc', 'smb.conf'),
      [
        '[global]',
        '\tldap server require strong auth = no',
        '\tserver services = ldap',
        `\ttls enabled = yes`,
        `\ttls keyfile = ${server.keyFile}`,
        `\ttls certfile = ${server.certFile}`,
        `\ttls cafile = ${server.caFile}`,
        `\tlog file = ${join(dir, 'log.%m')}`,
        '',
      ].join('\n'),
    );
    run('samba-tool', ['domain', 'passwordsettings', 'set', '--account-lockout-threshold=3', '--complexity=off', '-H', join(target, 'private', 'sam.ldb')]);
    let errText = '';
    const c = spawn('samba', ['-i', '-M', 'single', '-s', join(target, 'etc', 'smb.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr!.on('data', (d: Buffer) => (errText = (errText + d.toString()).slice(-4000)));
    process.once('exit', () => c.kill('SIGKILL'));
    const deadline = Date.now() + 60_000;
    while (!(await portOpen(389)) || !(await portOpen(636))) {
      if (c.exitCode !== null) throw new Error(`samba exited with ${c.exitCode}: ${errText}`);
      if (Date.now() > deadline) throw new Error(`samba did not listen within 60 s: ${errText}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await load();
    const dc: SambaDc = {
      url: 'ldap://127.0.0.1:389',
      ldapsUrl: 'ldaps://127.0.0.1:636',
      caFile: certs.caFile,
      wrongCaFile: certs.wrongCaFile,
      setupSeconds: (Date.now() - started) / 1000,
      async dispose() {
        if (c.exitCode === null && c.signalCode === null) {
          const exited = new Promise<void>((r) => c.once('exit', () => r()));
          c.kill('SIGTERM');
          const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return dc;
  } catch (e) {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Loads the test data over LDAP as the domain administrator. */
async function load(): Promise<void> {
  const admin = new Client({ url: 'ldap://127.0.0.1:389', timeout: 30_000 });
  await admin.bind(`Administrator@corp.example`, ADMIN_PASSWORD);
  try {
    for (const ou of ['Customers', 'Users', 'Staff', 'Bulk', 'Service']) {
      await admin.add(`OU=${ou},${DOMAIN_DN}`, { objectClass: 'organizationalUnit', ou });
    }
    for (const c of FIXTURE_CUSTOMERS) {
      await admin.add(`OU=${c.customerId},OU=Customers,${DOMAIN_DN}`, {
        objectClass: 'organizationalUnit',
        ou: c.customerId,
        description: c.name,
        ...(c.street && { street: c.street }),
        ...(c.zip && { postalCode: c.zip }),
        ...(c.city && { l: c.city }),
        c: c.countryCode,
        ...(c.url && { wWWHomePage: c.url }),
        ...(c.comment && { adminDescription: c.comment }),
        ...(c.valid !== 'VALID' && { businessCategory: c.valid === 'INVALID' ? 'closed' : 'suspended' }),
      });
    }
    for (const u of FIXTURE_CUSTOMER_USERS) {
      await admin.add(`CN=${u.firstName} ${u.lastName},OU=Users,${DOMAIN_DN}`, {
        objectClass: 'user',
        sAMAccountName: u.login,
        userPrincipalName: `${u.login}@corp.example`,
        givenName: u.firstName,
        sn: u.lastName,
        mail: u.email,
        company: u.customerId,
        ...(u.additionalCustomerIds.length > 0 && { o: [...u.additionalCustomerIds] }),
        ...(u.title && { title: u.title }),
        ...(u.phone && { telephoneNumber: u.phone }),
        ...(u.mobile && { mobile: u.mobile }),
        ...(u.city && { l: u.city }),
        userAccountControl: u.valid === 'VALID' ? ACCOUNT_ENABLED_NO_PASSWORD : ACCOUNT_DISABLED_NO_PASSWORD,
      });
    }
    // Not customer users: a computer account of ACME, a contact and a group.
    await admin.add(`CN=WS01,OU=Users,${DOMAIN_DN}`, { objectClass: 'computer', sAMAccountName: 'WS01$', company: 'ACME', userAccountControl: '4096' });
    await admin.add(`CN=Carl Contact,OU=Users,${DOMAIN_DN}`, { objectClass: 'contact', givenName: 'Carl', sn: 'Contact', mail: 'carl@example.com', company: 'ACME' });
    await admin.add(`CN=ACME Staff,OU=Users,${DOMAIN_DN}`, { objectClass: 'group', sAMAccountName: 'acme-staff', mail: 'staff@acme.example' });
    // Customer id from the OU the user sits in.
    for (const [login, first, last] of [['ou.anna', 'Anna', 'Ouser'], ['ou.ben', 'Ben', 'Ouser']] as const) {
      await admin.add(`CN=${first} ${last},OU=ACME,OU=Customers,${DOMAIN_DN}`, {
        objectClass: 'user', sAMAccountName: login, givenName: first, sn: last, mail: `${login}@acme.example`, o: 'globex', userAccountControl: ACCOUNT_ENABLED_NO_PASSWORD,
      });
    }
    // Account states.
    const staff = (cn: string, login: string, extra: Record<string, string>) =>
      admin.add(`CN=${cn},OU=Staff,${DOMAIN_DN}`, { objectClass: 'user', sAMAccountName: login, givenName: cn.split(' ')[0]!, sn: cn.split(' ')[1]!, mail: `${login}@example.com`, company: 'ACME', ...extra });
    await staff('Eve Expired', 'eve.expired', { userAccountControl: ACCOUNT_ENABLED_NO_PASSWORD, accountExpires: filetime(new Date('2020-01-01T00:00:00Z')) });
    await staff('Fay Future', 'fay.future', { userAccountControl: ACCOUNT_ENABLED_NO_PASSWORD, accountExpires: filetime(new Date('2099-01-01T00:00:00Z')) });
    await staff('Dan Disabled', 'dan.disabled', { userAccountControl: ACCOUNT_DISABLED_NO_PASSWORD });
    await staff('Lou Locked', 'lou.locked', { unicodePwd: pwd(LOCKED_PASSWORD), userAccountControl: '512' });
    await staff('Val Valid', 'val.valid', { unicodePwd: pwd(LOCKED_PASSWORD), userAccountControl: '512' });
    await admin.add(SERVICE_DN, {
      objectClass: 'user', sAMAccountName: SERVICE_LOGIN, userPrincipalName: SERVICE_UPN, unicodePwd: pwd(SERVICE_PASSWORD), userAccountControl: '66048',
    });
    for (let i = 0; i < BULK_USERS; i++) {
      const n = String(i).padStart(4, '0');
      await admin.add(`CN=Bulk ${n},OU=Bulk,${DOMAIN_DN}`, {
        objectClass: 'user', sAMAccountName: `bulk${n}`, givenName: `Bulk`, sn: `User ${n}`, mail: `bulk${n}@example.com`, company: `BULK-${i % 10}`,
        userAccountControl: ACCOUNT_ENABLED_NO_PASSWORD,
      });
    }
  } finally {
    await admin.unbind();
  }
  // Three wrong passwords lock lou.locked out (threshold 3).
  for (let i = 0; i < 3; i++) {
    const c = new Client({ url: 'ldap://127.0.0.1:389' });
    await c.bind(`lou.locked@corp.example`, 'wrong').catch(() => undefined);
    await c.unbind().catch(() => undefined);
  }
}

/** A session bound as the domain administrator (the caller unbinds it). */
export async function adminClient(): Promise<Client> {
  const admin = new Client({ url: 'ldap://127.0.0.1:389' });
  await admin.bind(`Administrator@corp.example`, ADMIN_PASSWORD);
  return admin;
}

/** Changes one attribute of an entry as the administrator (for tests of refreshes). */
export async function adminModify(dn: string, type: string, values: string[]): Promise<void> {
  const admin = new Client({ url: 'ldap://127.0.0.1:389' });
  await admin.bind(`Administrator@corp.example`, ADMIN_PASSWORD);
  try {
    await admin.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type, values }) })]);
  } finally {
    await admin.unbind();
  }
}
