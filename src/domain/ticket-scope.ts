/**
 * Which tickets a caller may see, computed once per request at authentication and handed to
 * every read of the ticket store, which puts it into the SQL of the statement (never a filter
 * over rows already read). Customers and customer users are not restricted.
 */
export type TicketScope =
  | { readonly kind: 'all' }
  /**
   * Tickets of these queues, by name: a pattern is a queue name (compared exactly, case
   * included) or ends with `*`, which matches the rest of a queue path (`Sales::*` matches
   * `Sales::Europe` and `Sales::Europe::North`, not `Sales`; `*` alone matches every queue).
   * No pattern: no ticket.
   */
  | { readonly kind: 'queues'; readonly patterns: readonly string[] }
  /**
   * Tickets of these queue ids, resolved by a store that knows agent permissions (Znuny). A
   * store without queue ids sees none of its tickets under such a scope. `names`, when the store
   * gives them, are the queues' names for `viewer.queues` only; the ids decide.
   */
  | { readonly kind: 'queueIds'; readonly ids: readonly number[]; readonly names?: readonly string[] };

/** Every ticket: the scope of a caller without restrictions. */
export const ALL_TICKETS: TicketScope = Object.freeze({ kind: 'all' });

/** No ticket at all (an unknown or invalid Znuny agent, a signed-in user without queues). */
export const NO_TICKETS: TicketScope = Object.freeze({ kind: 'queues', patterns: Object.freeze([]) as readonly string[] });

/**
 * A stable key of a scope, equal for scopes that show the same tickets however they were
 * written (order and duplicates do not matter), different otherwise: for cache keys, shared
 * subscription executions and coalesced pushes.
 */
export function scopeKey(scope: TicketScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'queues': {
      const { exact, prefixes } = queuePatterns(scope.patterns);
      if (prefixes.includes('')) return 'all';
      return `q:${JSON.stringify([exact, prefixes])}`;
    }
    case 'queueIds':
      return `id:${[...new Set(scope.ids)].sort((a, b) => a - b).join(',')}`;
  }
}

/** A queue scope's patterns split into exact names and path prefixes (a pattern's part before its trailing `*`), each sorted and without duplicates. */
export interface QueuePatterns {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
}

/** Splits patterns into exact names and prefixes (see {@link TicketScope}); what a store binds into its SQL. */
export function queuePatterns(patterns: readonly string[]): QueuePatterns {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const p of patterns) {
    if (p.endsWith('*')) prefixes.add(p.slice(0, -1));
    else exact.add(p);
  }
  // A name already covered by a prefix adds nothing.
  const covered = (name: string) => [...prefixes].some((prefix) => name.startsWith(prefix));
  return { exact: [...exact].filter((n) => !covered(n)).sort(), prefixes: [...prefixes].sort() };
}

/**
 * Whether a ticket of `queue` is visible under `scope` as far as names can tell: for the queue of
 * a ticket being written (createTicket, updateTicket's new queue), never to filter rows read.
 * A 'queueIds' scope cannot be judged by name: false.
 */
export function queueInScope(scope: TicketScope, queue: string): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'queues': {
      const { exact, prefixes } = queuePatterns(scope.patterns);
      return exact.includes(queue) || prefixes.some((prefix) => queue.startsWith(prefix));
    }
    case 'queueIds':
      return false;
  }
}

/** Whether a string is a valid queue pattern (a name, optionally ending with `*`, no other `*`). */
export function isQueuePattern(pattern: string): boolean {
  return pattern.length > 0 && pattern.length <= 200 && !pattern.slice(0, -1).includes('*') && !/[\u0000-\u001f]/.test(pattern);
}
