import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { createApp, type App } from '../../src/composition/app';
import { loadConfig, sha256Hex, type Role } from '../../src/config/config';
import { createContext } from '../../src/graphql/context';
import { httpOptions } from '../../src/http-options';
import { listen } from '../../src/http/server';
import { createLogger } from '../../src/log/logger';
import { startPostgres, type PostgresServer } from './postgres';

/**
 * `HELPDESK_TEST_POSTGRES=1`: every test app of this file gets a fresh database on one throw-away
 * PostgreSQL server (started on first use, stopped after the file), so the suites run unchanged
 * on the shared store; tests choose by `app.store.capabilities`, never by engine name.
 */
const ON_POSTGRES = process.env.HELPDESK_TEST_POSTGRES === '1';
let postgres: Promise<PostgresServer> | null = null;
if (ON_POSTGRES && typeof afterAll === 'function') afterAll(async () => (await postgres)?.stop(), 60_000);

/**
 * The `database` setting of a new test app: a file in `dir`, or (`HELPDESK_TEST_POSTGRES=1`) a
 * fresh database on this file's throw-away PostgreSQL server.
 */
export async function testDatabase(dir: string): Promise<string> {
  if (!ON_POSTGRES) return join(dir, 'helpdesk.db');
  postgres ??= startPostgres();
  return (await postgres).createDatabase('app');
}

/** The throw-away PostgreSQL server of this file (started on first use), when the tests run on PostgreSQL; else null. */
export function testPostgres(): Promise<PostgresServer> | null {
  if (!ON_POSTGRES) return null;
  postgres ??= startPostgres();
  return postgres;
}

/** Known tokens of every test app. */
export const TOKENS = { agent: 'test-agent-token-0123456789', reader: 'test-reader-token-0123456789' } as const;

/** A GraphQL response as tests read it. */
export interface GqlResult<D = any> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  headers?: Headers;
}

/** Options of {@link startTestApp}. */
export interface TestAppOptions {
  /** Extra configuration keys (merged over the test defaults). */
  readonly config?: Record<string, unknown>;
  /** Called with the app before it listens, e.g. to load fixture rows. */
  readonly prepare?: (app: App) => void | Promise<void>;
  /** Listen over HTTP (default true). */
  readonly http?: boolean;
  /** Database file; default a new one in a temp folder. */
  readonly database?: string;
  /** The environment the configuration is read with (e.g. `{ NODE_ENV: 'production' }`); default none. */
  readonly env?: Record<string, string | undefined>;
}

/** A started service on a temp database, reachable over HTTP and in process. */
export interface TestApp {
  readonly app: App;
  readonly url: string;
  readonly dir: string;
  /** POST /graphql over HTTP with a token (default: agent; null: none). */
  http<D = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string | null; operationName?: string; headers?: Record<string, string> }): Promise<GqlResult<D>>;
  /** Executes in process with a role (default: agent). */
  exec<D = any>(query: string, variables?: Record<string, unknown>, role?: Role): Promise<GqlResult<D>>;
  /** Round trips to data sources so far (the contract's counter). */
  operations(): Promise<number>;
  /** Round trips made by one call. */
  countOperations<T>(fn: () => Promise<T>): Promise<{ result: T; operations: number }>;
  close(): Promise<void>;
}

/** Starts the service on a fresh temp database with reader and agent tokens. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-test-'));
  const config = loadConfig({
    env: options.env ?? {},
    cwd: dir,
    raw: {
      listen: { host: '127.0.0.1', port: 0 },
      database: options.database ?? (await testDatabase(dir)),
      auth: {
        tokens: [
          { name: 'agents', role: 'agent', sha256: sha256Hex(TOKENS.agent) },
          { name: 'frontend', role: 'reader', sha256: sha256Hex(TOKENS.reader) },
        ],
      },
      dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
      links: {
        map: 'https://maps.example/?q={street}, {zip} {city}, {country}',
        social: [{ label: 'LinkedIn', url: 'https://www.linkedin.com/search/results/companies/?keywords={name}' }],
      },
      ...options.config,
    },
  });
  const app = await createApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  // Statement counts of the tests start after the start-up work (asynchronous on a remote store).
  await app.started;
  await options.prepare?.(app);
  let server: Server | null = null;
  let url = '';
  if (options.http !== false) ({ server, url } = await listen(app, '127.0.0.1', 0, httpOptions(app)));

  const testApp: TestApp = {
    app,
    url,
    dir,
    async http(query, variables, opts = {}) {
      const token = opts.token === undefined ? TOKENS.agent : opts.token;
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }), ...opts.headers },
        body: JSON.stringify({ query, variables, operationName: opts.operationName }),
      });
      const body = (await res.json()) as GqlResult;
      return { ...body, status: res.status, headers: res.headers };
    },
    async exec(query, variables, role = 'agent') {
      const response = await app.apollo.executeOperation({ query, variables }, { contextValue: createContext(app, role, 'test') });
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      return { ...(response.body.singleResult as GqlResult), status: response.http.status ?? 200 };
    },
    operations: () => app.metrics.operationCount(),
    async countOperations(fn) {
      const before = await app.metrics.operationCount();
      const result = await fn();
      return { result, operations: (await app.metrics.operationCount()) - before };
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return testApp;
}
