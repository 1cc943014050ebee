import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, Socket } from 'node:net';
import { resolve } from 'node:path';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Client, ResultCodeError, SizeLimitExceededError, type Entry, type Filter } from 'ldapts';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import type { Logger } from '../../src/log/logger';
import type { LdapSourceConfig } from './ldap-config';

/** Options of {@link LdapConnection}. */
export interface LdapConnectionOptions {
  readonly config: LdapSourceConfig;
  readonly pageSize: number;
  readonly logger: Logger;
  /** Called once per search page sent (the operations metric). */
  readonly onSearchPage: () => void;
}

/** One search, all pages. */
export interface SearchSpec {
  readonly baseDN: string;
  readonly scope: 'base' | 'one' | 'sub';
  /** Default: every entry (`(objectClass=*)`). */
  readonly filter?: Filter;
  readonly attributes: readonly string[];
  /** Attributes to return as Buffers (binary values such as objectGUID), in any spelling. */
  readonly binaryAttributes?: readonly string[];
  /** Overrides `timeoutMs` for this search (the list index's full read of a large directory). */
  readonly timeoutMs?: number;
  /**
   * How many entries the search should find at most (a lookup of N keys: N). Below the page
   * size it is sent without the paged-results control, which costs Samba AD as much again; if
   * the server's size limit cuts it short after all, it is read again in pages.
   */
  readonly expected?: number;
}

/**
 * Which name the server certificate must carry, and the SNI to send: `tls.servername` when
 * configured, else the URL's host, an IP address or a name. The check is explicit because the
 * TLS socket of a StartTLS upgrade does not know the host it is connected to: without a server
 * name (SNI may not be an IP address), Node would verify the certificate against "localhost".
 */
export function tlsIdentity(config: Pick<LdapSourceConfig, 'url' | 'tls'>): Pick<ConnectionOptions, 'servername' | 'host' | 'checkServerIdentity'> {
  const urlHost = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  const expected = config.tls.servername ?? urlHost;
  return {
    host: urlHost,
    ...(isIP(expected) === 0 && { servername: expected }),
    checkServerIdentity: (_hostname, cert) => checkServerIdentity(expected, cert),
  };
}

/**
 * The adapter's connection to the directory. It connects lazily (the service starts with the
 * directory down), binds as the service account before any search, and rebuilds the session
 * after any failure. A client is tied to one socket: should ldapts try to reconnect it silently
 * (which would search anonymously, or in clear after StartTLS), the new socket fails at once and
 * the next operation opens a fresh, bound session instead. Every operation (connect, StartTLS,
 * bind, every page) ends within `timeoutMs`; a timed-out session is torn down, closing its socket.
 */
export class LdapConnection {
  private session: Promise<Client> | null = null;
  private readonly tlsOptions: ConnectionOptions;
  private readonly timeoutMs: number;
  private lastFailure = '';
  /** The client of the current session once it is bound. */
  private bound: Client | null = null;

  constructor(private readonly options: LdapConnectionOptions) {
    const { config } = options;
    this.timeoutMs = config.timeoutMs;
    this.tlsOptions = {
      rejectUnauthorized: config.tls.rejectUnauthorized,
      ...tlsIdentity(config),
      ...(config.tls.caFile !== undefined && { ca: readFileSync(resolve(config.tls.caFile)) }),
    };
  }

  /** Runs one search (every page), bound as the service account; DATA_SOURCE_UNAVAILABLE on any failure. */
  search(spec: SearchSpec): Promise<Entry[]> {
    const options = {
      scope: spec.scope,
      ...(spec.filter && { filter: spec.filter }),
      attributes: [...spec.attributes],
      ...(spec.binaryAttributes?.length && { explicitBufferAttributes: [...spec.binaryAttributes] }),
    };
    return this.run(spec.timeoutMs ?? this.timeoutMs, async (client) => {
      if (spec.expected !== undefined && spec.expected < this.options.pageSize) {
        this.options.onSearchPage();
        try {
          return (await client.search(spec.baseDN, options)).searchEntries;
        } catch (e) {
          if (!(e instanceof SizeLimitExceededError)) throw e;
        }
      }
      const entries: Entry[] = [];
      try {
        const pages = client.searchPaginated(spec.baseDN, { ...options, paged: { pageSize: this.options.pageSize } });
        for await (const page of pages) {
          this.options.onSearchPage();
          entries.push(...page.searchEntries);
        }
      } catch (e) {
        this.options.onSearchPage(); // the page that failed was sent, too
        throw e;
      }
      return entries;
    });
  }

