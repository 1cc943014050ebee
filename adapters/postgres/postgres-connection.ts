import pg from 'pg';
import { ConflictError, DataSourceUnavailableError } from '../../src/domain/errors';
import type { WriteJournal } from '../../src/domain/write-journal';
import type { PostgresPoolConfig } from './postgres-config';
import { MIGRATIONS } from './postgres-migrations';

/** Called once per SQL statement executed, for the round-trip metric. */
export type StatementCounter = () => void;

/** Runs statements inside one transaction. */
export interface Tx {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** Options of {@link PostgresConnection}. */
export interface PostgresOpenOptions {
  readonly url: string;
  readonly label: string;
  readonly pool: PostgresPoolConfig;
  readonly onStatement?: StatementCounter;
}

/** int8, numeric and count(*) as JS numbers (epoch milliseconds and counts fit). */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** The advisory lock key that serializes migrations (any constant shared by every replica). */
const MIGRATION_LOCK = 7_260_411_001;

/** Unique constraints and the input field a violation is about. */
const CONFLICTS: Record<string, { field: string; message: string }> = {
  customer_id_unique: { field: 'customerId', message: 'The customer id is taken' },
  customer_name_unique: { field: 'name', message: 'A customer with this name exists' },
  customer_user_login_unique: { field: 'login', message: 'The login is taken' },
};

/**
 * PostgreSQL text cannot hold NUL (SQLite's can): a NUL in a bound value would fail the
 * statement. No stored value holds one (validation refuses control characters), so a key or
 * search text with NUL matches nothing either way: it is bound with U+FFFF in its place.
 */
function bindable(params: readonly unknown[]): unknown[] {
  const clean = (v: unknown): unknown =>
    typeof v === 'string' ? (v.includes('\u0000') ? v.replace(/\u0000/g, '\uffff') : v) : Array.isArray(v) ? v.map(clean) : v;
  return params.map(clean);
}

/** A value bound as one `jsonb` parameter, with NUL replaced as in {@link bindable} (jsonb refuses `\u0000` too). */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '\uffff') : v));
}

/** How many distinct statement texts run as named prepared statements (each pooled connection prepares those it runs). */
const PREPARED_TEXTS = 500;

/** Transient conditions: retried inside {@link PostgresConnection.transaction}. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 4;

/**
 * A helpdesk PostgreSQL database over a `pg` pool: statements counted one by one, writes in
 * READ COMMITTED transactions (rows about to change are read FOR UPDATE; unique constraints
 * decide races of creates) retried on serialization failures and deadlocks; migrations on first
 * use, so the service starts while the database is down and recovers when it returns. Every
 * error that means "the database did not answer" becomes a retryable
 * `DataSourceUnavailableError` whose message never holds the URL or the password.
 */
export class PostgresConnection {
  readonly pool: pg.Pool;
  readonly label: string;
  journal: WriteJournal | null = null;
  private migrated: Promise<void> | null = null;
  private readonly onStatement: StatementCounter;

  private readonly clientConfig: pg.ClientConfig;

