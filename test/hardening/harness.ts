import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/composition/app';
import { loadConfig, sha256Hex } from '../../src/config/config';
import { listen } from '../../src/http/server';
import { createLogger } from '../../src/log/logger';
import { testDatabase, TOKENS } from '../helpers/test-app';

export const ROOT = join(__dirname, '../..');

/** A started service whose pino log lines are captured. */
export interface LoggedApp {
  readonly app: App;
  readonly url: string;
  readonly dir: string;
  /** The raw log text so far. */
  logText(): string;
  /** Parsed log lines so far. */
  logs(): Record<string, any>[];
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string; json: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The test configuration of the hardening tests (the same tokens as startTestApp). */
export function testConfig(dir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    database: join(dir, 'helpdesk.db'),
    auth: {
      tokens: [
        { name: 'agents', role: 'agent', sha256: sha256Hex(TOKENS.agent) },
        { name: 'frontend', role: 'reader', sha256: sha256Hex(TOKENS.reader) },
      ],
    },
    dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
    ...extra,
  };
}

/** Starts the service like startTestApp, with the log (at `level`) captured in memory. */
export async function startLoggedApp(options: { level?: string; config?: Record<string, unknown>; prepare?: (app: App) => unknown } = {}): Promise<LoggedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-hardening-'));
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  // pino writes synchronously to a plain stream's write(): lines are in `chunks` when the call returns.
  const logger = createLogger(options.level ?? 'debug', { write: (s: string) => sink.write(s) } as never);
  const raw = testConfig(dir, { database: await testDatabase(dir), ...options.config });
  const app = await createApp(loadConfig({ env: {}, cwd: dir, raw }), { logger });
  await app.started;
  await options.prepare?.(app);
  const { server, url } = await listen(app, '127.0.0.1', 0);
  return {
    app,
    url,
    dir,
    logText: () => chunks.join(''),
    logs: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    async post(body, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}`, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, text, json, headers: res.headers };
    },
    async close() {
      await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(p));
    else if (entry.name.endsWith('.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** Builds dist/ (`npm run build`) when it is missing or older than a source file. */
export function ensureBuilt(): void {
  const main = join(ROOT, 'dist/src/main.js');
  let built = 0;
  try {
    built = statSync(main).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'adapters')));
  if (built >= sources) return;
  // Test files run in parallel workers: one builds, the others wait for it.
  const lock = join(ROOT, 'dist/.hardening-build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if ((statSync(main, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= sources) return;
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A spawned `node dist/src/main.js`. */
export interface SpawnedServer {
  readonly proc: ChildProcess;
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once it exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built service with a configuration file; resolves once it listens. */
export function spawnServer(configFile: string, env: Record<string, string> = {}): Promise<SpawnedServer> {
  const proc = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HELPDESK_CONFIG: configFile, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        resolve({ proc, url: m[1]!, output: () => out, exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then(({ code }) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
}