  /** Binds (when no session is open) and reads the base entry of `baseDN`. */
  async ping(baseDN: string): Promise<void> {
    await this.search({ baseDN, scope: 'base', attributes: ['1.1'], expected: 1 });
  }

  /** Closes the session. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    this.bound = null;
    if (session) await session.then((c) => c.unbind(), () => undefined).catch(() => undefined);
  }

  private async run<T>(timeoutMs: number, work: (client: Client) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const session = this.open();
    try {
      const result = await Promise.race([session.then(work), deadline]);
      if (this.lastFailure) {
        this.options.logger.info({ source: this.options.config.id }, 'ldap directory answers again');
        this.lastFailure = '';
      }
      return result;
    } catch (e) {
      // A result code (e.g. no such base) leaves the session usable; anything else (a timeout, a
      // lost socket, a half-read response) drops it, closing its socket; the next call binds anew.
      if (!(e instanceof ResultCodeError)) this.discard(session);
      this.logFailure(e);
      throw new DataSourceUnavailableError(this.options.config.id, undefined, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The open, bound session, or a new one (also when the server closed the last one, e.g. on restart). */
  private open(): Promise<Client> {
    if (this.session && this.bound && !(this.bound.isConnected && this.bound.isBound)) this.discard(this.session);
    if (this.session) return this.session;
    const session = this.connectAndBind().then((client) => {
      this.bound = client;
      return client;
    });
    this.session = session;
    session.catch(() => {
      if (this.session === session) this.session = null;
    });
    return session;
  }

  private async connectAndBind(): Promise<Client> {
    const { config } = this.options;
    const oneShot = <F extends (...args: any[]) => Socket>(connectFn: F): F => {
      let used = false;
      return ((...args: any[]) => {
        if (used) {
          const dead = new Socket();
          process.nextTick(() => dead.destroy(new Error('the connection was lost; a new session will bind again')));
          return dead;
        }
        used = true;
        return connectFn(...args);
      }) as F;
    };
    const client = new Client({
      url: config.url,
      timeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      ...(/^ldaps:/i.test(config.url) && { tlsOptions: this.tlsOptions }),
      createConnection: oneShot(netConnect as (...args: any[]) => Socket) as typeof netConnect,
      createSecureConnection: oneShot(tlsConnect as (...args: any[]) => Socket) as typeof tlsConnect,
    });
    try {
      if (config.tls.startTLS) await client.startTLS(this.tlsOptions);
      await client.bind(config.bindDN, config.bindPassword);
    } catch (e) {
      void client.unbind().catch(() => undefined);
      throw e;
    }
    return client;
  }

  /** Drops a session (when still the current one) and closes its socket once it is open. */
  private discard(session: Promise<Client>): void {
    if (this.session === session) {
      this.session = null;
      this.bound = null;
    }
    session.then(
      (c) => c.unbind().catch(() => undefined),
      () => undefined,
    );
  }

  /** Logs why the directory failed: the error's class and message, never the password. */
  private logFailure(e: unknown): void {
    const err = e as { name?: string; message?: string; code?: unknown };
    const reason = `${err?.name ?? 'Error'}: ${String(err?.message ?? e)}`.split(this.options.config.bindPassword).join('[redacted]');
    const level = reason === this.lastFailure ? 'debug' : 'warn';
    this.lastFailure = reason;
    this.options.logger[level]({ source: this.options.config.id, kind: 'ldap', reason, ...(typeof err?.code === 'number' && { resultCode: err.code }) }, 'ldap directory unavailable');
  }
}
