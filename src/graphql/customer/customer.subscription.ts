import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { ValidationError } from '../../domain/errors';
import type { CustomerRecord } from '../../domain/records';
import { LiveContext } from '../../live/live-context';
import type { Context } from '../context';
import { Customer } from './customer.type';

/** The live hub of a subscription's context; subscriptions exist only over WebSocket. */
function liveContext(context: Context): LiveContext {
  if (!(context instanceof LiveContext)) {
    throw new ValidationError('operation', 'Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql');
  }
  return context;
}

@Resolver(() => Customer)
export class CustomerSubscriptionResolver {
  @Subscription(() => Customer, {
    description: `Pushes the customer, resolved with the subscription's selection, whenever something its
detail view shows changes: the customer record, its ticket counts and widgets (including an
escalation or reminder time being reached), its customer users. Bursts are coalesced: a push
always carries the latest committed state.`,
    subscribe: ({ args, context }) => {
      const ctx = liveContext(context as Context);
      return ctx.live.watch(ctx, [args.customerId as string], 'one');
    },
  })
  customerChanged(@Root() customer: CustomerRecord, @Ctx() ctx: Context, @Arg('customerId', () => ID, { description: 'The customer to watch (customer id, ignoring case); a rename is followed.' }) _customerId: string): CustomerRecord {
    liveContext(ctx); // a subscription sent over HTTP runs only this resolver: refuse it clearly
    return customer;
  }

  @Subscription(() => Customer, {
    description: 'For a list page: pushes each of these customers whose card (its fields or its ticket counts) changed.',
    subscribe: ({ args, context }) => {
      const ctx = liveContext(context as Context);
      const ids = args.customerIds as string[];
      const max = ctx.app.config.limits.maxPageSize;
      if (ids.length > max) throw new ValidationError('customerIds', `customerIds: at most ${max} customers`);
      return ctx.live.watch(ctx, ids, 'many');
    },
  })
  customersChanged(@Root() customer: CustomerRecord, @Ctx() ctx: Context, @Arg('customerIds', () => [ID], { description: 'The customers to watch (customer ids, ignoring case), e.g. those of the visible list page.' }) _customerIds: string[]): CustomerRecord {
    liveContext(ctx);
    return customer;
  }
}
