import type { ApolloServer } from '@apollo/server';
import { createAuthenticator, type Authenticator } from '../auth/authenticator';
import { ConfigError, type Config } from '../config/config';
import type { ChangeFeed } from '../domain/change-feed';
import type { DataSource } from '../domain/data-source';
import type { HelpdeskStore } from '../domain/helpdesk-store';
import type { TicketStore } from '../domain/tickets';
import { createApollo } from '../graphql/apollo';
import type { AppServices, Context } from '../graphql/context';
import { EncodingCache } from '../graphql/execution';
import { createLogger, type Logger } from '../log/logger';
import { Metrics } from '../metrics/metrics';
import { CustomerService } from '../services/customer-service';
import { CustomerUserService } from '../services/customer-user-service';
import { IdempotencyStore } from '../services/idempotency';
import { TicketService } from '../services/ticket-service';
import { openChangeFeed, openDataSource, openHelpdeskStore, type OpenedSource } from './adapter-factory';
import { DataSourceRegistry } from '../registry/data-source-registry';

/** A running service, before or without its HTTP listener. */
export interface App extends AppServices {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly apollo: ApolloServer<Context>;
  /** Bearer tokens (configured API tokens, OpenID Connect access tokens) to callers and the tickets they see. */
  readonly authenticator: Authenticator;
  /** The helpdesk database (tickets, idempotency keys, and the default writable source). */
  readonly store: HelpdeskStore;
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
  const opened: OpenedSource[] = [];
  try {
    // The generator pulls in faker (about 30 MB of memory): loaded only when a demo seed is configured.
    if (config.seed === 'demo') {
      const seeded = await (await import('../seed/demo')).seedDemo(store.seedWriter).catch((e: unknown) => {
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
  const sources = new DataSourceRegistry(opened.map((o) => o.source), { logger });
  const tickets = ticketsOf(config, opened, store);
  // A token acting as a Znuny agent needs a ticket store with agent permissions: a start-up error otherwise.
  const authenticator = createAuthenticator(config.auth, tickets, logger);
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
  // Changes made in a backend by others (an existing helpdesk's own screens) reach the live screens of this process.
  const watches = opened.flatMap((o) => (o.watch ? [o.watch] : []));
  for (const watch of watches) watch.start((change) => changeFeed.publish(change));
  return {
    config,
    logger,
    metrics,
    sources,
    tickets,
    store,
    apollo,
    started,
    authenticator,
    idempotency,
    changeFeed,
    customers: new CustomerService(sources, tickets, changeFeed),
    customerUsers: new CustomerUserService(sources, changeFeed),
    ticketService: new TicketService(sources, tickets, changeFeed),
    encodings: new EncodingCache(),
    async close() {
      await Promise.allSettled(watches.map((w) => w.stop()));
      await changeFeed.close();
      await apollo.stop();
      await Promise.allSettled(opened.map((o) => o.close()));
      await store.close();
    },
  };
}

/** The ticket store: the helpdesk database's, or that of the source `tickets` names (which must keep tickets). */
function ticketsOf(config: Config, opened: readonly OpenedSource[], store: HelpdeskStore): TicketStore {
  if (config.tickets === undefined) return store.tickets;
  const named = opened.find((o) => o.source.id === config.tickets);
  if (!named?.tickets) throw new ConfigError(`configuration: tickets: data source '${config.tickets}' keeps no tickets (a znuny source does)`);
  return named.tickets;
}
