import { ticketListKey, type TicketCounts, TicketListKind, TicketOwner, TicketRecord, TicketStateType } from '../../domain/tickets';
import type { Loaders } from '../loaders';
import { LazyConnection } from '../common/connection';
import { PageArgs, pageRequest, SHAPES } from '../common/page-args';
import type { Context } from '../context';

/** Arguments of the ticket list fields. */
export interface TicketListArgs {
  readonly page: PageArgs;
  readonly defaultSize: number;
  readonly stateTypes?: readonly TicketStateType[] | null;
  readonly reachedOnly?: boolean | null;
}

/**
 * A ticket list of a customer or customer user through the per-request loaders: the page from
 * the batched list loader, the total from the batched counts (the two agree by definition).
 */
export function ticketConnection(
  ctx: Context,
  owner: TicketOwner,
  ownerId: string,
  kind: TicketListKind,
  args: TicketListArgs,
): LazyConnection<TicketRecord> {
  const page = pageRequest(args.page, {
    size: args.defaultSize,
    max: ctx.app.config.limits.maxPageSize,
    shape: SHAPES.ticket,
  });
  const stateTypes = args.stateTypes == null ? null : [...new Set(args.stateTypes)].sort();
  const reachedOnly = args.reachedOnly ?? false;
  const counts = owner === 'customer' ? ctx.loaders.customerTicketCounts : ctx.loaders.customerUserTicketCounts;
  // As the owner's record spells it: a store that compares exactly (Znuny on PostgreSQL) needs the spelling.
  const key = ownerId;
  return new LazyConnection(
    ctx.app.encodings,
    () => ctx.loaders.ticketList.load({ ...page, owner, ownerId: key, kind, stateTypes, reachedOnly }),
    () => counts.load(key).then((c) => totalOf(ctx.loaders, owner, key, c, kind, stateTypes, reachedOnly)),
    (t) => ticketListKey(kind, t),
  );
}

/** The total of a list from the owner's counts; a count they lack is asked of its own loader. */
async function totalOf(
  loaders: Loaders,
  owner: TicketOwner,
  key: string,
  c: TicketCounts,
  kind: TicketListKind,
  stateTypes: readonly TicketStateType[] | null,
  reachedOnly: boolean,
): Promise<number> {
  switch (kind) {
    case 'escalated':
      return c.escalated ?? loaders.escalatedCounts[owner].load(key);
    case 'reminder':
      return reachedOnly ? (c.reminderReached ?? loaders.reminderReachedCounts[owner].load(key)) : c.pendingReminder;
    case 'open':
      return c.open;
    case 'all': {
      if (stateTypes === null) return c.total;
      const by = c.byStateType ?? (await loaders.stateTypeCounts[owner].load(key));
      return stateTypes.reduce((sum, t) => sum + (by[t] ?? 0), 0);
    }
  }
}
