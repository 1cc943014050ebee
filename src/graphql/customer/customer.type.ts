import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../common/connection';
import { DataSource } from '../data-source/data-source.type';
import { Node } from '../node/node.type';
import { Validity } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

// Fields computed from other records (country, dataSource, counts, lists, links) are declared
// by CustomerResolver's field resolvers.
@ObjectType({ simpleResolvers: true, implements: Node, description: 'An organization, company or authority whose people open tickets.' })
export class Customer extends Node {
  @Field(() => ID, { description: 'Opaque global id (see Node); not the customer id.' })
  override id!: string;

  @Field(() => ID, { description: 'The internal name (OTRS CustomerID). Unique across all data sources, ignoring case.' })
  customerId!: string;

  @Field({ description: 'The full name, usually the company name. Unique within a data source.' })
  name!: string;

  @Field(() => Validity, { description: 'Whether the customer is in use.' })
  valid!: Validity;

  @Field(() => String, { nullable: true, description: 'Street and house number.' })
  street!: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  zip!: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Web site (http or https URL).' })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text note for agents.' })
  comment!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the record was created; null when the source does not say.' })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the record was last changed; null when the source does not say.' })
  changedAt!: Date | null;
}

@ObjectType({ description: 'A page of customers.' })
export class CustomerConnection extends Connection(Customer) {
  @Field(() => [DataSource], {
    description: 'Sources that did not answer this request: the nodes, edges and totalCount are those of the other sources.',
  })
  unavailableSources!: DataSource[];
}

@ObjectType({ simpleResolvers: true, description: 'A configured link on the customer information card (map, web, social or search engine).' })
export class Link {
  @Field({ description: "'map', 'web' or 'social'." })
  kind!: string;

  @Field({ description: "The text to show, e.g. 'LinkedIn'." })
  label!: string;

  @Field({ description: 'The address, with the customer fields filled in (URL-encoded).' })
  url!: string;
}
