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
 * A scope as an SQL condition on the ticket rows of `alias` (`bind` adds its parameters: queue
 * names and prefixes as two text arrays, so that the statement text, prepared once, depends on
 * the kinds of patterns only); null for every ticket (the statement stays as without a scope).
 * Queue names compare exactly; a prefix matches the names that start with it. The helpdesk
 * database has no queue ids: a 'queueIds' scope sees none of its tickets.
 */
export function scopeSql(scope: TicketScope, alias: string, bind: (value: unknown) => string): string | null {
  if (scope.kind === 'all') return null;
  if (scope.kind === 'queueIds') return 'false';
  const { exact, prefixes } = queuePatterns(scope.patterns);
  const parts: string[] = [];
  if (exact.length > 0) parts.push(`${alias}.queue = ANY(${bind(exact)}::text[])`);
  if (prefixes.length > 0) parts.push(`EXISTS (SELECT 1 FROM unnest(${bind(prefixes)}::text[]) sp(v) WHERE starts_with(${alias}.queue, sp.v))`);
  return parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`;
}

/** `AND` and {@link scopeSql}, or nothing for every ticket. */
export function andScope(scope: TicketScope, alias: string, bind: (value: unknown) => string): string {
  const sql = scopeSql(scope, alias, bind);
  return sql ? ` AND ${sql}` : '';
}

/**
 * An owner's counts as columns of a row whose owner key is `key` (an outer column: a customer's
 * `customer_key`, a customer user's `login_key`): the same kept rows and sums as
 * the ticket store's `counts` statement, as correlated subqueries, so that a page reads them in its
 * own statement (`tc_total`, `tc_open`, `tc_pending`, and `tc_escalated` when `now` is given).
 * `bind` adds a parameter and returns its placeholder.
 */
export function countColumns(owner: TicketOwner, key: string, now: Date | null, bind: (value: unknown) => string, scope: TicketScope): string {
  if (scope.kind !== 'all') return scopedCountColumns(owner, key, now, bind, scope);
  const o = owner === 'customer' ? 'c' : 'u';
  const kept = (filter: string) => `(SELECT coalesce(sum(tc.n), 0) FROM ticket_count tc WHERE tc.owner = '${o}' AND tc.owner_key = ${key}${filter})`;
  const columns = [
    `${kept('')} AS tc_total`,
    `${kept(` AND tc.state_type IN (${OPEN_TYPES_SQL})`)} AS tc_open`,
    `${kept(` AND tc.state_type = 'PENDING_REMINDER'`)} AS tc_pending`,
  ];
  if (now) columns.push(`${dueSql(owner, 'e', key, now, bind)} AS tc_escalated`);
  return columns.join(',\n      ');
}

/**
 * {@link countColumns} under a scope: the kept rows have no queue dimension, so the owner's
 * ticket rows are counted with the scope's condition, in the same statement.
 */
function scopedCountColumns(owner: TicketOwner, key: string, now: Date | null, bind: (value: unknown) => string, scope: TicketScope): string {
  const condition = andScope(scope, 't', bind);
  const count = (filter: string) => `(SELECT count(*) FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = ${key}${filter}${condition})`;
  const columns = [
    `${count('')} AS tc_total`,
    `${count(` AND t.state_type IN (${OPEN_TYPES_SQL})`)} AS tc_open`,
    `${count(` AND t.state_type = 'PENDING_REMINDER'`)} AS tc_pending`,
  ];
  if (now) columns.push(`${count(` AND t.is_open AND t.escalation_at <= ${bind(now.getTime())}`)} AS tc_escalated`);
  return columns.join(',\n      ');
}

/**
 * Escalated ('e') or reminders reached ('r') of the owner whose key is the SQL expression `key`:
 * the kept hours before the current one (`ticket_due`) plus a range count of the current hour.
 * `bind` adds a clock parameter and returns its placeholder.
 */
export function dueSql(owner: TicketOwner, kind: 'e' | 'r', key: string, now: Date, bind: (value: unknown) => string): string {
  const hour = Math.floor(now.getTime() / HOUR);
  const [at, h, from] = [bind(now.getTime()), bind(hour), bind(hour * HOUR)];
  const current =
    kind === 'e'
      ? `t.is_open AND t.escalation_at >= ${from} AND t.escalation_at <= ${at}`
      : `t.state_type = 'PENDING_REMINDER' AND t.pending_until >= ${from} AND t.pending_until <= ${at}`;
  return `(SELECT coalesce(sum(d.n), 0) FROM ticket_due d WHERE d.owner = '${owner === 'customer' ? 'c' : 'u'}' AND d.owner_key = ${key} AND d.kind = '${kind}' AND d.hour < ${h})
         + (SELECT count(*) FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = ${key} AND ${current})`;
}

/** The columns of {@link countColumns} as read back. */
export interface CountColumns {
  tc_total: number;
  tc_open: number;
  tc_pending: number;
  tc_escalated?: number;
}

/** The counts of a row read with {@link countColumns}; those it did not read are null (read on demand). */
export function countsOfColumns(row: CountColumns, withEscalated: boolean): TicketCounts {
  return keptCounts(row.tc_total, row.tc_open, row.tc_pending, withEscalated ? row.tc_escalated! : null);
}
