import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/connection';
import { Validity } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

// Computed fields (fullName, country, customer, dataSource, counts, tickets) come from CustomerUserResolver.
@ObjectType({ description: 'A person who belongs to one or more customers.' })
export class CustomerUser {
  @Field(() => ID, { description: 'Unique across all data sources, ignoring case.' })
  login!: string;

  @Field()
  email!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field()
  firstName!: string;

  @Field()
  lastName!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  mobile!: string | null;

  @Field(() => String, { nullable: true })
  street!: string | null;

  @Field(() => String, { nullable: true })
  zip!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => Validity)
  valid!: Validity;

  @Field(() => ID, { description: 'The primary customer id.' })
  customerId!: string;

  @Field(() => [ID], { description: 'All customer ids of the user, the primary one first.' })
  customerIds!: string[];

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  changedAt!: Date | null;
}

@ObjectType()
export class CustomerUserConnection {
  @Field(() => [CustomerUser])
  nodes!: CustomerUser[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
