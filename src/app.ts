import type { ApolloServer } from '@apollo/server';
import type { SqliteConnection } from '../adapters/sqlite/sqlite-connection';
import { SqliteStore } from '../adapters/sqlite/sqlite-store';
import { TokenAuthenticator } from './auth/auth';
import type { Config } from './config/config';
import type { ChangeFeed } from './domain/change-feed';
import type { DataSource } from './domain/data-source';
import type { HelpdeskStore } from './domain/helpdesk-store';
import { createApollo } from './graphql/apollo';
import type { AppServices, Context } from './graphql/context';
import { createLogger, type Logger } from './log/logger';
import { Metrics } from './metrics/metrics';
import { CustomerService } from './services/customer-service';
import { CustomerUserService } from './services/customer-user-service';
import { IdempotencyStore } from './services/idempotency';
import { TicketService } from './services/ticket-service';
import { openChangeFeed, openDataSource, openHelpdeskStore } from './adapter-factory';
import { DataSourceRegistry } from './registry/data-source-registry';

/** A running service, before or without its HTTP listener. */
export interface App extends AppServices {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly apollo: ApolloServer<Context>;
  readonly authenticator: TokenAuthenticator;
  /** The helpdesk database (tickets, idempotency keys, and the default writable source). */
  readonly store: HelpdeskStore;
  /**
   * The SQLite handle of the helpdesk database, for tests of an embedded store
   * (`store.capabilities.embedded`); throws for any other store.
   */
  readonly helpdeskDb: SqliteConnection;
  /** Idempotency-Key records of mutations (in the helpdesk database). */
  readonly idempotency: IdempotencyStore;
  /** Committed changes, published by the write services, heard by live subscriptions. */
  readonly changeFeed: ChangeFeed;
  /**
   * Settles when the background work of the start (the purge of expired Idempotency-Keys) is
   * over, successful or not; its statements are counted like a request's.
   */
  readonly started: Promise<void>;
  /** Stops Apollo and closes every source and database. */
  close(): Promise<void>;
}

/** Options of {@link createApp}. */
export interface AppOptions {
  readonly logger?: Logger;
}

/**
 * Wires the service from its configuration: the helpdesk database (migrated, seeded when the
 * configuration asks and it is empty), the data sources in order, the services, Apollo.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger();
  const metrics = new Metrics();
  const helpdeskLabel = config.dataSources.find((s) => s.kind === 'sqlite' && !s.path)?.id ?? 'helpdesk';
  const store = openHelpdeskStore(config, helpdeskLabel, metrics, logger);
  const opened: DataSource[] = [];
  try {
    // The generator pulls in faker (about 30 MB of memory): loaded only when a demo seed is configured.
    if (config.seed === 'demo') {
      const seeded = await (await import('./seed/demo')).seedDemo(store.seedWriter).catch((e: unknown) => {
        // A store that is unreachable at start is seeded by a later start; the service still starts.
        if (!store.capabilities.remote) throw e;
        logger.warn({ err: e }, 'could not seed the demo dataset');
        return false;
      });
      if (seeded) logger.info('seeded the demo dataset');
    }
    for (const sourceConfig of config.dataSources) {
      opened.push(await openDataSource(sourceConfig, { config, store, metrics, logger }));
    }
  } catch (e) {
    await Promise.allSettled(opened.map((s) => s.close()));
    await store.close();
    throw e;
  }
  const sources = new DataSourceRegistry(opened, { logger });
  const tickets = store.tickets;
  const idempotency = new IdempotencyStore(store.idempotency, config.limits.idempotencyKeyTtlSeconds * 1000);
  store.setJournal(idempotency);
  const started = (async () => {
    // A remote store is not contacted before the first request: say at once why it cannot be reached (TLS, down, ...).
    if (store.capabilities.remote) {
      await store.ping().then(
        () => logger.info({ database: store.kind }, 'the helpdesk database answers'),
        (e: unknown) => logger.error({ reason: e instanceof Error ? e.message : String(e) }, 'the helpdesk database cannot be reached; /readyz answers 503 until it can'),
      );
    }
    await idempotency.purge().catch((e: unknown) => logger.warn({ err: e }, 'could not purge expired idempotency keys'));
  })();
  const production = config.production;
  const apollo = createApollo({
    metrics,
    logger,
    introspection: config.limits.introspection ?? !production,
    fieldSuggestions: config.limits.fieldSuggestions ?? !production,
    limits: config.limits,
  });
  await apollo.start();
  const changeFeed = openChangeFeed(config, store, logger);
  return {
    config,
    logger,
    metrics,
    sources,
    tickets,
    store,
    get helpdeskDb(): SqliteConnection {
      if (store instanceof SqliteStore) return store.db;
      throw new Error('the helpdesk store is not an embedded SQLite file');
    },
    apollo,
    started,
    authenticator: new TokenAuthenticator(config.auth.tokens),
    idempotency,
    changeFeed,
    customers: new CustomerService(sources, tickets, changeFeed),
    customerUsers: new CustomerUserService(sources, changeFeed),
    ticketService: new TicketService(sources, tickets, changeFeed),
    async close() {
      await changeFeed.close();
      await apollo.stop();
      await sources.close();
      await store.close();
    },
  };
}
