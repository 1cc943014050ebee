import { keptCounts, OPEN_STATE_TYPES, type TicketCounts, type TicketOwner } from '../../src/domain/tickets';
import { queuePatterns, type TicketScope } from '../../src/domain/ticket-scope';

// The SQL of an owner's ticket counts over the helpdesk's ticket tables (`ticket`, the kept
// `ticket_count` and `ticket_due` rows) and the fragments it is built from: the open state types,
// the owner columns, a scope's condition, the clock-dependent sums. The ticket store's statements
// and the data source's pages with counts (`countsWithPages`) both build on this module, so a
// page's counts are the store's counts by construction; neither of the two imports the other.

/** The open state types (src/domain/tickets.ts) as an SQL list. */
export const OPEN_TYPES_SQL = OPEN_STATE_TYPES.map((t) => `'${t}'`).join(', ');

/** The ticket column naming each kind of owner. */
export const OWNER_COLUMN: Record<TicketOwner, string> = { customer: 'customer_key', customerUser: 'customer_user_key' };

/** The bucket of `ticket_due`, in milliseconds. */
const HOUR = 3_600_000;

/**
 * A scope as an SQL condition on the ticket rows of `alias`, with its named parameters (queue
 * names and prefixes bound as JSON arrays, so that the statement text depends on the kinds of
 * patterns only); null for every ticket (the statement stays as it is without a scope). Queue
 * names compare exactly; a prefix matches the names that start with it. The helpdesk database
 * has no queue ids: a 'queueIds' scope sees none of its tickets.
 */
export function scopeSql(scope: TicketScope, alias: string): { sql: string; params: Record<string, string> } | null {
  if (scope.kind === 'all') return null;
  if (scope.kind === 'queueIds') return { sql: '0', params: {} };
  const { exact, prefixes } = queuePatterns(scope.patterns);
  const parts: string[] = [];
  const params: Record<string, string> = {};
  if (exact.length > 0) {
    parts.push(`${alias}.queue IN (SELECT value FROM json_each(@scope_exact))`);
    params.scope_exact = JSON.stringify(exact);
  }
  if (prefixes.length > 0) {
    parts.push(`EXISTS (SELECT 1 FROM json_each(@scope_prefix) sp WHERE substr(${alias}.queue, 1, length(sp.value)) = sp.value)`);
    params.scope_prefix = JSON.stringify(prefixes);
  }
  return { sql: parts.length === 0 ? '0' : `(${parts.join(' OR ')})`, params };
}

/** `AND` and the scope's condition on `alias`, or nothing for every ticket. */
export function andScope(scope: TicketScope, alias: string): string {
  const s = scopeSql(scope, alias);
  return s ? ` AND ${s.sql}` : '';
}

/** The parameters of {@link scopeSql} (none for every ticket). */
export function scopeParams(scope: TicketScope): Record<string, string> {
  return scopeSql(scope, 't')?.params ?? {};
}

/** The clock-dependent counts: escalated ('e') and reminder reached ('r'). */
export type DueKind = 'e' | 'r';

/**
 * One clock-dependent count of the owner `k.value` as an SQL expression: `ticket_due` for the
 * hours before the current one plus a range count of the current hour on the widget index.
 */
export function dueSql(owner: TicketOwner, kind: DueKind, key = 'k.value'): string {
  const o = owner === 'customer' ? 'c' : 'u';
  const current =
    kind === 'e'
      ? `t.is_open = 1 AND t.escalation_at >= @hourStart AND t.escalation_at <= @now`
      : `t.state_type = 'PENDING_REMINDER' AND t.pending_until >= @hourStart AND t.pending_until <= @now`;
  return `((SELECT coalesce(sum(d.n), 0) FROM ticket_due d WHERE d.owner = '${o}' AND d.owner_key = ${key} AND d.kind = '${kind}' AND d.hour < @hour)
        + (SELECT count(*) FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = ${key} AND ${current}))`;
}

/**
 * An owner's counts as columns of a row whose owner key is `key` (an outer column: a customer's
 * `customer_key`, a customer user's `login_key`): the same kept rows and sums as
 * the ticket store's `counts` statement, as correlated subqueries, so that a page reads them in its own
 * statement (`tc_total`, `tc_open`, `tc_pending`, and `tc_escalated` with `withEscalated`; the
 * clock parameters of {@link clockParams} then bound).
 */
export function countColumns(owner: TicketOwner, key: string, withEscalated: boolean, scope: TicketScope): string {
  if (scope.kind !== 'all') return scopedCountColumns(owner, key, withEscalated, scope);
  const o = owner === 'customer' ? 'c' : 'u';
  const kept = (filter: string) => `(SELECT coalesce(sum(tc.n), 0) FROM ticket_count tc WHERE tc.owner = '${o}' AND tc.owner_key = ${key}${filter})`;
  return [
    `${kept('')} AS tc_total`,
    `${kept(` AND tc.state_type IN (${OPEN_TYPES_SQL})`)} AS tc_open`,
    `${kept(` AND tc.state_type = 'PENDING_REMINDER'`)} AS tc_pending`,
    ...(withEscalated ? [`${dueSql(owner, 'e', key)} AS tc_escalated`] : []),
  ].join(',\n        ');
}

/**
 * {@link countColumns} under a scope: the kept rows have no queue dimension, so each count is a
 * count of the owner's ticket rows with the scope's condition (the same columns, the same
 * statement; {@link scopeParams} and, with `withEscalated`, `@now` bound).
 */
function scopedCountColumns(owner: TicketOwner, key: string, withEscalated: boolean, scope: TicketScope): string {
  const count = (filter: string) => `(SELECT count(*) FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = ${key}${filter}${andScope(scope, 't')})`;
  return [
    `${count('')} AS tc_total`,
    `${count(` AND t.state_type IN (${OPEN_TYPES_SQL})`)} AS tc_open`,
    `${count(` AND t.state_type = 'PENDING_REMINDER'`)} AS tc_pending`,
    ...(withEscalated ? [`${count(' AND t.is_open = 1 AND t.escalation_at <= @now')} AS tc_escalated`] : []),
  ].join(',\n        ');
}

/** The parameters a statement with {@link countColumns} binds besides its own: the clock (with escalated) and the scope. */
export function countParams(now: Date, withEscalated: boolean, scope: TicketScope): Record<string, string | number> {
  return { ...(withEscalated && clockParams(now)), ...scopeParams(scope) };
}

/** The counts of a row read as values, {@link countColumns} starting at `at`. */
export function countsOfValues(v: readonly unknown[], at: number, withEscalated: boolean): TicketCounts {
  return keptCounts(v[at] as number, v[at + 1] as number, v[at + 2] as number, withEscalated ? (v[at + 3] as number) : null);
}

/** The parameters of {@link dueSql}. */
export function clockParams(now: Date): { now: number; hour: number; hourStart: number } {
  const hour = Math.floor(now.getTime() / HOUR);
  return { now: now.getTime(), hour, hourStart: hour * HOUR };
}
