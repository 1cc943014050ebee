import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { CountryResolver } from './country/country.resolver';
import { CustomerUserResolver } from './customer-user/customer-user.resolver';
import { CustomerResolver } from './customer/customer.resolver';
import { CustomerSubscriptionResolver } from './customer/customer.subscription';
import { DataSourceResolver } from './data-source/data-source.resolver';
import { buildExecutableSchema, DEFAULT_EXECUTION_MODE, type ExecutableSchema, type ExecutionMode } from './execution';
import { NodeResolver } from './node/node.resolver';
import { TicketCountsResolver } from './ticket/ticket-counts.resolver';
import { TicketResolver } from './ticket/ticket.resolver';
import { ViewerResolver } from './viewer/viewer.resolver';
import './common/enums';

// type-graphql has no option for the descriptions of the root types.
const ROOT_DESCRIPTIONS = {
  Query: 'Reads: customers, customer users, tickets and data sources, by key, by global id (node, nodes) or as paged lists.',
  Mutation: 'Writes (agent role). A failed mutation changes nothing; send an Idempotency-Key header to retry one safely.',
  Subscription: 'Live updates over WebSocket (graphql-transport-ws at /graphql): a push follows each committed write.',
} as const;

const built = new Map<ExecutionMode, ExecutableSchema>();

/**
 * The service's schema built for an execution mode (src/graphql/execution), once per mode and
 * never changed afterwards.
 */
export function appExecutableSchema(mode: ExecutionMode = DEFAULT_EXECUTION_MODE): ExecutableSchema {
  let executable = built.get(mode);
  if (!executable) {
    executable = buildExecutableSchema(
      {
        resolvers: [DataSourceResolver, CountryResolver, CustomerResolver, CustomerUserResolver, TicketResolver, TicketCountsResolver, NodeResolver, CustomerSubscriptionResolver, ViewerResolver],
        validate: false,
        // Subscriptions bring their own `subscribe` (src/live); type-graphql only insists on a PubSub.
        pubSub: { publish() {}, subscribe() { throw new Error('no topics'); } },
        // No global middlewares, auth checker or container: compiled mode refuses them (its direct resolvers would skip them).
      },
      { mode, rootDescriptions: ROOT_DESCRIPTIONS },
    );
    built.set(mode, executable);
  }
  return executable;
}

/** The executable schema of an execution mode (default: compiled). */
export function buildAppSchema(mode: ExecutionMode = DEFAULT_EXECUTION_MODE): GraphQLSchema {
  return appExecutableSchema(mode).schema;
}

/** The schema as SDL, sorted, as kept in schema/schema.graphql. */
export function printAppSchema(): string {
  return printSchema(lexicographicSortSchema(buildAppSchema())) + '\n';
}
