import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT, testConfig } from '../hardening/harness';
import { TOKENS } from '../helpers/test-app';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

// `npm run cluster -- --replicas N` (scripts/cluster.mjs): N replicas on consecutive ports sharing
// one PostgreSQL database; a write on one is read on the others; SIGTERM stops every replica.

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A first port with `n` free ports in a row. */
async function freeRun(n: number): Promise<number> {
  for (let base = 20_000 + Math.floor(Math.random() * 20_000); ; base += n) {
    const free = await Promise.all(Array.from({ length: n }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

async function until<T>(fn: () => Promise<T | undefined>, what: string, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('npm run cluster', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startPostgres();
  }, 300_000);
  afterAll(async () => server?.stop());

  test('three replicas on consecutive ports share the database; SIGTERM stops them all', async () => {
    const database = await server.createDatabase('cluster');
    const port = await freeRun(3);
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-cluster-'));
    const configFile = join(dir, 'config.json');
    // The replicas' own configuration; the cluster gives each its PORT and the shared DATABASE.
    writeFileSync(configFile, JSON.stringify(testConfig(dir)));
    const proc = spawn(process.execPath, [join(ROOT, 'scripts/cluster.mjs'), '--replicas', '3', '--port', String(port), '--database', database], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', HELPDESK_CONFIG: configFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    proc.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      const urls = [0, 1, 2].map((i) => `http://127.0.0.1:${port + i}`);
      for (const url of urls) await until(async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), `${url}/readyz`);
      const token = TOKENS.agent;
      const post = (url: string, query: string) =>
        fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) }).then(
          (r) => r.json() as Promise<any>,
        );
      const created = await post(urls[0]!, 'mutation { createCustomer(input: {dataSource: "local", customerId: "CLUSTER", name: "Cluster Ltd", country: "DE"}) { customerId } }');
      expect(created.errors).toBeUndefined();
      for (const url of urls.slice(1)) {
        const read = await post(url, '{ customer(customerId: "cluster") { name } }');
        expect(read.data.customer).toEqual({ name: 'Cluster Ltd' });
      }
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/cluster: stopped/);
      for (const url of urls) await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
