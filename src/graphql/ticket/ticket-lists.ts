import { ticketListKey, type TicketCounts, TicketListKind, TicketOwner, TicketRecord, TicketStateType } from '../../domain/tickets';
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
  const key = ownerId.toLowerCase();
  return new LazyConnection(
    () => ctx.loaders.ticketList.load({ ...page, owner, ownerId: key, kind, stateTypes, reachedOnly }),
    () => counts.load(key).then((c) => totalOf(c, kind, stateTypes, reachedOnly)),
    (t) => ticketListKey(kind, t),
  );
}

function totalOf(c: TicketCounts, kind: TicketListKind, stateTypes: readonly TicketStateType[] | null, reachedOnly: boolean): number {
  switch (kind) {
    case 'escalated':
      return c.escalated;
    case 'reminder':
      return reachedOnly ? c.reminderReached : c.pendingReminder;
    case 'open':
      return c.open;
    case 'all':
      return stateTypes === null ? c.total : stateTypes.reduce((sum, t) => sum + (c.byStateType[t] ?? 0), 0);
  }
}
