import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DataSourceUnavailableError, DomainError } from '../../src/domain/errors';
import type { ZnunyDialect, ZnunySourceConfig } from './znuny-config';
import { dialectOf } from './znuny-config';

/** Runs statements, inside or outside a transaction. SQL uses `?` placeholders in both dialects. */
export interface ZnunyQuery {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** Options of {@link ZnunyConnection}. */
export interface ZnunyConnectionOptions {
  readonly config: Pick<ZnunySourceConfig, 'id' | 'url' | 'pool' | 'tls'>;
  /** Called once per statement sent (the round-trip metric). */
  readonly onStatement?: () => void;
}

/** Driver errors that mean "the database did not answer" (connection, timeout, shutdown). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_QUERY_TIMEOUT', 'ER_STATEMENT_TIMEOUT', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK',
  'ER_QUERY_INTERRUPTED', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'HANDSHAKE_SSL_ERROR',
]);

/** int8 and numeric as numbers; DATETIME / timestamp as the text Znuny wrote (read in its time zone). */
const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    if (oid === 1114 || oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * A connection pool to a Znuny database, MariaDB / MySQL (mysql2) or PostgreSQL (pg), behind
 * one small interface: `?` placeholders, key lists bound as one parameter list, statements
 * counted, a statement timeout set per session, TLS, and errors that mean "the database did not
 * answer" turned into `DataSourceUnavailableError` whose message holds no URL or password.
 */
export class ZnunyConnection implements ZnunyQuery {
  readonly dialect: ZnunyDialect;
  private readonly id: string;
  private readonly onStatement: () => void;
  private readonly mysqlPool: mysql.Pool | null = null;
  private readonly pgPool: pg.Pool | null = null;

  constructor(options: ZnunyConnectionOptions) {
    const { config } = options;
    this.id = config.id;
    this.dialect = dialectOf(config.url);
    this.onStatement = options.onStatement ?? (() => {});
    if (this.dialect === 'postgres') {
      this.pgPool = new pg.Pool({
        connectionString: config.url,
        max: config.pool.size,
        connectionTimeoutMillis: config.pool.connectTimeoutMs,
        statement_timeout: config.pool.statementTimeoutMs,
        query_timeout: config.pool.statementTimeoutMs + 1000,
        application_name: 'helpdesk-customer-service',
        idleTimeoutMillis: 30_000,
        types: PG_TYPES,
      });
      this.pgPool.on('error', () => {});
    } else {
      const ssl = config.tls
        ? { ca: config.tls.caFile ? readFileSync(config.tls.caFile, 'utf8') : undefined, rejectUnauthorized: config.tls.rejectUnauthorized }
        : undefined;
      this.mysqlPool = mysql.createPool({
        uri: config.url.replace(/^mariadb:/i, 'mysql:'),
        connectionLimit: config.pool.size,
        connectTimeout: config.pool.connectTimeoutMs,
        dateStrings: true,
        supportBigNumbers: true,
        decimalNumbers: true,
        charset: 'utf8mb4',
        ssl,
        waitForConnections: true,
        maxIdle: config.pool.size,
        idleTimeout: 30_000,
      });
      const seconds = config.pool.statementTimeoutMs / 1000;
      // MariaDB's per-session statement limit; MySQL's (SELECT only) when MariaDB's is unknown.
      this.mysqlPool.pool.on('connection', (conn) => {
        conn.query(`SET SESSION max_statement_time = ${seconds}`, (err: unknown) => {
          if (err) conn.query(`SET SESSION max_execution_time = ${Math.round(seconds * 1000)}`, () => undefined);
        });
      });
    }
  }

  /**
   * A key list as one bound parameter: `column IN (?, ?, …)` with one value per key (MariaDB /
   * MySQL) or `column = ANY(?)` with one array (PostgreSQL); `1 = 0` for no keys.
   */
  inList(column: string, values: readonly unknown[]): { sql: string; params: unknown[] } {
    if (values.length === 0) return { sql: '1 = 0', params: [] };
    if (this.dialect === 'postgres') return { sql: `${column} = ANY(?)`, params: [values] };
    return { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
  }

  /**
   * Keys compared ignoring case, as the service looks customer ids and logins up: MariaDB /
   * MySQL compare so by Znuny's collation (the column's index serves), PostgreSQL through
   * `lower()` (as Znuny does there).
   */
  keyMatch(column: string, keys: readonly string[]): { sql: string; params: unknown[] } {
    if (this.dialect === 'postgres') return this.inList(`lower(${column})`, keys.map((k) => k.toLowerCase()));
    return this.inList(column, keys);
  }

  /** One statement outside a transaction. */
  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    this.onStatement();
    try {
      if (this.pgPool) return (await this.pgPool.query(toDollar(sql), params as unknown[])).rows as R[];
      const [rows] = await this.mysqlPool!.query(sql, params as unknown[]);
      return rows as R[];
    } catch (e) {
      throw this.translate(e);
    }
  }

  /** Runs `fn` in one transaction (BEGIN and COMMIT counted as statements); rolled back on any error. */
  async transaction<T>(fn: (tx: ZnunyQuery) => Promise<T>): Promise<T> {
    if (this.pgPool) {
      let client: pg.PoolClient;
      try {
        client = await this.pgPool.connect();
      } catch (e) {
        throw this.translate(e);
      }
      let broken = false;
      const onError = () => (broken = true);
      client.on('error', onError);
      const tx: ZnunyQuery = {
        query: async <R>(sql: string, params: readonly unknown[] = []) => {
          this.onStatement();
          return (await client.query(toDollar(sql), params as unknown[])).rows as R[];
        },
      };
      try {
        await tx.query('BEGIN');
        const value = await fn(tx);
        await tx.query('COMMIT');
        return value;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw this.translate(e);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
    let conn: mysql.PoolConnection;
    try {
      conn = await this.mysqlPool!.getConnection();
    } catch (e) {
      throw this.translate(e);
    }
    const tx: ZnunyQuery = {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        this.onStatement();
        const [rows] = await conn.query(sql, params as unknown[]);
        return rows as R[];
      },
    };
    try {
      await tx.query('START TRANSACTION');
      const value = await fn(tx);
      await tx.query('COMMIT');
      return value;
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw this.translate(e);
    } finally {
      conn.release();
    }
  }

  /** Resolves when the database answers. */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  /** Ends the pool. */
  async close(): Promise<void> {
    await (this.pgPool?.end() ?? this.mysqlPool!.end()).catch(() => undefined);
  }

  /** Maps driver errors to domain errors; anything unexpected passes through (masked at the edge). */
  translate(e: unknown): unknown {
    if (e instanceof DomainError) return e;
    const err = e as { code?: string; message?: string; fatal?: boolean };
    const code = String(err.code ?? '');
    const unavailable =
      UNAVAILABLE_CODES.has(code) ||
      err.fatal === true ||
      (/^(08|53|57|58)/.test(code) && code !== '08P01') ||
      code === '40001' || code === '40P01' ||
      /timeout|terminat|Connection|connect|max_statement_time|ECONNREFUSED/i.test(err.message ?? '');
    if (unavailable) return new DataSourceUnavailableError(this.id, `Data source '${this.id}' is unavailable; try again`, { cause: scrub(e) });
    return scrub(e);
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the adapter's SQL holds no `?` in literals). */
function toDollar(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The error without anything that could carry the connection string or password. */
function scrub(e: unknown): Error {
  const err = e as { code?: string; message?: string; errno?: number; sqlMessage?: string };
  const out = new Error(String(err.message ?? e).replace(/(mysql|mariadb|postgres(ql)?):\/\/\S*/gi, '$1://***'));
  (out as { code?: string }).code = err.code;
  return out;
}
