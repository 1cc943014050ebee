import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from '../helpers/fingerprint';
import { sqliteHandle } from '../helpers/sqlite-handle';
import { loadFixture } from '../helpers/fixture-tickets';
import { TOKENS } from '../helpers/test-app';
import { ensureBuilt, spawnServer, startLoggedApp, testConfig, type LoggedApp, type SpawnedServer } from './harness';

const CREATE = 'mutation CreateTicket($input: CreateTicketInput!) { createTicket(input: $input) { number title } }';
const READ = '{ customer(customerId: "ACME") { name ticketCounts { total } } customers { totalCount } }';

/** What a masked error must not reveal. */
function assertNothingLeaks(text: string, dir: string): void {
  for (const secret of ['SQLITE', 'sqlite', 'INSERT', 'UPDATE ', 'SELECT', 'readonly', 'stack', '    at ', dir, tmpdir(), hostname(), '.ts:', '.js:']) {
    expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
  }
}

describe('faults of the SQLite database', () => {
  let t: LoggedApp;
  beforeEach(async () => {
    t = await startLoggedApp({ config: { limits: { busyTimeoutMs: 150 } }, prepare: (app) => loadFixture(app) });
  });
  afterEach(() => t.close());

  test('another connection holds the write lock: DATA_SOURCE_UNAVAILABLE after the busy timeout, reads go on, then it recovers', async () => {
    const other = new Database(t.app.config.database);
    try {
      other.exec('BEGIN IMMEDIATE');
      const before = await fingerprint(t.app);
      const busy = await t.post({ query: CREATE, variables: { input: { title: 'locked out', customerId: 'ACME' } } });
      expect(busy.status).toBe(200);
      expect(busy.json.errors.map((e: any) => e.extensions.code)).toEqual(['DATA_SOURCE_UNAVAILABLE']);
      expect(busy.json.errors[0].message).toMatch(/try again/);
      assertNothingLeaks(busy.text, t.dir);
      // Readers are not blocked by a writer (WAL).
      const read = await t.post({ query: READ });
      expect(read.json.errors).toBeUndefined();
      expect(read.json.data.customer.name).toBe('Acme Corporation');
      other.exec('ROLLBACK');
      expect(await fingerprint(t.app)).toBe(before);
      const retry = await t.post({ query: CREATE, variables: { input: { title: 'locked out', customerId: 'ACME' } } });
      expect(retry.json.errors).toBeUndefined();
      expect(retry.json.data.createTicket.title).toBe('locked out');
    } finally {
      other.close();
    }
  });

  test('an unwritable database: the write is masked with a request id, rolled back, and reads continue; the log has the cause under that id', async () => {
    const before = await fingerprint(t.app);
    // As root, file modes do not stop writes; query_only makes SQLite refuse them as for a read-only file.
    sqliteHandle(t.app).pragma('query_only = ON');
    const failed = await t.post({ query: CREATE, variables: { input: { title: 'no space', customerId: 'ACME' } } });
    expect(failed.status).toBe(200);
    const [error] = failed.json.errors;
    expect(error.message).toBe('Internal server error');
    expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(failed.headers.get('x-request-id')).toBe(error.extensions.requestId);
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'requestId']);
    assertNothingLeaks(failed.text, t.dir);
    // The cause is in the log under the same id.
    const entry = t.logs().find((l) => l.requestId === error.extensions.requestId && l.level >= 50);
    expect(entry).toBeDefined();
    expect(JSON.stringify(entry)).toMatch(/readonly|SQLITE_READONLY/);
    // Rolled back; reads continue.
    expect(await fingerprint(t.app)).toBe(before);
    const read = await t.post({ query: READ });
    expect(read.json.errors).toBeUndefined();
    expect(read.json.data.customer.ticketCounts.total).toBe(9);
    sqliteHandle(t.app).pragma('query_only = OFF');
    const after = await t.post({ query: CREATE, variables: { input: { title: 'space again', customerId: 'ACME' } } });
    expect(after.json.errors).toBeUndefined();
  });

  test('a closed database handle is masked too, and the service keeps answering', async () => {
    const ok = await t.post({ query: READ });
    expect(ok.json.errors).toBeUndefined();
    sqliteHandle(t.app).close();
    const failed = await t.post({ query: READ });
    expect(failed.status).toBeLessThan(500);
    for (const e of failed.json.errors) {
      expect(e.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(e.message).toBe('Internal server error');
      expect(t.logs().some((l) => l.requestId === e.extensions.requestId && /database connection is not open/.test(JSON.stringify(l)))).toBe(true);
    }
    assertNothingLeaks(failed.text, t.dir);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    // Re-open for afterEach's close: a fresh handle is not needed, close() tolerates a closed one.
  });

  test('tokens never appear in the log, even with every request logged', async () => {
    await t.post({ query: READ });
    await t.post({ query: READ }, { authorization: `Bearer ${TOKENS.reader}` });
    await t.post({ query: CREATE, variables: { input: { title: 'x', customerId: 'ACME' } } }, { authorization: `Bearer ${TOKENS.reader}` });
    await t.post({ query: READ }, { authorization: 'Bearer not-a-known-token-0000000000' });
    await t.post('{not json', { authorization: `Bearer ${TOKENS.agent}` });
    sqliteHandle(t.app).pragma('query_only = ON');
    await t.post({ query: CREATE, variables: { input: { title: 'x', customerId: 'ACME' } } });
    sqliteHandle(t.app).pragma('query_only = OFF');
    t.app.logger.info({ token: TOKENS.agent, password: 'hunter2-password', config: { bindPassword: 'ldap-secret-pw' } }, 'deliberately logged secrets');
    const text = t.logText();
    const requests = t.logs().filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(6);
    expect(requests.every((l) => l.headers.authorization === '[redacted]')).toBe(true);
    for (const secret of [TOKENS.agent, TOKENS.reader, 'not-a-known-token', 'hunter2-password', 'ldap-secret-pw']) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
  });
});

