import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('TicketCounts', {
  simpleResolvers: true,
  description: `Ticket counts of a customer or customer user. \`open\` counts NEW, OPEN and PENDING_REMINDER
tickets; \`closed\` counts all others. \`escalated\` counts open tickets whose escalation time has
passed; \`pendingReminder\` counts PENDING_REMINDER tickets whatever their reminder time.`,
})
export class TicketCounts {
  @Field(() => Int, { description: 'NEW, OPEN and PENDING_REMINDER tickets.' }) open!: number;
  @Field(() => Int, { description: 'All tickets that are not open (closed, pending auto close, merged, removed).' }) closed!: number;
  @Field(() => Int, { description: 'Open tickets whose escalation time has passed.' }) escalated!: number;
  @Field(() => Int, { description: 'PENDING_REMINDER tickets, whatever their reminder time.' }) pendingReminder!: number;
  @Field(() => Int, { description: 'All tickets: open plus closed.' }) total!: number;
}
