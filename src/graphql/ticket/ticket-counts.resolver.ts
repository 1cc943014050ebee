import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { TicketCounts, type TicketCountsOf } from './ticket-counts.type';

@Resolver(() => TicketCounts)
export class TicketCountsResolver {
  /** Read with the other counts when the selection asked for it (see `hintEscalated`), else by its own loader. */
  @FieldResolver(() => Int, { description: 'Open tickets whose escalation time has passed.' })
  escalated(@Root() c: TicketCountsOf, @Ctx() ctx: Context): number | Promise<number> {
    return c.escalated ?? ctx.loaders.escalatedCounts[c.owner].load(c.key);
  }
}
