import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../../domain/records';
import type { TicketRecord, TicketStateType as StateType } from '../../domain/tickets';
import { LazyConnection } from '../common/connection';
import { selectsSubfield } from '../common/selection';
import { TicketStateType, Validity } from '../common/enums';
import { customerUserSortKey } from '../../domain/sort-keys';
import { encodeGlobalId } from '../common/global-id';
import { SourceRecordResolver } from '../common/source-record.resolver';
import { PAGE_SIZES, PageArgs, PageSize, pageRequest, searchFilter, SHAPES, validityFilter } from '../common/page-args';
import { mergedConnection } from '../data-source/merged-list';
import type { Context } from '../context';
import { Customer } from '../customer/customer.type';
import { primeCustomerUsers } from '../loaders';
import { TicketCounts, ticketCountsOf, type TicketCountsOf } from '../ticket/ticket-counts.type';
import { ticketConnection } from '../ticket/ticket-lists';
import { TicketConnection } from '../ticket/ticket.type';
import { CreateCustomerUserInput, UpdateCustomerUserInput } from './customer-user.input';
import { CustomerUser, CustomerUserConnection } from './customer-user.type';

@Resolver(() => CustomerUser)
export class CustomerUserResolver extends SourceRecordResolver(CustomerUser, 'customerUsers', 'customer user') {
  @Query(() => CustomerUser, {
    nullable: true,
    description: 'Lookup by login, ignoring case, across all data sources; the first source in configuration order wins.',
  })
  customerUser(@Ctx() ctx: Context, @Arg('login', () => ID, { description: 'The login, any case.' }) login: string): Promise<CustomerUserRecord | null> {
    return ctx.loaders.customerUser.load(idKey(login));
  }

  @PageSize(PAGE_SIZES.customerUsers)
  @Query(() => CustomerUserConnection, {
    description:
      'Customer users of all sources, by last name, first name, login. `search` matches a case-insensitive substring of login, email, first or last name, taken literally. Without `valid`, only VALID users.',
  })
  async customerUsers(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('search', () => String, { nullable: true, description: 'A literal substring of the login, e-mail, first or last name (case-insensitive; names also accent-insensitive).' }) search: string | null,
    @Arg('customerId', () => ID, { nullable: true, description: 'Only the users having this customer id among theirs.' }) customerId: string | null,
    @Arg('valid', () => [Validity], { nullable: true, description: 'Validities to list; default VALID only.' }) valid: Validity[] | null,
    @Arg('dataSource', () => ID, { nullable: true, description: 'Only the customer users of this data source.' }) dataSource: string | null,
    @Args() args: PageArgs,
  ): Promise<LazyConnection<CustomerUserRecord>> {
    const page = pageRequest(args, { size: PAGE_SIZES.customerUsers, max: ctx.app.config.limits.maxPageSize, shape: SHAPES.customerUser });
    const query = { ...page, search: searchFilter(search), valid: validityFilter(valid), customerId: customerId ?? null };
    const result = await ctx.app.sources.listCustomerUsers(query, dataSource ?? null);
    primeCustomerUsers(ctx.loaders, result.nodes);
    return mergedConnection(ctx, info, result, customerUserSortKey);
  }

  @Mutation(() => CustomerUser, { description: 'Creates a customer user in a writable data source (agent role).' })
  async createCustomerUser(
    @Ctx() ctx: Context,
    @Arg('input', () => CreateCustomerUserInput, { description: 'The new customer user.' }) input: CreateCustomerUserInput,
  ): Promise<CustomerUserRecord> {
    const created = await ctx.app.customerUsers.create({ ...input });
    primeCustomerUsers(ctx.loaders, [created]);
    return created;
  }

  @Mutation(() => CustomerUser, { description: 'Changes a customer user of a writable data source (agent role), including their customer ids.' })
  async updateCustomerUser(
    @Ctx() ctx: Context,
    @Arg('login', () => ID, { description: 'The login of the customer user to change, any case.' }) login: string,
    @Arg('input', () => UpdateCustomerUserInput, { description: 'The fields to change.' }) input: UpdateCustomerUserInput,
  ): Promise<CustomerUserRecord> {
    const updated = await ctx.app.customerUsers.update(login, { ...input });
    ctx.loaders.customerUser.clear(idKey(login)).prime(idKey(login), updated);
    return updated;
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (see Node); not the login.' })
  id(@Root() u: CustomerUserRecord, @Ctx() ctx: Context): string {
    return encodeGlobalId({ type: 'CustomerUser', sourceId: u.sourceId, stableId: u.stableId }, ctx.app.encodings);
  }

  @FieldResolver(() => String, { description: 'Title, first and last name joined with single spaces.' })
  fullName(@Root() u: CustomerUserRecord): string {
    return [u.title, u.firstName, u.lastName].filter((p) => p && p.trim() !== '').join(' ').replace(/\s+/g, ' ');
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The primary customer, when a customer record exists for customerId.' })
  customer(@Root() u: CustomerUserRecord, @Ctx() ctx: Context): Promise<CustomerRecord | null> {
    return ctx.loaders.customer.load(idKey(u.customerId));
  }

  @FieldResolver(() => TicketCounts, { description: "The ticket counts of the customer user's own tickets." })
  ticketCounts(@Root() u: CustomerUserRecord, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<TicketCountsOf> {
    if (selectsSubfield(info, 'escalated')) ctx.loaders.hintEscalated('customerUser');
    const key = u.login;
    return ctx.loaders.customerUserTicketCounts.load(key).then((counts) => ticketCountsOf(counts, 'customerUser', key));
  }

  @PageSize(PAGE_SIZES.tickets)
  @FieldResolver(() => TicketConnection, { description: 'The tickets of the customer user, the newest first, optionally restricted to some state types.' })
  tickets(
    @Root() u: CustomerUserRecord,
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('stateTypes', () => [TicketStateType], { nullable: true, description: 'Only tickets of these state types; all when not given.' }) stateTypes: StateType[] | null,
  ): LazyConnection<TicketRecord> {
    return ticketConnection(ctx, 'customerUser', u.login, 'all', { page, defaultSize: PAGE_SIZES.tickets, stateTypes });
  }
}
