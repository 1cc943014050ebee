import { Field, ID, InputType } from 'type-graphql';
import { Validity } from '../common/enums';

@InputType({ description: 'A new customer. Strings are trimmed; a failed field is named in extensions.field of BAD_USER_INPUT.' })
export class CreateCustomerInput {
  @Field(() => ID, { description: 'The data source to store the customer in; must be writable.' })
  dataSource!: string;

  @Field(() => ID, {
    description: 'The internal name (OTRS CustomerID): 1 to 150 letters, digits, spaces and . _ - @ & + /, no leading or trailing space; unique across all sources, ignoring case.',
  })
  customerId!: string;

  @Field({ description: 'The full name, usually the company name; at most 191 characters, unique within the data source.' })
  name!: string;

  @Field(() => Validity, { nullable: true, defaultValue: Validity.VALID, description: 'Validity of the new customer; VALID unless given.' })
  valid?: Validity | null;

  @Field(() => String, { nullable: true, description: 'Street and house number; at most 200 characters.' })
  street?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code; at most 200 characters.' })
  zip?: string | null;

  @Field(() => String, { nullable: true, description: 'City; at most 200 characters.' })
  city?: string | null;

  @Field({ description: 'ISO 3166-1 alpha-2 code, any case; stored upper case.' })
  country!: string;

  @Field(() => String, { nullable: true, description: 'Web site: an absolute http or https URL.' })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text note for agents; at most 250 characters.' })
  comment?: string | null;
}

@InputType({ description: 'Only the fields given are changed; null clears an optional field.' })
export class UpdateCustomerInput {
  @Field(() => ID, { nullable: true, description: 'A new customer id: customer users and tickets follow the rename in the same transaction.' })
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: 'A new full name; at most 191 characters, unique within the data source. Cannot be cleared.' })
  name?: string | null;

  @Field(() => Validity, { nullable: true, description: 'A new validity. Cannot be cleared.' })
  valid?: Validity | null;

  @Field(() => String, { nullable: true, description: 'Street and house number; at most 200 characters.' })
  street?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code; at most 200 characters.' })
  zip?: string | null;

  @Field(() => String, { nullable: true, description: 'City; at most 200 characters.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code, any case; stored upper case. Cannot be cleared.' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Web site: an absolute http or https URL.' })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'Free-text note for agents; at most 250 characters.' })
  comment?: string | null;
}
