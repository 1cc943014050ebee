import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { CountryResolver } from './country/country.resolver';
import { CustomerUserResolver } from './customer-user/customer-user.resolver';
import { CustomerResolver } from './customer/customer.resolver';
import { CustomerSubscriptionResolver } from './customer/customer.subscription';
import { DataSourceResolver } from './data-source/data-source.resolver';
import { NodeResolver } from './node/node.resolver';
import { TicketCountsResolver } from './ticket/ticket-counts.resolver';
import { TicketResolver } from './ticket/ticket.resolver';
import { installDirectResolvers } from './direct-resolvers';
import './common/enums';

let built: GraphQLSchema | undefined;

// type-graphql has no option for the descriptions of the root types.
const ROOT_DESCRIPTIONS = {
  Query: 'Reads: customers, customer users, tickets and data sources, by key, by global id (node, nodes) or as paged lists.',
  Mutation: 'Writes (agent role). A failed mutation changes nothing; send an Idempotency-Key header to retry one safely.',
  Subscription: 'Live updates over WebSocket (graphql-transport-ws at /graphql): a push follows each committed write.',
} as const;

/** The executable schema, built once from the resolver classes. */
export function buildAppSchema(): GraphQLSchema {
  return (built ??= withDirectResolvers(describeRootTypes(buildSchemaSync({
    resolvers: [DataSourceResolver, CountryResolver, CustomerResolver, CustomerUserResolver, TicketResolver, TicketCountsResolver, NodeResolver, CustomerSubscriptionResolver],
    validate: false,
    // Subscriptions bring their own `subscribe` (src/live); type-graphql only insists on a PubSub.
    pubSub: { publish() {}, subscribe() { throw new Error('no topics'); } },
    // No global middlewares and no auth checker: installDirectResolvers relies on it.
  }))));
}

/** Field resolvers without arguments are called directly, not through type-graphql's handler (docs/performance.md). */
function withDirectResolvers(schema: GraphQLSchema): GraphQLSchema {
  installDirectResolvers(schema);
  return schema;
}

function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (type && !type.description) type.description = ROOT_DESCRIPTIONS[type.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
}

/** The schema as SDL, sorted, as kept in schema/schema.graphql. */
export function printAppSchema(): string {
  return printSchema(lexicographicSortSchema(buildAppSchema())) + '\n';
}
