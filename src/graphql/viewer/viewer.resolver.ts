import { Ctx, Query, Resolver } from 'type-graphql';
import type { Caller } from '../../auth/caller';
import type { TicketScope } from '../../domain/ticket-scope';
import type { Context } from '../context';
import { Viewer } from './viewer.type';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'The caller.' })
  viewer(@Ctx() ctx: Context): Viewer {
    if (!ctx.caller) throw new Error('viewer: the request is not authenticated');
    return viewerOf(ctx.caller);
  }
}

/** The viewer of an authenticated caller: its queues as configured or claimed, else as its agent's scope names them. */
export function viewerOf(caller: Caller): Viewer {
  return {
    name: caller.name,
    role: caller.role,
    via: caller.via,
    queues: caller.queues ?? queuesOf(caller.scope),
    agentLogin: caller.agentLogin,
  };
}

/** The queue names of a scope resolved by the ticket store (a Znuny agent's): null for every queue. */
function queuesOf(scope: TicketScope): readonly string[] | null {
  switch (scope.kind) {
    case 'all':
      return null;
    case 'queues':
      return scope.patterns;
    case 'queueIds':
      return scope.names ?? [];
  }
}
