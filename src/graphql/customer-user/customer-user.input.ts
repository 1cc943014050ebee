import { Field, ID, InputType } from 'type-graphql';
import { Validity } from '../common/enums';

@InputType()
export class CreateCustomerUserInput {
  @Field(() => ID) dataSource!: string;
  @Field(() => ID) login!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field() firstName!: string;
  @Field() lastName!: string;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) mobile?: string | null;
  @Field(() => String, { nullable: true }) street?: string | null;
  @Field(() => String, { nullable: true }) zip?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => String, { nullable: true }) comment?: string | null;
  @Field(() => Validity, { nullable: true, defaultValue: Validity.VALID }) valid?: Validity | null;

  @Field(() => ID, { description: 'The primary customer id; it must name an existing customer.' })
  customerId!: string;

  @Field(() => [ID], { nullable: true, description: 'Further customer ids, each naming an existing customer.' })
  additionalCustomerIds?: string[] | null;
}

@InputType({ description: 'Only the fields given are changed; null clears an optional field.' })
export class UpdateCustomerUserInput {
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) mobile?: string | null;
  @Field(() => String, { nullable: true }) street?: string | null;
  @Field(() => String, { nullable: true }) zip?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => String, { nullable: true }) comment?: string | null;
  @Field(() => Validity, { nullable: true }) valid?: Validity | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => [ID], { nullable: true }) additionalCustomerIds?: string[] | null;
}
