import type { ApolloServer } from '@apollo/server';
import { SqliteDatabase } from '../adapters/sqlite/sqlite-database';
import { SqliteTicketStore } from '../adapters/sqlite/sqlite-ticket-store';
import { TokenAuthenticator } from './auth/auth';
import type { Config } from './config/config';
import type { DataSource } from './domain/data-source';
import { createApollo } from './graphql/apollo';
import type { AppServices, Context } from './graphql/context';
import { createLogger, type Logger } from './log/logger';
import { Metrics } from './metrics/metrics';
import { CustomerService } from './services/customer-service';
import { CustomerUserService } from './services/customer-user-service';
import { IdempotencyStore } from './services/idempotency';
import { TicketService } from './services/ticket-service';
import { openDataSource } from './sources/adapters';
import { DataSourceRegistry } from './sources/data-source-registry';

/** A running service, before or without its HTTP listener. */
export interface App extends AppServices {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly apollo: ApolloServer<Context>;
  readonly authenticator: TokenAuthenticator;
  /** The helpdesk database (tickets, and the default sqlite source). */
  readonly helpdeskDb: SqliteDatabase;
  /** Idempotency-Key records of mutations (in the helpdesk database). */
  readonly idempotency: IdempotencyStore;
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
  const helpdeskDb = SqliteDatabase.open({
    path: config.database,
    label: helpdeskLabel,
    busyTimeoutMs: config.limits.busyTimeoutMs,
    onStatement: metrics.operationCounter(helpdeskLabel, 'sqlite'),
  });
  const opened: DataSource[] = [];
  try {
    // The generator pulls in faker (about 30 MB of memory): loaded only when a demo seed is configured.
    if (config.seed === 'demo' && (await import('./seed/demo')).seedDemo(helpdeskDb.handle)) {
      logger.info({ database: config.database }, 'seeded the demo dataset');
    }
    for (const sourceConfig of config.dataSources) {
      opened.push(await openDataSource(sourceConfig, { config, helpdeskDb, metrics, logger }));
    }
  } catch (e) {
    await Promise.allSettled(opened.map((s) => s.close()));
    helpdeskDb.close();
    throw e;
  }
  const sources = new DataSourceRegistry(opened, { logger });
  const tickets = new SqliteTicketStore(helpdeskDb, config.limits.maxPageSize);
  const production = config.production;
  const apollo = createApollo({
    metrics,
    logger,
    introspection: config.limits.introspection ?? !production,
    fieldSuggestions: config.limits.fieldSuggestions ?? !production,
    limits: config.limits,
  });
  await apollo.start();
  return {
    config,
    logger,
    metrics,
    sources,
    tickets,
    helpdeskDb,
    apollo,
    authenticator: new TokenAuthenticator(config.auth.tokens),
    idempotency: new IdempotencyStore(helpdeskDb, config.limits.idempotencyKeyTtlSeconds * 1000),
    customers: new CustomerService(sources, tickets),
    customerUsers: new CustomerUserService(sources),
    ticketService: new TicketService(sources, tickets),
    async close() {
      await apollo.stop();
      await sources.close();
      helpdeskDb.close();
    },
  };
}
