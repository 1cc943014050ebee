import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { freePort, isRoot, mariadbBin, mariadbQuery, RUN_AS, sleep, uidGid } from '../../bench/servers';
import { join } from 'node:path';

// The install command, the binaries, the unprivileged account and the free port are the bench's
// (bench/servers.ts), which the build compiles and the tests share.
export { MARIADB_INSTALL, mariadbBin } from '../../bench/servers';

/** A throw-away MariaDB server on a loopback port, in a temporary folder. */
export interface MariadbServer {
  readonly port: number;
  /** A password-authenticated account with every privilege (`ALL ON *.*`). */
  readonly user: string;
  readonly password: string;
  /** A `mysql://` URL of a database on this server. */
  url(database: string): string;
  /** Creates a fresh, empty database (utf8mb4, utf8mb4_general_ci: case-insensitive, as Znuny installs are) and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /**
   * Runs one statement as the account above in a database ('' for none); `?` placeholders,
   * DATETIME values as 'YYYY-MM-DD HH:MM:SS' strings. Returns the rows ([] for statements without).
   */
  sql<R = Record<string, unknown>>(database: string, text: string, params?: unknown[]): Promise<R[]>;
  /** SIGKILL of the server (no shutdown, InnoDB recovers at the next start); resolves once it has exited. */
  crash(): Promise<void>;
  /** Starts the server again on the same port and folder; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (clean shutdown) and deletes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts MariaDB for a test file: `mariadb-install-db` into a new temporary folder, then
 * `mariadbd` (as the unprivileged user `nobody` when the tests run as root) on a free loopback
 * port, with real password authentication for the account it hands out (created once through
 * the server's own socket by the OS user's unix_socket account). Never reads the system's
 * configuration (`--no-defaults`) nor touches a system instance. Fails with the install command
 * when the binaries are missing; resolves when the server accepts connections (30 s at most,
 * the error log in the message otherwise).
 */
export async function startMariadb(): Promise<MariadbServer> {
  const bin = mariadbBin();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-mariadb-'));
  const data = join(dir, 'data');
  const tmp = join(dir, 'tmp');
  const socket = join(dir, 'mysqld.sock');
  const errorLog = join(dir, 'error.log');
  mkdirSync(tmp);
  chmodSync(dir, 0o700);
  if (isRoot()) {
    const { uid, gid } = uidGid(RUN_AS);
    chownSync(dir, uid, gid);
    chownSync(tmp, uid, gid);
  }
  // The OS account that may log in as itself through the socket (unix_socket authentication).
  const socketUser = isRoot() ? 'root' : userInfo().username;

  const install = spawnSync(
    bin.installDb,
    [
      '--no-defaults',
      `--datadir=${data}`,
      ...(isRoot() ? [`--user=${RUN_AS}`] : [`--auth-root-socket-user=${socketUser}`]),
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      '--skip-name-resolve',
    ],
    { encoding: 'utf8', cwd: '/' },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (${install.status}): ${install.stderr || install.stdout}`);
  }

  const port = await freePort();
  const user = 'helpdesk';
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const args = [
    '--no-defaults',
    ...(isRoot() ? [`--user=${RUN_AS}`] : []),
    `--datadir=${data}`,
    `--tmpdir=${tmp}`,
    `--socket=${socket}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${errorLog}`,
    '--skip-networking=0',
    '--bind-address=127.0.0.1',
    `--port=${port}`,
    '--skip-name-resolve',
    '--skip-log-bin',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    // Small and quick: a test server, not a production one.
    '--innodb-buffer-pool-size=256M',
    '--innodb-log-file-size=64M',
    '--innodb-flush-log-at-trx-commit=2',
    '--innodb-use-native-aio=0',
    '--performance-schema=OFF',
    '--aria-pagecache-buffer-size=16M',
    '--key-buffer-size=8M',
    '--query-cache-type=0',
    '--query-cache-size=0',
    '--table-open-cache=400',
    '--max-connections=200',
  ];

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const errorLogTail = () => {
    try {
      return readFileSync(errorLog, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no error log)';
    }
  };

  const rootConnection = async () => {
    const mysql = await import('mysql2/promise');
    return mysql.createConnection({ socketPath: socket, user: socketUser, connectTimeout: 2000 });
  };

  const start = async (): Promise<void> => {
    const proc = spawn(bin.mariadbd, args, { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
    let gone = false;
    let exitCode: number | string | null = null;
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        gone = true;
        exitCode = code ?? signal;
        resolve();
      });
      proc.once('error', (error) => {
        gone = true;
        exitCode = error.message;
        resolve();
      });
    });
    proc.unref();
    (proc.stderr as unknown as { unref?: () => void }).unref?.();
    child = proc;
    const deadline = Date.now() + 30_000;
    let lastError = '';
    for (;;) {
      if (gone) throw new Error(`mariadbd exited (${exitCode}) before accepting connections:\n${stderr}\n${errorLogTail()}`);
      try {
        const connection = await rootConnection();
        await connection.end();
        return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`mariadbd did not accept connections within 30 s (${lastError}):\n${errorLogTail()}`);
      }
      await sleep(100);
    }
  };

  const quit = async (signal: NodeJS.Signals, waitMs: number) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => void (timer = setTimeout(() => resolve(true), waitMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      proc.kill('SIGKILL');
      await exited;
    }
    child = null;
  };

  try {
    await start();
    const connection = await rootConnection();
    try {
      await connection.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      await connection.query(`GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION`);
    } finally {
      await connection.end();
    }
  } catch (error) {
    await quit('SIGKILL', 5000);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const url = (database: string) => `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let counter = 0;
  const server: MariadbServer = {
    port,
    user,
    password,
    url,
    async createDatabase(prefix = 'suite') {
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
      await server.sql('', `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
      return url(name);
    },
    sql: (database, text, params) => mariadbQuery({ port, user, password }, database, text, params),
    async crash() {
      await quit('SIGKILL', 10_000);
    },
    start,
    async stop() {
      await quit('SIGTERM', 30_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
