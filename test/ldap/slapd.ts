import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the Debian slapd binaries live. */
export const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
const INSTALL_HINT = 'OpenLDAP slapd is not installed: run `apt-get install -y slapd ldap-utils` (Debian/Ubuntu)';

/** The fixture folder (LDIF files). */
export const FIXTURES_DIR = resolve(__dirname, '../../fixtures/ldap');

/** The directory's suffix and accounts, as fixtures/ldap/base.ldif defines them. */
export const SUFFIX = 'dc=example,dc=com';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'admin-secret';
export const READER_DN = `cn=reader,${SUFFIX}`;
export const READER_PASSWORD = 'reader-secret';

/** TLS material for slapd (PEM files). */
export interface SlapdTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Options of {@link startSlapd}. */
export interface SlapdOptions {
  /** LDIF files to load (paths); default the OpenLDAP layout: base + openldap-layout. */
  readonly ldif?: readonly string[];
  /** Server size limit of a plain search and of one page (entries); paged searches may return any total. Default unlimited. */
  readonly sizeLimit?: number;
  /** Also listen on ldaps:// and offer StartTLS with this certificate. */
  readonly tls?: SlapdTls;
  /** Refuse simple binds over an unencrypted connection (slapd `security simple_bind=128`). */
  readonly requireTlsForBind?: boolean;
  /** Listen on this port (default: a free one). */
  readonly port?: number;
  /** Further `index` lines, e.g. `uid eq` (objectClass is always indexed). */
  readonly indexes?: readonly string[];
  /** The mdb map size (default 64 MiB). */
  readonly maxSizeBytes?: number;
}