  constructor(options: PostgresOpenOptions) {
    this.label = options.label;
    this.onStatement = options.onStatement ?? (() => {});
    this.clientConfig = {
      connectionString: options.url,
      connectionTimeoutMillis: options.pool.connectTimeoutMs,
      statement_timeout: options.pool.statementTimeoutMs,
      query_timeout: options.pool.statementTimeoutMs + 1000,
      application_name: 'helpdesk-customer-service',
      types: TYPES,
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.pool.size, idleTimeoutMillis: 30_000 });
    // An idle connection that breaks (the server restarted) is dropped; the next checkout reconnects.
    this.pool.on('error', () => {});
  }

  /** Applies pending migrations once; a failure (database down) is retried by the next call. */
  ready(): Promise<void> {
    this.migrated ??= this.migrate().catch((e: unknown) => {
      this.migrated = null;
      throw this.translate(e);
    });
    return this.migrated;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      for (;;) {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          await client.query('CREATE TABLE IF NOT EXISTS helpdesk_schema (version integer NOT NULL)');
          const rows = (await client.query<{ version: number }>('SELECT version FROM helpdesk_schema')).rows;
          if (rows.length === 0) await client.query('INSERT INTO helpdesk_schema VALUES (0)');
          const version = rows[0]?.version ?? 0;
          if (version >= MIGRATIONS.length) {
            await client.query('COMMIT');
            return;
          }
          await client.query(MIGRATIONS[version]!);
          await client.query('UPDATE helpdesk_schema SET version = $1', [version + 1]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
      }
    } finally {
      client.release();
    }
  }

  /**
   * One statement outside a transaction. It runs as a named prepared statement (parsed and
   * planned once per connection, as better-sqlite3's `prepare` and the bench's floor do), up to
   * {@link PREPARED_TEXTS} distinct texts; the adapters bind every value, so their texts are a
   * bounded set of shapes.
   */
  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    await this.ready();
    this.onStatement();
    const values = bindable(params);
    const name = this.statementName(sql);
    try {
      return (await this.pool.query(name ? { name, text: sql, values } : { text: sql, values })).rows as R[];
    } catch (e) {
      // A migration by another replica changed a table under a kept plan: run it unnamed.
      if (name && (e as { code?: string }).code === '0A000') {
        try {
          return (await this.pool.query(sql, values)).rows as R[];
        } catch (again) {
          throw this.translate(again);
        }
      }
      throw this.translate(e);
    }
  }

  /** Names of the statement texts prepared so far. */
  private readonly names = new Map<string, string>();

  private statementName(sql: string): string | null {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < PREPARED_TEXTS) this.names.set(sql, (name = `h${this.names.size}`));
    return name ?? null;
  }

  /**
   * Runs `fn` in one transaction (BEGIN and COMMIT are counted as statements). The journal may
   * answer from a recorded result, and its step row is written inside the transaction.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    await this.ready();
    const journal = this.journal;
    const replayed = journal?.replay();
    if (replayed) return replayed.value as T;
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        throw this.translate(e);
      }
      let broken = false;
      // A checked-out client whose connection breaks (server crash) emits 'error': without a
      // listener that would be an uncaught exception; the failing query rejects anyway.
      const onError = () => (broken = true);
      client.on('error', onError);
      const tx: Tx = {
        query: async <R>(sql: string, params: readonly unknown[] = []) => {
          this.onStatement();
          return (await client.query(sql, bindable(params))).rows as R[];
        },
      };
      try {
        await tx.query('BEGIN');
        const value = await fn(tx);
        const entry = journal?.entry(value);
        if (entry) {
          await tx.query('INSERT INTO idempotency_step (caller, key, seq, result) VALUES ($1, $2, $3, $4)', [
            entry.caller, entry.key, entry.seq, entry.result === null ? null : Buffer.from(entry.result),
          ]);
        }
        await tx.query('COMMIT');
        if (entry) journal!.committed(entry);
        return value;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        const code = (e as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < ATTEMPTS) continue;
        throw this.translate(e);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
  }

  /** A connection of its own, outside the pool (the pool's `size` stays for requests); the caller ends it. */
  async connectClient(): Promise<pg.Client> {
    const client = new pg.Client(this.clientConfig);
    client.on('error', () => {});
    await client.connect();
    return client;
  }

  /** Ends the pool. */
  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }

  /** Maps driver errors to domain errors; anything unexpected passes through (masked at the edge). */
  translate(e: unknown): unknown {
    if (e instanceof ConflictError || e instanceof DataSourceUnavailableError) return e;
    const err = e as { code?: string; constraint?: string; message?: string };
    if (err.code === '23505' && err.constraint && CONFLICTS[err.constraint]) {
      const c = CONFLICTS[err.constraint]!;
      return new ConflictError(c.message, c.field);
    }
    const code = err.code ?? '';
    // Another process recorded this write step first: retrying replays it.
    const raced = code === '23505' && err.constraint === 'idempotency_step_pkey';
    const unavailable =
      raced ||
      (/^(08|53|57|58)/.test(code) && code !== '08P01') || // connection, resources, operator intervention (shutdown, statement timeout), system; not a protocol violation (a bug)
      RETRYABLE.has(code) ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(code) ||
      /timeout|terminat|Connection|connect/i.test(err.message ?? '');
    const tls = tlsRefusal(err);
    if (tls) {
      return new DataSourceUnavailableError(this.label, `Data source '${this.label}' is unavailable: ${tls}; try again`, { cause: scrub(e) });
    }
    if (unavailable) {
      return new DataSourceUnavailableError(this.label, `Data source '${this.label}' is unavailable; try again`, { cause: scrub(e) });
    }
    return e;
  }
}

/** Why TLS refused the server (for /readyz and the log: names no host, URL or password), or null. */
function tlsRefusal(err: { code?: string; message?: string }): string | null {
  switch (err.code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return "the server's TLS certificate does not name the host of the database URL";
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_UNTRUSTED':
    case 'CERT_SIGNATURE_FAILURE':
      return "the server's TLS certificate is not signed by a trusted CA (sslrootcert)";
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return "the server's TLS certificate is outside its validity period";
  }
  if (/does not support SSL/i.test(err.message ?? '')) return 'the database server does not accept TLS, which the URL requires (sslmode)';
  return null;
}

/** The error without anything that could carry the connection string. */
function scrub(e: unknown): unknown {
  const err = e as { code?: string; message?: string };
  const out = new Error(String(err.message ?? e).replace(/postgres(ql)?:\/\/\S*/gi, 'postgres://***'));
  (out as { code?: string }).code = err.code;
  return out;
}
