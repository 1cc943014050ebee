import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { CountryResolver } from './country/country.resolver';
import { CustomerUserResolver } from './customer-user/customer-user.resolver';
import { CustomerResolver } from './customer/customer.resolver';
import { CustomerSubscriptionResolver } from './customer/customer.subscription';
import { DataSourceResolver } from './data-source/data-source.resolver';
import { NodeResolver } from './node/node.resolver';
import { TicketResolver } from './ticket/ticket.resolver';
import './common/enums';

let built: GraphQLSchema | undefined;

/** The executable schema, built once from the resolver classes. */
export function buildAppSchema(): GraphQLSchema {
  return (built ??= buildSchemaSync({
    resolvers: [DataSourceResolver, CountryResolver, CustomerResolver, CustomerUserResolver, TicketResolver, NodeResolver, CustomerSubscriptionResolver],
    validate: false,
    // Subscriptions bring their own `subscribe` (src/live); type-graphql only insists on a PubSub.
    pubSub: { publish() {}, subscribe() { throw new Error('no topics'); } },
  }));
}

/** The schema as SDL, sorted, as kept in schema/schema.graphql. */
export function printAppSchema(): string {
  return printSchema(lexicographicSortSchema(buildAppSchema())) + '\n';
}
