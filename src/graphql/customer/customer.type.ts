import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../common/connection';
import { DataSourceNode } from '../data-source/data-source.type';
import { Node } from '../node/node.type';
import { Validity } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

// Fields computed from other records (country, dataSource, counts, lists, links) are declared
// by CustomerResolver's field resolvers.
@ObjectType({ implements: Node, description: 'An organization, company or authority whose people open tickets.' })
export class Customer extends Node {
  @Field(() => ID, { description: 'Opaque global id (see Node); not the customer id.' })
  override id!: string;

  @Field(() => ID, { description: 'The internal name (OTRS CustomerID). Unique across all data sources, ignoring case.' })
  customerId!: string;

  @Field({ description: 'The full name, usually the company name. Unique within a data source.' })
  name!: string;

  @Field(() => Validity)
  valid!: Validity;

  @Field(() => String, { nullable: true })
  street!: string | null;

  @Field(() => String, { nullable: true })
  zip!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  url!: string | null;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  changedAt!: Date | null;
}

@ObjectType({ description: 'A page of customers.' })
export class CustomerConnection extends Connection(Customer) {
  @Field(() => [DataSourceNode], {
    description: 'Sources that did not answer this request: the nodes, edges and totalCount are those of the other sources.',
  })
  unavailableSources!: DataSourceNode[];
}

@ObjectType({ description: 'A configured link on the customer information card (map, web, social or search engine).' })
export class Link {
  @Field({ description: "'map', 'web' or 'social'." })
  kind!: string;

  @Field()
  label!: string;

  @Field()
  url!: string;
}
