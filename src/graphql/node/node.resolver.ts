import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { CustomerRecord, CustomerUserRecord } from '../../domain/records';
import type { TicketRecord } from '../../domain/tickets';
import { decodeGlobalId } from '../common/global-id';
import type { Context } from '../context';
import { Node } from './node.type';

type NodeRecord = CustomerRecord | CustomerUserRecord | TicketRecord;

/** The largest `nodes(ids:)` list. */
const MAX_IDS = 100;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'The record with this global id, or null.' })
  node(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'A global id (the `id` of a Node).' }) id: string): Promise<NodeRecord | null> {
    return loadNode(ctx, id);
  }

  @Query(() => [Node], { nullable: 'items', description: 'The records with these global ids, in the same order; null for an unknown id.' })
  nodes(@Ctx() ctx: Context, @Arg('ids', () => [ID], { description: `Global ids, at most ${MAX_IDS}.` }) ids: string[]): Promise<(NodeRecord | null)[]> {
    return Promise.all(ids.slice(0, MAX_IDS).map((id) => loadNode(ctx, id)));
  }
}

/** One node through the per-request loaders (so a list of ids costs the round trips of one). */
function loadNode(ctx: Context, id: string): Promise<NodeRecord | null> {
  const target = decodeGlobalId(id);
  if (target === null) return Promise.resolve(null);
  switch (target.type) {
    case 'Ticket':
      return ctx.loaders.ticketById.load(target.ticketId);
    case 'Customer':
      return ctx.loaders.customerByStableId.load({ sourceId: target.sourceId, stableId: target.stableId });
    case 'CustomerUser':
      return ctx.loaders.customerUserByStableId.load({ sourceId: target.sourceId, stableId: target.stableId });
  }
}
