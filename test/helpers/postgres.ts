import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The command that installs what this harness needs. */
export const POSTGRES_INSTALL = 'apt-get install -y postgresql';

/** The Debian PostgreSQL binaries (the highest installed version), or an error naming the install command. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`PostgreSQL is not installed (no ${root}/*/bin/pg_ctl): ${POSTGRES_INSTALL}`);
  return join(root, versions[0]!, 'bin');
}

/** The unprivileged account the server runs as (PostgreSQL refuses to run as root). */
const RUN_AS = 'nobody';

function uidGid(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a PostgreSQL binary as the unprivileged user (as is, when the tests do not run as root). */
function runPg(bin: string, args: readonly string[]): void {
  const command = join(postgresBin(), bin);
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', RUN_AS, '--', command, ...args]] : [command, [...args]];
  const r = spawnSync(file as string, argv as string[], { encoding: 'utf8', cwd: '/' });
  if (r.status !== 0) throw new Error(`${bin} failed (${r.status}): ${r.stderr || r.stdout}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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
