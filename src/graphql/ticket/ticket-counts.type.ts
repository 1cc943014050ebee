import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('TicketCounts', {
  description: `Ticket counts of a customer or customer user. \`open\` counts NEW, OPEN and PENDING_REMINDER
tickets; \`closed\` counts all others. \`escalated\` counts open tickets whose escalation time has
passed; \`pendingReminder\` counts PENDING_REMINDER tickets whatever their reminder time.`,
})
export class TicketCountsType {
  @Field(() => Int) open!: number;
  @Field(() => Int) closed!: number;
  @Field(() => Int) escalated!: number;
  @Field(() => Int) pendingReminder!: number;
  @Field(() => Int) total!: number;
}
