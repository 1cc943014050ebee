import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../common/connection';
import { DataSource } from '../data-source/data-source.type';
import { Node } from '../node/node.type';
import { Validity } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

// Computed fields (fullName, country, customer, dataSource, counts, tickets) come from CustomerUserResolver.
@ObjectType({ simpleResolvers: true, implements: Node, description: 'A person who belongs to one or more customers.' })
export class CustomerUser extends Node {
  @Field(() => ID, { description: 'Opaque global id (see Node); not the login.' })
  override id!: string;

  @Field(() => ID, { description: 'Unique across all data sources, ignoring case.' })
  login!: string;

  @Field({ description: 'E-mail address.' })
  email!: string;

  @Field(() => String, { nullable: true, description: "Salutation or title, e.g. 'Dr.'." })
  title!: string | null;

  @Field({ description: 'First name.' })
  firstName!: string;

  @Field({ description: 'Last name.' })
  lastName!: string;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'Mobile number.' })
  mobile!: string | null;

  @Field(() => String, { nullable: true, description: 'Street and house number.' })
  street!: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  zip!: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text note for agents.' })
  comment!: string | null;

  @Field(() => Validity, { description: 'Whether the customer user is in use.' })
  valid!: Validity;

  @Field(() => ID, { description: 'The primary customer id.' })
  customerId!: string;

  @Field(() => [ID], { description: 'All customer ids of the user, the primary one first.' })
  customerIds!: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the record was created; null when the source does not say.' })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the record was last changed; null when the source does not say.' })
  changedAt!: Date | null;
}

@ObjectType({ description: 'A page of customer users.' })
export class CustomerUserConnection extends Connection(CustomerUser) {
  @Field(() => [DataSource], {
    description: 'Sources that did not answer this request: the nodes, edges and totalCount are those of the other sources.',
  })
  unavailableSources!: DataSource[];
}