/** A running slapd on a free loopback port. */
export interface Slapd {
  readonly url: string;
  readonly port: number;
  /** ldaps:// URL when started with TLS. */
  readonly ldapsUrl: string | null;
  readonly dir: string;
  readonly pid: () => number;
  /** Stops the server (SIGTERM, waits for exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP; resolves once it is stopped): a hung server. SIGCONT thaws it. */
  pause(): Promise<void>;
  resume(): void;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

/** Fails with an installation hint when slapd is missing. */
export function assertSlapdInstalled(): void {
  if (!existsSync(SLAPD) || !existsSync(SLAPADD)) throw new Error(INSTALL_HINT);
}

/** Running slapd processes, killed when this process exits so that none outlives a test run. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** The LDIF files of a layout under fixtures/ldap. */
export function layoutLdif(layout: 'openldap' | 'active-directory'): string[] {
  return [join(FIXTURES_DIR, 'base.ldif'), join(FIXTURES_DIR, `${layout}-layout.ldif`)];
}

/**
 * slapd's msuser.schema declares the Active Directory attributes without matching rules, so
 * slapd could not compare `sAMAccountName` or `company` at all. Real AD compares these Unicode
 * strings ignoring case; the copy written here adds exactly that (caseIgnoreMatch and
 * caseIgnoreSubstringsMatch) to the Directory String attributes the active-directory preset reads,
 * and integer ordering to `uSNChanged`, so that a test can give entries the change counter AD
 * keeps (slapd does not maintain it: the test sets it) and the index reads by it as on AD.
 */
const AD_STRING_ATTRIBUTES = ['sAMAccountName', 'company', 'userPrincipalName'];

function adLikeSchema(dir: string): string {
  let text = readFileSync(join(SCHEMA_DIR, 'msuser.schema'), 'utf8');
  for (const name of AD_STRING_ATTRIBUTES) {
    const re = new RegExp(`(NAME '${name}'\\s+)(SYNTAX '1\\.3\\.6\\.1\\.4\\.1\\.1466\\.115\\.121\\.1\\.15')`);
    if (!re.test(text)) throw new Error(`msuser.schema: attribute ${name} not found as expected`);
    text = text.replace(re, '$1EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch $2');
  }
  const usn = /(NAME 'uSNChanged'\s+)(SYNTAX 'MSADlargeInteger')/;
  if (!usn.test(text)) throw new Error('msuser.schema: attribute uSNChanged not found as expected');
  text = text.replace(usn, '$1EQUALITY integerMatch ORDERING integerOrderingMatch $2');
  const file = join(dir, 'msuser-ad.schema');
  writeFileSync(file, text);
  return file;
}

function slapdConf(dir: string, options: SlapdOptions): string {
  const schemas = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
    `include ${adLikeSchema(dir)}`,
  ];
  const tls = options.tls
    ? [`TLSCACertificateFile ${options.tls.caFile}`, `TLSCertificateFile ${options.tls.certFile}`, `TLSCertificateKeyFile ${options.tls.keyFile}`]
    : [];
  return [
    ...schemas,
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'loglevel 0',
    ...tls,
    ...(options.requireTlsForBind ? ['security simple_bind=128'] : []),
    // With a limit, a plain search stops at that many entries and a page may hold at most that
    // many; a paged search may still fetch any total (like Active Directory's MaxPageSize).
    options.sizeLimit === undefined
      ? 'sizelimit unlimited'
      : `sizelimit size.soft=${options.sizeLimit} size.hard=${options.sizeLimit} size.pr=${options.sizeLimit} size.prtotal=unlimited`,
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${join(dir, 'db')}`,
    `maxsize ${options.maxSizeBytes ?? 67108864}`,
    'index objectClass eq',
    ...(options.indexes ?? []).map((i) => `index ${i}`),
    // Anonymous clients may only authenticate: reading needs the service account.
    'access to attrs=userPassword by anonymous auth by * none',
    `access to * by dn.exact="${READER_DN}" read by * none`,
    '',
  ].join('\n');
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`slapd did not listen on ${port} within 10 s: ${stderr()}`);
}

/**
 * Starts slapd as the current user on a free loopback port: a temp slapd.conf with the core,
 * cosine, inetorgperson, nis and msuser schemas, an mdb database loaded from LDIF with slapadd.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  assertSlapdInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-slapd-'));
  const conf = join(dir, 'slapd.conf');
  try {
    mkdirSync(join(dir, 'db'));
    writeFileSync(conf, slapdConf(dir, options));
    for (const file of options.ldif ?? layoutLdif('openldap')) {
      const r = spawnSync(SLAPADD, ['-f', conf, '-q', '-l', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`slapadd ${file} failed: ${r.stderr || r.error}`);
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = options.port ?? (await freePort());
  const tlsPort = options.tls ? await freePort() : null;
  const urls = [`ldap://127.0.0.1:${port}/`, ...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : [])];
  let child: ChildProcess | null = null;
  let errText = '';

  const start = async () => {
    errText = '';
    const c = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', urls.join(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    running.add(c);
    c.once('exit', () => running.delete(c));
    child.stderr!.on('data', (d: Buffer) => (errText = (errText + d.toString()).slice(-4000)));
    await waitForPort(port, child, () => errText);
    if (tlsPort) await waitForPort(tlsPort, child, () => errText);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await start();
  } catch (e) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `ldap://127.0.0.1:${port}`,
    port,
    ldapsUrl: tlsPort ? `ldaps://localhost:${tlsPort}` : null,
    dir,
    pid: () => child?.pid ?? -1,
    start,
    stop,
    async pause() {
      const c = child as ChildProcess | null;
      if (!c?.pid) throw new Error('slapd is not running');
      c.kill('SIGSTOP');
      // The signal is delivered asynchronously: wait until the kernel reports the process stopped.
      for (let i = 0; i < 200; i++) {
        const state = readFileSync(`/proc/${c.pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
        if (state === 'T' || state === 't') return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('slapd did not stop on SIGSTOP');
    },
    resume: () => child?.kill('SIGCONT'),
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A throw-away CA and a server certificate for `localhost` and 127.0.0.1 (openssl), plus an
 * unrelated CA that must not be trusted.
 */
export function makeTestCertificates(dir: string): SlapdTls & { wrongCaFile: string } {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  for (const ca of ['ca', 'wrong-ca']) {
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', ...subj(`Helpdesk test ${ca}`)]);
  }
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', ...subj('localhost')]);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), wrongCaFile: join(dir, 'wrong-ca.pem') };
}

/**
 * A server certificate from the throw-away CA of {@link makeTestCertificates} (in `dir`) that
 * names exactly `altNames` (e.g. `IP:127.0.0.1`, `DNS:localhost`); its common name is the
 * first name, so that only the names given can match.
 */
export function makeServerCertificate(dir: string, label: string, altNames: readonly string[]): SlapdTls {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const cn = altNames[0]!.replace(/^[A-Z]+:/, '');
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${label}.key`, '-out', `${label}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${label}.ext`), `subjectAltName=${altNames.join(',')}\nbasicConstraints=CA:FALSE\n`);
  run(['x509', '-req', '-in', `${label}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${label}.pem`, '-days', '2', '-extfile', `${label}.ext`]);
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, `${label}.pem`), keyFile: join(dir, `${label}.key`) };
}

/** Writes an LDIF file of `n` generated customers (for size-limit tests) and returns its path. */
export function writeBulkCustomersLdif(dir: string, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `BULK-${String(i).padStart(4, '0')}`;
    lines.push(`dn: o=${id},ou=customers,${SUFFIX}`, 'objectClass: organization', 'objectClass: extensibleObject', `o: ${id}`, `description: Bulk customer ${String(i).padStart(4, '0')}`, 'c: NL', '');
  }
  const file = join(dir, 'bulk.ldif');
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** The LDIF files shipped in fixtures/ldap (for documentation and sanity checks). */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.ldif'));
}

/** Reads a fixture file. */
export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}
