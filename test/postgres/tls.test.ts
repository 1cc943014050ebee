import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/composition/app';
import { loadConfig, sha256Hex } from '../../src/config/config';
import { createLogger } from '../../src/log/logger';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { startTestApp } from '../helpers/test-app';

// TLS to PostgreSQL: a throw-away CA (openssl) signs the test server's certificate for
// "localhost"; the URL's sslmode=verify-full (or require) turns certificate verification on.

const OPENSSL_INSTALL = 'apt-get install -y openssl';

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Error(`openssl is not installed: ${OPENSSL_INSTALL}`);
    throw e;
  }
}

/** A CA and a server certificate signed by it for DNS:localhost; and a second, unrelated CA. */
function makeCertificates(dir: string): { ca: string; otherCa: string; cert: string; key: string } {
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', ...subj('Helpdesk Test CA')]);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', ...subj('Another CA')]);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', ...subj('localhost')]);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext']);
  return {
    ca: join(dir, 'ca.pem'),
    otherCa: join(dir, 'other.pem'),
    cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
  };
}

describe('TLS to PostgreSQL', () => {
  let dir: string;
  let server: PostgresServer;
  let certs: ReturnType<typeof makeCertificates>;
  let dbName: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-pg-tls-'));
    certs = makeCertificates(dir);
    server = await startPostgres({ tls: { cert: certs.cert, key: certs.key } });
    dbName = new URL(await server.createDatabase('tls')).pathname.slice(1);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (host: string, query: string) =>
    `postgres://${server.user}:${encodeURIComponent(server.password)}@${host}:${server.port}/${dbName}?${query}`;
  const COUNT = '{ customers { totalCount } }';

  test('verify-full with the right CA and host connects over TLS', async () => {
    const t = await startTestApp({ database: url('localhost', `sslmode=verify-full&sslrootcert=${certs.ca}`) });
    try {
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
      const res = await t.http(COUNT);
      expect(res.errors).toBeUndefined();
      // The service's own sessions are encrypted (seen by the server).
      const ssl = await server.sql<{ ssl: boolean }>(dbName, `SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.application_name = 'helpdesk-customer-service'`);
      expect(ssl.length).toBeGreaterThan(0);
      expect(ssl.every((r) => r.ssl)).toBe(true);
    } finally {
      await t.close();
    }
  });

  test('sslmode=require verifies the certificate too', async () => {
    const t = await startTestApp({ database: url('localhost', `sslmode=require&sslrootcert=${certs.otherCa}`) });
    try {
      expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    } finally {
      await t.close();
    }
  });

  const refusals: [string, () => string, RegExp][] = [
    ['a wrong CA', () => url('localhost', `sslmode=verify-full&sslrootcert=${certs.otherCa}`), /not signed by a trusted CA/],
    ['no CA (the system store)', () => url('localhost', 'sslmode=verify-full'), /not signed by a trusted CA/],
    ['a wrong host', () => url('127.0.0.1', `sslmode=verify-full&sslrootcert=${certs.ca}`), /does not name the host/],
  ];

  test.each(refusals)('%s is refused: /readyz 503 and the start-up log say why, without the password', async (_label, database, reason) => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(s) } as unknown as Writable);
    const raw = { database: database(), auth: { tokens: [{ name: 'agents', role: 'agent', sha256: sha256Hex('tls-test-token-0123456789') }] }, dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }] };
    const app = await createApp(loadConfig({ env: {}, cwd: dir, raw }), { logger });
    const t = await startTestApp({ database: database() }).catch(async (e: unknown) => {
      await app.close();
      throw e;
    });
    try {
      await app.started;
      const startup = lines.map((l) => JSON.parse(l)).find((l) => /cannot be reached/.test(l.msg));
      expect(startup?.reason).toMatch(reason);
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { sources: { id: string; available: boolean; reason?: string }[] };
      expect(body.sources[0]).toMatchObject({ id: 'local', available: false, reason: expect.stringMatching(reason) });
      const res = await t.http(COUNT);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['DATA_SOURCE_UNAVAILABLE']);
      for (const text of [JSON.stringify(body), JSON.stringify(res), lines.join('')]) {
        expect(text.includes(server.password)).toBe(false);
        expect(text.includes(encodeURIComponent(server.password))).toBe(false);
      }
    } finally {
      await app.close();
      await t.close();
    }
  });
});
