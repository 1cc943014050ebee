import { Field, ID, InputType } from 'type-graphql';
import { Validity } from '../common/enums';

@InputType()
export class CreateCustomerInput {
  @Field(() => ID, { description: 'The data source to store the customer in; must be writable.' })
  dataSource!: string;

  @Field(() => ID)
  customerId!: string;

  @Field()
  name!: string;

  @Field(() => Validity, { nullable: true, defaultValue: Validity.VALID })
  valid?: Validity | null;

  @Field(() => String, { nullable: true })
  street?: string | null;

  @Field(() => String, { nullable: true })
  zip?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field({ description: 'ISO 3166-1 alpha-2 code.' })
  country!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}

@InputType({ description: 'Only the fields given are changed; null clears an optional field.' })
export class UpdateCustomerInput {
  @Field(() => ID, { nullable: true, description: 'A new customer id: customer users and tickets follow the rename in the same transaction.' })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Validity, { nullable: true })
  valid?: Validity | null;

  @Field(() => String, { nullable: true })
  street?: string | null;

  @Field(() => String, { nullable: true })
  zip?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}
