import { Field, Int, ObjectType } from 'type-graphql';
import type * as domain from '../../domain/tickets';

@ObjectType('TicketCounts', {
  simpleResolvers: true,
  description: `Ticket counts of a customer or customer user. \`open\` counts NEW, OPEN and PENDING_REMINDER
tickets; \`closed\` counts all others. \`escalated\` counts open tickets whose escalation time has
passed; \`pendingReminder\` counts PENDING_REMINDER tickets whatever their reminder time.`,
})
export class TicketCounts {
  @Field(() => Int, { description: 'NEW, OPEN and PENDING_REMINDER tickets.' }) open!: number;
  @Field(() => Int, { description: 'All tickets that are not open (closed, pending auto close, merged, removed).' }) closed!: number;
  @Field(() => Int, { description: 'PENDING_REMINDER tickets, whatever their reminder time.' }) pendingReminder!: number;
  @Field(() => Int, { description: 'All tickets: open plus closed.' }) total!: number;
}

/** The root value of TicketCounts: an owner's counts and whose they are (to load a count they lack). */
export interface TicketCountsOf extends domain.TicketCounts {
  readonly owner: domain.TicketOwner;
  /** The owner's customer id or login, lower-cased. */
  readonly key: string;
}

/** The root value of an owner's counts, built as one literal (one object shape for every owner). */
export function ticketCountsOf(c: domain.TicketCounts, owner: domain.TicketOwner, key: string): TicketCountsOf {
  return {
    open: c.open,
    closed: c.closed,
    pendingReminder: c.pendingReminder,
    total: c.total,
    escalated: c.escalated,
    reminderReached: c.reminderReached,
    byStateType: c.byStateType,
    owner,
    key,
  };
}
