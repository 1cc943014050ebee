import { ALL_TICKETS } from '../domain/ticket-scope';
import type { TicketListSpec, TicketStore } from '../domain/tickets';

/** The longest timer Node keeps (about 24.8 days); a later time is looked up again then. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The next time at which a clock-dependent count of each customer changes: the earliest
 * escalation time of an open ticket, or reminder time of a pending-reminder ticket, after `now`
 * (null: none within the timer horizon). One `lists` call (one statement) for any number of
 * customers: the first row of each list after the key `(now, ∞)`. Over every ticket, whoever
 * watches: a time of a ticket outside a watcher's scope runs its view again, which is unchanged and
 * not sent after the subscription's first push (src/live/shared-execution.ts).
 */
export async function nextClockTimes(tickets: TicketStore, customerKeys: readonly string[], now: number): Promise<(number | null)[]> {
  if (customerKeys.length === 0) return [];
  const horizon = now + MAX_TIMER_MS;
  const window = { after: [now, Number.MAX_SAFE_INTEGER], before: null, size: 1, backward: false, stateTypes: null, reachedOnly: false } as const;
  const specs: TicketListSpec[] = customerKeys.flatMap((ownerId) => [
    { ...window, owner: 'customer' as const, ownerId, kind: 'escalated' as const },
    { ...window, owner: 'customer' as const, ownerId, kind: 'reminder' as const },
  ]);
  // `now` of the escalated list bounds escalation times from above: the horizon.
  const slices = await tickets.lists(specs, new Date(horizon), ALL_TICKETS);
  return customerKeys.map((_, i) => {
    const escalation = slices[2 * i]!.nodes[0]?.escalationAt?.getTime() ?? Infinity;
    const reminder = slices[2 * i + 1]!.nodes[0]?.pendingUntil?.getTime() ?? Infinity;
    const next = Math.min(escalation, reminder);
    return next <= horizon ? next : null;
  });
}
