import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars';

@InputType({ description: 'A new ticket, for a customer user or a customer (at least one of customerUserLogin and customerId).' })
export class CreateTicketInput {
  @Field({ description: 'The subject line; at most 200 characters.' }) title!: string;

  @Field(() => ID, {
    nullable: true,
    description: "The customer user the ticket is for; the ticket's customer is their primary customer unless customerId is given.",
  })
  customerUserLogin?: string | null;

  @Field(() => ID, { nullable: true, description: "The ticket's customer; it must exist. Without it, the customer user's primary customer." }) customerId?: string | null;
  @Field(() => String, { nullable: true, defaultValue: 'new', description: "One of the OTRS ticket states, e.g. 'new', 'open', 'pending reminder'." }) state?: string | null;
  @Field(() => String, { nullable: true, defaultValue: '3 normal', description: "The priority, e.g. '3 normal'." }) priority?: string | null;
  @Field(() => String, { nullable: true, defaultValue: 'Raw', description: 'The queue the ticket is filed in.' }) queue?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Required for pending states.' }) pendingUntil?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the ticket escalates; none when not given.' }) escalationAt?: Date | null;
}

@InputType({ description: 'Only the fields given are changed; null clears an optional field.' })
export class UpdateTicketInput {
  @Field(() => String, { nullable: true, description: 'A new subject line. Cannot be cleared.' }) title?: string | null;
  @Field(() => String, { nullable: true, description: 'A new OTRS ticket state; a pending state needs pendingUntil. Cannot be cleared.' }) state?: string | null;
  @Field(() => String, { nullable: true, description: 'A new priority. Cannot be cleared.' }) priority?: string | null;
  @Field(() => String, { nullable: true, description: 'A new queue. Cannot be cleared.' }) queue?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'The reminder or auto-close time of a pending state.' }) pendingUntil?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the ticket escalates; null removes the escalation.' }) escalationAt?: Date | null;
}
