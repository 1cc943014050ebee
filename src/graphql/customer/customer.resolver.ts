import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../../domain/records';
import type { CountHints, TicketRecord, TicketStateType as StateType } from '../../domain/tickets';
import { LazyConnection } from '../common/connection';
import { fieldsAt, selectsSubfield } from '../common/selection';
import { TicketStateType, Validity } from '../common/enums';
import { encodeGlobalId } from '../common/global-id';
import { SourceRecordResolver } from '../common/source-record.resolver';
import { PAGE_SIZES, PageArgs, PageSize, pageRequest, searchFilter, SHAPES, validityFilter } from '../common/page-args';
import { lazyMergedConnection, mergedConnection } from '../data-source/merged-list';
import { customerSortKey, customerUserSortKey } from '../../domain/sort-keys';
import type { Context } from '../context';
import { CustomerUserConnection } from '../customer-user/customer-user.type';
import { primeCustomers } from '../loaders';
import { TicketCounts, ticketCountsOf, type TicketCountsOf } from '../ticket/ticket-counts.type';
import { ticketConnection } from '../ticket/ticket-lists';
import { TicketConnection } from '../ticket/ticket.type';
import { customerLinks, mapUrl } from './customer-links';
import { CreateCustomerInput, UpdateCustomerInput } from './customer.input';
import { Customer, CustomerConnection, Link } from './customer.type';

@Resolver(() => Customer)
export class CustomerResolver extends SourceRecordResolver(Customer, 'customers', 'customer') {
  @Query(() => Customer, {
    nullable: true,
    description: 'Lookup by customer id, ignoring case as OTRS does, across all data sources; the first source in configuration order wins.',
  })
  customer(@Ctx() ctx: Context, @Arg('customerId', () => ID, { description: 'The customer id (OTRS CustomerID), any case.' }) customerId: string): Promise<CustomerRecord | null> {
    return ctx.loaders.customer.load(idKey(customerId));
  }

  @PageSize(PAGE_SIZES.customers)
  @Query(() => CustomerConnection, {
    description: `Customers of all sources merged, ordered by name then customerId. \`search\` matches a
case-insensitive substring of customerId or name, taken literally. Without \`valid\`, only VALID
customers are listed.`,
  })
  async customers(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('search', () => String, { nullable: true, description: 'A literal substring of the customer id or the name (case- and accent-insensitive).' }) search: string | null,
    @Arg('valid', () => [Validity], { nullable: true, description: 'Validities to list; default VALID only.' }) valid: Validity[] | null,
    @Arg('dataSource', () => ID, { nullable: true, description: 'Only the customers of this data source.' }) dataSource: string | null,
    @Args() args: PageArgs,
  ): Promise<LazyConnection<CustomerRecord>> {
    const page = pageRequest(args, { size: PAGE_SIZES.customers, max: ctx.app.config.limits.maxPageSize, shape: SHAPES.customer });
    const query = { ...page, search: searchFilter(search), valid: validityFilter(valid) };
    const result = await ctx.loaders.listCustomers(query, dataSource ?? null, countsRead(info));
    return mergedConnection(ctx, info, result, customerSortKey);
  }

  @Mutation(() => Customer, { description: 'Creates a customer in a writable data source (agent role).' })
  async createCustomer(@Ctx() ctx: Context, @Arg('input', () => CreateCustomerInput, { description: 'The new customer.' }) input: CreateCustomerInput): Promise<CustomerRecord> {
    const created = await ctx.app.customers.create({ ...input });
    primeCustomers(ctx.loaders, [created]);
    return created;
  }

