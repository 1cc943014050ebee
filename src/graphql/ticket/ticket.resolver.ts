import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { encodeGlobalId } from '../common/global-id';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../../domain/records';
import { isOpenType, type TicketRecord } from '../../domain/tickets';
import type { Context } from '../context';
import { CustomerUser } from '../customer-user/customer-user.type';
import { Customer } from '../customer/customer.type';
import { CreateTicketInput, UpdateTicketInput } from './ticket.input';
import { Ticket } from './ticket.type';

@Resolver(() => Ticket)
export class TicketResolver {
  @Query(() => Ticket, { nullable: true, description: 'Lookup by ticket number; null when no ticket has it, or it is outside the queues the caller sees.' })
  async ticket(@Ctx() ctx: Context, @Arg('number', () => String, { description: 'The ticket number.' }) number: string): Promise<TicketRecord | null> {
    const [found] = await ctx.app.tickets.byNumbers([number], ctx.scope);
    return found ?? null;
  }

  @Mutation(() => Ticket, { description: 'Creates a ticket for a customer user or a customer (agent role). The counts of both follow at once.' })
  createTicket(@Ctx() ctx: Context, @Arg('input', () => CreateTicketInput, { description: 'The new ticket.' }) input: CreateTicketInput): Promise<TicketRecord> {
    return ctx.app.ticketService.create({ ...input }, ctx.now, ctx.scope);
  }

  @Mutation(() => Ticket, { description: 'Changes a ticket (agent role): title, state, priority, queue, pending and escalation times.' })
  updateTicket(
    @Ctx() ctx: Context,
    @Arg('number', () => String, { description: 'The number of the ticket to change.' }) number: string,
    @Arg('input', () => UpdateTicketInput, { description: 'The fields to change.' }) input: UpdateTicketInput,
  ): Promise<TicketRecord> {
    return ctx.app.ticketService.update(number, { ...input }, ctx.now, ctx.scope);
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (see Node); not the ticket number.' })
  id(@Root() t: TicketRecord, @Ctx() ctx: Context): string {
    return encodeGlobalId({ type: 'Ticket', ticketId: t.id }, ctx.app.encodings);
  }

  @FieldResolver(() => Customer, { nullable: true, description: "The ticket's customer; null when it has none or the customer no longer exists." })
  customer(@Root() t: TicketRecord, @Ctx() ctx: Context): Promise<CustomerRecord | null> | null {
    return t.customerId === null ? null : ctx.loaders.customer.load(idKey(t.customerId));
  }

  @FieldResolver(() => CustomerUser, { nullable: true, description: "The ticket's customer user; null when it has none or the customer user no longer exists." })
  customerUser(@Root() t: TicketRecord, @Ctx() ctx: Context): Promise<CustomerUserRecord | null> | null {
    return t.customerUserLogin === null ? null : ctx.loaders.customerUser.load(idKey(t.customerUserLogin));
  }

  @FieldResolver(() => Boolean, { description: 'True when the ticket is open and escalationAt has passed.' })
  escalated(@Root() t: TicketRecord, @Ctx() ctx: Context): boolean {
    return isOpenType(t.stateType) && t.escalationAt !== null && t.escalationAt.getTime() <= ctx.now.getTime();
  }
}
