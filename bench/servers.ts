/**
 * Private database servers of the benchmark: MariaDB and PostgreSQL started as an unprivileged
 * user (`nobody` when the bench runs as root) on a free loopback port, in a folder of their own,
 * never a system instance. Adapted from the tests' harness (test/helpers/mariadb.ts and
 * test/helpers/postgres.ts, which the build does not compile: the bench runs from dist/bench),
 * with two differences: the folder may be kept (`dir`: the Znuny benchmark keeps its seeded
 * million tickets under bench/data between runs, the credentials in a file beside the data), and
 * MariaDB gets a buffer pool that holds the benchmark's tables.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

/** A private database server of the bench. */
export interface BenchServer {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A URL of a database on this server (mysql:// or postgres://). */
  url(database: string): string;
  /** True when the database exists. */
  hasDatabase(database: string): Promise<boolean>;
  /** Creates an empty database (MariaDB: utf8mb4_general_ci, as Znuny installs are). */
  createDatabase(database: string): Promise<string>;
  dropDatabase(database: string): Promise<void>;
  /** One statement as the server's account ('' / 'postgres' for no particular database); `?` (MariaDB) or `$n` (PostgreSQL) placeholders. */
  sql<R = Record<string, unknown>>(database: string, text: string, params?: unknown[]): Promise<R[]>;
  /** Stops the server; deletes its folder unless it was started with a kept `dir`. */
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** A folder to keep (created when missing, reused when it holds a server of the same kind); default a temporary one. */
  readonly dir?: string;
  /** PostgreSQL's shared_buffers (32MB, as the tests' servers have it). */
  readonly sharedBuffers?: string;
}

/** The unprivileged account a server runs as when started by root (mariadbd and postgres refuse root). */
export const RUN_AS = 'nobody';
/** Whether this process runs as root. */
export const isRoot = () => process.getuid?.() === 0;
/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One statement on a private MariaDB server over a connection of its own (dates as strings), for
 * the bench's and the tests' servers: its rows, or none for a statement that returns none.
 * `database` '' connects to no database.
 */
export async function mariadbQuery<R>(
  server: { readonly port: number; readonly user: string; readonly password: string },
  database: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const mysql = await import('mysql2/promise');
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: server.user, password: server.password, database: database || undefined, dateStrings: true });
  try {
    const [rows] = await c.query(text, params);
    return (Array.isArray(rows) ? rows : []) as R[];
  } finally {
    await c.end();
  }
}