  @Mutation(() => Customer, {
    description: 'Changes a customer of a writable data source (agent role), including a rename of its customer id; its global id stays the same.',
  })
  async updateCustomer(
    @Ctx() ctx: Context,
    @Arg('customerId', () => ID, { description: 'The current customer id of the customer to change, any case.' }) customerId: string,
    @Arg('input', () => UpdateCustomerInput, { description: 'The fields to change.' }) input: UpdateCustomerInput,
  ): Promise<CustomerRecord> {
    const updated = await ctx.app.customers.update(customerId, { ...input });
    ctx.loaders.customer.clear(idKey(customerId));
    ctx.loaders.customer.clear(idKey(updated.customerId)).prime(idKey(updated.customerId), updated);
    return updated;
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (see Node); not the customer id.' })
  id(@Root() c: CustomerRecord, @Ctx() ctx: Context): string {
    return encodeGlobalId({ type: 'Customer', sourceId: c.sourceId, stableId: c.stableId }, ctx.app.encodings);
  }

  @FieldResolver(() => TicketCounts, { description: "The customer's ticket counts (all its tickets, whichever customer user they are for)." })
  ticketCounts(@Root() c: CustomerRecord, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<TicketCountsOf> {
    if (selectsSubfield(info, 'escalated')) ctx.loaders.hintEscalated('customer');
    const key = c.customerId;
    return ctx.loaders.customerTicketCounts.load(key).then((counts) => ticketCountsOf(counts, 'customer', key));
  }

  @PageSize(PAGE_SIZES.widgets)
  @FieldResolver(() => TicketConnection, {
    description: 'Open tickets past their escalation time, the most overdue first. totalCount equals ticketCounts.escalated.',
  })
  escalatedTickets(
    @Root() c: CustomerRecord,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
  ): LazyConnection<TicketRecord> {
    return ticketConnection(ctx, 'customer', c.customerId, 'escalated', { page, defaultSize: PAGE_SIZES.widgets });
  }

  @PageSize(PAGE_SIZES.widgets)
  @FieldResolver(() => TicketConnection, {
    description: 'PENDING_REMINDER tickets, the soonest reminder first; reachedOnly keeps those whose reminder time has passed.',
  })
  reminderTickets(
    @Root() c: CustomerRecord,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('reachedOnly', () => Boolean, { nullable: true, defaultValue: false, description: 'Only the tickets whose reminder time has passed.' }) reachedOnly: boolean | null,
  ): LazyConnection<TicketRecord> {
    return ticketConnection(ctx, 'customer', c.customerId, 'reminder', { page, defaultSize: PAGE_SIZES.widgets, reachedOnly });
  }

  @PageSize(PAGE_SIZES.widgets)
  @FieldResolver(() => TicketConnection, {
    description: 'NEW, OPEN and PENDING_REMINDER tickets, the newest first. totalCount equals ticketCounts.open.',
  })
  openTickets(
    @Root() c: CustomerRecord,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
  ): LazyConnection<TicketRecord> {
    return ticketConnection(ctx, 'customer', c.customerId, 'open', { page, defaultSize: PAGE_SIZES.widgets });
  }

  @PageSize(PAGE_SIZES.tickets)
  @FieldResolver(() => TicketConnection, {
    description: 'All tickets of the customer, the newest first, optionally restricted to some state types.',
  })
  tickets(
    @Root() c: CustomerRecord,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('stateTypes', () => [TicketStateType], { nullable: true, description: 'Only tickets of these state types; all when not given.' }) stateTypes: StateType[] | null,
  ): LazyConnection<TicketRecord> {
    return ticketConnection(ctx, 'customer', c.customerId, 'all', { page, defaultSize: PAGE_SIZES.tickets, stateTypes });
  }

  @PageSize(PAGE_SIZES.usersOfCustomer)
  @FieldResolver(() => CustomerUserConnection, {
    description: 'Customer users whose customer ids include this customer, by last name, first name, login. Without `valid`, only VALID users.',
  })
  customerUsers(
    @Root() c: CustomerRecord,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Args() args: PageArgs,
    @Arg('valid', () => [Validity], { nullable: true, description: 'Validities to list; default VALID only.' }) valid: Validity[] | null,
  ): LazyConnection<CustomerUserRecord> {
    const page = pageRequest(args, { size: PAGE_SIZES.usersOfCustomer, max: ctx.app.config.limits.maxPageSize, shape: SHAPES.customerUser });
    const counts = countsRead(info);
    const load = () =>
      ctx.loaders.customerUsersOfCustomer.load({ ...page, customerId: idKey(c.customerId), valid: validityFilter(valid), ...(counts && { counts }) });
    return lazyMergedConnection(ctx, info, load, customerUserSortKey);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Link to the customer's address on the configured map; null when the customer has neither street nor city.",
  })
  mapUrl(@Root() c: CustomerRecord, @Ctx() ctx: Context): string | null {
    return mapUrl(ctx.app.config, c);
  }

  @FieldResolver(() => [Link], { description: 'The web, map and social links of the information card, as configured.' })
  links(@Root() c: CustomerRecord, @Ctx() ctx: Context): Link[] {
    return customerLinks(ctx.app.config, c);
  }
}

/**
 * Whether a list's rows (customers, or a customer's users) read their ticket counts
 * (`nodes { ticketCounts }` or `edges { node { ticketCounts } }`), and `escalated` among them:
 * then the loaders may have them read with the page (see `Loaders.listCustomers`).
 */
function countsRead(info: GraphQLResolveInfo): CountHints | null {
  // Paths walked once per document (fieldsAt keeps its answers by the field nodes).
  const selects = (...path: string[]) => fieldsAt(info, ['nodes', ...path]).length > 0 || fieldsAt(info, ['edges', 'node', ...path]).length > 0;
  if (!selects('ticketCounts')) return null;
  return selects('ticketCounts', 'escalated') ? WITH_ESCALATED : WITHOUT_ESCALATED;
}

const WITH_ESCALATED: CountHints = Object.freeze({ escalated: true });
const WITHOUT_ESCALATED: CountHints = Object.freeze({ escalated: false });
