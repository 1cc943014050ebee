import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars';

@InputType()
export class CreateTicketInput {
  @Field() title!: string;

  @Field(() => ID, {
    nullable: true,
    description: "The customer user the ticket is for; the ticket's customer is their primary customer unless customerId is given.",
  })
  customerUserLogin?: string | null;

  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => String, { nullable: true, defaultValue: 'new' }) state?: string | null;
  @Field(() => String, { nullable: true, defaultValue: '3 normal' }) priority?: string | null;
  @Field(() => String, { nullable: true, defaultValue: 'Raw' }) queue?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Required for pending states.' }) pendingUntil?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) escalationAt?: Date | null;
}

@InputType()
export class UpdateTicketInput {
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true }) priority?: string | null;
  @Field(() => String, { nullable: true }) queue?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) pendingUntil?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) escalationAt?: Date | null;
}
