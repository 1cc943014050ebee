import { Field, ID, InputType } from 'type-graphql';
import { Validity } from '../common/enums';

@InputType({ description: 'A new customer user. Strings are trimmed; a failed field is named in extensions.field of BAD_USER_INPUT.' })
export class CreateCustomerUserInput {
  @Field(() => ID, { description: 'The data source to store the customer user in; must be writable.' }) dataSource!: string;
  @Field(() => ID, { description: 'The login: at most 191 characters, unique across all sources, ignoring case.' }) login!: string;
  @Field({ description: 'E-mail address; at most 191 characters.' }) email!: string;
  @Field(() => String, { nullable: true, description: "Salutation or title, e.g. 'Dr.'; at most 200 characters." }) title?: string | null;
  @Field({ description: 'First name; at most 191 characters.' }) firstName!: string;
  @Field({ description: 'Last name; at most 191 characters.' }) lastName!: string;
  @Field(() => String, { nullable: true, description: 'Phone number; at most 200 characters.' }) phone?: string | null;
  @Field(() => String, { nullable: true, description: 'Mobile number; at most 200 characters.' }) mobile?: string | null;
  @Field(() => String, { nullable: true, description: 'Street and house number; at most 200 characters.' }) street?: string | null;
  @Field(() => String, { nullable: true, description: 'Postal code; at most 200 characters.' }) zip?: string | null;
  @Field(() => String, { nullable: true, description: 'City; at most 200 characters.' }) city?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code, any case; stored upper case.' }) country?: string | null;
  @Field(() => String, { nullable: true, description: 'Free-text note for agents; at most 250 characters.' }) comment?: string | null;
  @Field(() => Validity, { nullable: true, defaultValue: Validity.VALID, description: 'Validity of the new customer user; VALID unless given.' }) valid?: Validity | null;

  @Field(() => ID, { description: 'The primary customer id; it must name an existing customer.' })
  customerId!: string;

  @Field(() => [ID], { nullable: true, description: 'Further customer ids, each naming an existing customer.' })
  additionalCustomerIds?: string[] | null;
}

@InputType({ description: 'Only the fields given are changed; null clears an optional field.' })
export class UpdateCustomerUserInput {
  @Field(() => String, { nullable: true, description: 'A new e-mail address. Cannot be cleared.' }) email?: string | null;
  @Field(() => String, { nullable: true, description: "Salutation or title, e.g. 'Dr.'." }) title?: string | null;
  @Field(() => String, { nullable: true, description: 'A new first name. Cannot be cleared.' }) firstName?: string | null;
  @Field(() => String, { nullable: true, description: 'A new last name. Cannot be cleared.' }) lastName?: string | null;
  @Field(() => String, { nullable: true, description: 'Phone number.' }) phone?: string | null;
  @Field(() => String, { nullable: true, description: 'Mobile number.' }) mobile?: string | null;
  @Field(() => String, { nullable: true, description: 'Street and house number.' }) street?: string | null;
  @Field(() => String, { nullable: true, description: 'Postal code.' }) zip?: string | null;
  @Field(() => String, { nullable: true, description: 'City.' }) city?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code, any case; stored upper case.' }) country?: string | null;
  @Field(() => String, { nullable: true, description: 'Free-text note for agents; at most 250 characters.' }) comment?: string | null;
  @Field(() => Validity, { nullable: true, description: 'A new validity. Cannot be cleared.' }) valid?: Validity | null;
  @Field(() => ID, { nullable: true, description: 'A new primary customer id; it must name an existing customer. Cannot be cleared.' }) customerId?: string | null;
  @Field(() => [ID], { nullable: true, description: 'Replaces the further customer ids (an empty list clears them); each must name an existing customer.' })
  additionalCustomerIds?: string[] | null;
}