describe('SIGTERM', () => {
  let dir: string;
  let server: SpawnedServer | null = null;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-sigterm-'));
  }, 300_000);
  afterAll(() => {
    if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('drains the request in flight, closes the database and exits 0', async () => {
    const configFile = join(dir, 'config.json');
    const database = join(dir, 'helpdesk.db');
    writeFileSync(configFile, JSON.stringify(testConfig(dir, { database })));
    server = await spawnServer(configFile, { LOG_LEVEL: 'debug' });
    const proc = server.proc;
    const created = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}` },
      body: JSON.stringify({ query: 'mutation { createCustomer(input: {dataSource: "local", customerId: "DRAIN", name: "Drain Ltd", country: "DE"}) { customerId } }' }),
    }).then((r) => r.json() as Promise<any>);
    expect(created.errors).toBeUndefined();
    expect(existsSync(`${database}-wal`)).toBe(true);

    // A request whose body is still arriving when SIGTERM comes.
    const body = JSON.stringify({ query: 'mutation { createTicket(input: {title: "in flight", customerId: "DRAIN"}) { number title } }' });
    const { port } = new URL(server.url);
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}`, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        proc.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 300);
      }, 100);
    });
    const answer = await inFlight;
    expect({ status: answer.status, text: answer.status === 200 ? '' : answer.text }).toEqual({ status: 200, text: '' });
    expect(JSON.parse(answer.text).data.createTicket.title).toBe('in flight');
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // Closed cleanly: the last connection checkpointed and removed the WAL; the write is there.
    expect(existsSync(`${database}-wal`)).toBe(false);
    const db = new Database(database, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare(`SELECT count(*) AS n FROM ticket WHERE title = 'in flight'`).get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }
    const out = server.output();
    expect(out).toMatch(/draining and stopping/);
    for (const secret of [TOKENS.agent, TOKENS.reader]) expect(out.includes(secret)).toBe(false);
    // New connections are refused once it is gone.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
