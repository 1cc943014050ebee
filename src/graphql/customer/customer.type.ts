import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/connection';
import { Validity } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

// Fields computed from other records (country, dataSource, counts, lists, links) are declared
// by CustomerResolver's field resolvers.
@ObjectType({ description: 'An organization, company or authority whose people open tickets.' })
export class Customer {
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

@ObjectType()
export class CustomerConnection {
  @Field(() => [Customer])
  nodes!: Customer[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
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