/** The uid and gid of an account. */
export function uidGid(user: string): { uid: number; gid: number } {
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`id ${flag} ${user} failed: ${r.stderr}`);
    return Number(r.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** The folder of a server: a kept one (made owned by the server's user) or a temporary one. */
function serverDir(options: BenchServerOptions, prefix: string): { dir: string; kept: boolean } {
  if (!options.dir) return { dir: mkdtempSync(join(tmpdir(), prefix)), kept: false };
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  return { dir, kept: true };
}

function own(path: string): void {
  if (!isRoot()) return;
  const { uid, gid } = uidGid(RUN_AS);
  chownSync(path, uid, gid);
}

interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** The account of a kept folder (written when it was set up), or a new one. */
function credentials(dir: string, fresh: boolean): Credentials {
  const file = join(dir, 'credentials.json');
  if (!fresh && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const c = { user: 'helpdesk', password: `pw-${randomBytes(9).toString('base64url')}` };
  writeFileSync(file, JSON.stringify(c), { mode: 0o600 });
  return c;
}

// ---- MariaDB ------------------------------------------------------------------------------------

export const MARIADB_INSTALL = 'apt-get install -y mariadb-server';

/** The Debian MariaDB binaries, or an error naming the install command. */
export function mariadbBin(): { mariadbd: string; installDb: string } {
  const mariadbd = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => existsSync(p));
  const installDb = ['/usr/bin/mariadb-install-db', '/usr/sbin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p));
  if (!mariadbd || !installDb) throw new Error(`MariaDB is not installed (no ${!mariadbd ? '/usr/sbin/mariadbd' : '/usr/bin/mariadb-install-db'}): ${MARIADB_INSTALL}`);
  return { mariadbd, installDb };
}

/**
 * MariaDB: `mariadb-install-db` into `<dir>/data` (unless a kept folder holds one), `mariadbd`
 * on a free loopback port with a password account of every privilege, created once through the
 * server's socket. Resolves when the server accepts connections.
 */
export async function startMariadb(options: BenchServerOptions = {}): Promise<BenchServer> {
  const bin = mariadbBin();
  const { dir, kept } = serverDir(options, 'bench-mariadb-');
  const data = join(dir, 'data');
  const tmp = join(dir, 'tmp');
  const socket = join(dir, 'mysqld.sock');
  const errorLog = join(dir, 'error.log');
  const fresh = !existsSync(join(data, 'mysql'));
  if (fresh) rmSync(data, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  chmodSync(dir, 0o700);
  own(dir);
  own(tmp);
  const socketUser = isRoot() ? 'root' : userInfo().username;
  if (fresh) {
    const install = spawnSync(
      bin.installDb,
      ['--no-defaults', `--datadir=${data}`, ...(isRoot() ? [`--user=${RUN_AS}`] : [`--auth-root-socket-user=${socketUser}`]),
        '--auth-root-authentication-method=socket', '--skip-test-db', '--skip-name-resolve'],
      { encoding: 'utf8', cwd: '/' },
    );
    if (install.status !== 0) {
      if (!kept) rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadb-install-db failed (${install.status}): ${install.stderr || install.stdout}`);
    }
  }
  const { user, password } = credentials(dir, fresh);
  const port = await freePort();
  const args = [
    '--no-defaults',
    ...(isRoot() ? [`--user=${RUN_AS}`] : []),
    `--datadir=${data}`, `--tmpdir=${tmp}`, `--socket=${socket}`, `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${errorLog}`,
    '--skip-networking=0', '--bind-address=127.0.0.1', `--port=${port}`, '--skip-name-resolve', '--skip-log-bin',
    '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci',
    // Holds the benchmark's million tickets with their indexes; a bench server, not a durable one.
    '--innodb-buffer-pool-size=2G', '--innodb-log-file-size=512M', '--innodb-flush-log-at-trx-commit=0', '--innodb-doublewrite=0',
    '--innodb-use-native-aio=0', '--innodb-sort-buffer-size=64M', '--performance-schema=OFF', '--aria-pagecache-buffer-size=16M',
    '--key-buffer-size=8M', '--query-cache-type=0', '--query-cache-size=0', '--table-open-cache=400', '--max-connections=200',
    '--max-allowed-packet=64M',
  ];
  const errorTail = () => {
    try {
      return readFileSync(errorLog, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no error log)';
    }
  };
  const mysql = await import('mysql2/promise');
  const rootConnection = () => mysql.createConnection({ socketPath: socket, user: socketUser, connectTimeout: 2000 });
  const proc: ChildProcess = spawn(bin.mariadbd, args, { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.unref();
  (proc.stderr as unknown as { unref?: () => void }).unref?.();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`mariadbd exited before accepting connections:\n${stderr}\n${errorTail()}`);
    try {
      const c = await rootConnection();
      await c.end();
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`mariadbd did not accept connections within 60 s (${(e as Error).message}):\n${errorTail()}`);
      }
      await sleep(100);
    }
  }
  if (fresh) {
    const c = await rootConnection();
    try {
      await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      await c.query(`GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION`);
    } finally {
      await c.end();
    }
  }
  const url = (database: string) => `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const server: BenchServer = {
    port,
    user,
    password,
    url,
    async hasDatabase(database) {
      return (await server.sql('', `SELECT 1 FROM information_schema.schemata WHERE schema_name = ?`, [database])).length > 0;
    },
    async createDatabase(database) {
      await server.sql('', `CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
      return url(database);
    },
    async dropDatabase(database) {
      await server.sql('', `DROP DATABASE IF EXISTS ${database}`);
    },
    sql: (database, text, params) => mariadbQuery({ port, user, password }, database, text, params),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timedOut = await Promise.race([exited.then(() => false), sleep(60_000).then(() => true)]);
        if (timedOut) {
          proc.kill('SIGKILL');
          await exited;
        }
      }
      if (!kept) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

export const POSTGRES_INSTALL = 'apt-get install -y postgresql';

/** The Debian PostgreSQL binaries (the highest installed version), or an error naming the install command. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`PostgreSQL is not installed (no ${root}/*/bin/pg_ctl): ${POSTGRES_INSTALL}`);
  return join(root, versions[0]!, 'bin');
}

/** Runs a PostgreSQL binary as the unprivileged user (as is when not root). */
export function runPg(bin: string, args: readonly string[]): void {
  const command = join(postgresBin(), bin);
  const [file, argv] = isRoot() ? ['runuser', ['-u', RUN_AS, '--', command, ...args]] : [command, [...args]];
  const r = spawnSync(file as string, argv as string[], { encoding: 'utf8', cwd: '/' });
  if (r.status !== 0) throw new Error(`${bin} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/**
 * PostgreSQL: `initdb` into `<dir>/data` (unless a kept folder holds one) with password (SCRAM)
 * authentication, `pg_ctl start` on a free loopback port, fsync off.
 */
export async function startPostgres(options: BenchServerOptions = {}): Promise<BenchServer> {
  postgresBin();
  const { dir, kept } = serverDir(options, 'bench-pg-');
  const data = join(dir, 'data');
  const fresh = !existsSync(join(data, 'PG_VERSION'));
  if (fresh) rmSync(data, { recursive: true, force: true });
  chmodSync(dir, 0o700);
  own(dir);
  const { user, password } = credentials(dir, fresh);
  if (fresh) {
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    own(pwfile);
    try {
      runPg('initdb', ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const port = await freePort();
  runPg('pg_ctl', [
    'start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'),
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=${options.sharedBuffers ?? '32MB'} -c max_wal_size=4GB`,
  ]);
  const url = (database: string) => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const { default: pg } = await import('pg');
  const server: BenchServer = {
    port,
    user,
    password,
    url,
    async hasDatabase(database) {
      return (await server.sql('postgres', `SELECT 1 FROM pg_database WHERE datname = $1`, [database])).length > 0;
    },
    async createDatabase(database) {
      await server.sql('postgres', `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
      return url(database);
    },
    async dropDatabase(database) {
      await server.sql('postgres', `DROP DATABASE IF EXISTS ${database}`);
    },
    async sql<R>(database: string, text: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: url(database || 'postgres') });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as R[];
      } finally {
        await client.end();
      }
    },
    async stop() {
      try {
        runPg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      } catch {
        // Already stopped.
      }
      if (!kept) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
