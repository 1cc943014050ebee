import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, postgresBin, RUN_AS, runPg, uidGid } from '../../bench/servers';

// The install command, the binaries, the unprivileged account and the free port are the bench's
// (bench/servers.ts), which the build compiles and the tests share.
export { POSTGRES_INSTALL, postgresBin } from '../../bench/servers';

/** A throw-away PostgreSQL server on a loopback port, in a temporary folder. */
export interface PostgresServer {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A `postgres://` URL of a database on this server. */
  url(database: string): string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Runs SQL as the superuser in a database (administration and assertions of the tests). */
  sql<R = Record<string, unknown>>(database: string, text: string, params?: unknown[]): Promise<R[]>;
  /** `pg_ctl stop -m immediate`: a crash of the server (no shutdown checkpoint). */
  crash(): void;
  /** Starts the server again on the same port and folder. */
  start(): void;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
  /** Serve TLS (`ssl=on`) with this certificate and key (PEM text); plain connections stay allowed. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/**
 * Starts PostgreSQL for a test file: `initdb` into a new temporary folder owned by an
 * unprivileged user, `pg_ctl start` on a free loopback port with password (SCRAM) authentication.
 * Never touches a system cluster. Fails with the install command when the binaries are missing.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const user = 'helpdesk';
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (process.getuid?.() === 0) {
    const { uid, gid } = uidGid(RUN_AS);
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  runPg('initdb', ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  let tlsFlags = '';
  if (options.tls) {
    const cert = join(dir, 'server.crt');
    const key = join(dir, 'server.key');
    writeFileSync(cert, options.tls.cert, { mode: 0o644 });
    writeFileSync(key, options.tls.key, { mode: 0o600 });
    if (process.getuid?.() === 0) {
      const { uid, gid } = uidGid(RUN_AS);
      chownSync(cert, uid, gid);
      chownSync(key, uid, gid);
    }
    tlsFlags = ` -c ssl=on -c ssl_cert_file=${cert} -c ssl_key_file=${key}`;
  }
  const port = await freePort();
  const start = () =>
    runPg('pg_ctl', [
      'start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'),
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=32MB${tlsFlags}`,
    ]);
  start();
  const url = (database: string) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let counter = 0;
  const server: PostgresServer = {
    port,
    user,
    password,
    url,
    async createDatabase(prefix = 'suite') {
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
      await server.sql('postgres', `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
      return url(name);
    },
    async sql(database, text, params = []) {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query(text, params as unknown[])).rows;
      } finally {
        await client.end();
      }
    },
    crash() {
      runPg('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
    },
    start,
    async stop() {
      try {
        runPg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
