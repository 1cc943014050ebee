import type { PageRequest, Slice, SortKey } from './page';
import type { TicketScope } from './ticket-scope';
import { TICKET_PRIORITIES, TICKET_STATES, TicketStateType } from './ticket-states';
import type { NewTicket, TicketPatch } from './write-inputs';

export { TICKET_PRIORITIES, TICKET_STATES, TicketStateType };
export type { NewTicket, TicketPatch };

/** State types counted as open: NEW, OPEN and PENDING_REMINDER (the contract's definition). */
export const OPEN_STATE_TYPES: readonly TicketStateType[] = [
  TicketStateType.NEW,
  TicketStateType.OPEN,
  TicketStateType.PENDING_REMINDER,
];

/** True for the state types whose tickets need `pendingUntil`. */
export function isPendingType(type: TicketStateType): boolean {
  return type === TicketStateType.PENDING_REMINDER || type === TicketStateType.PENDING_AUTO;
}

/** True for the state types counted as open. */
export function isOpenType(type: TicketStateType): boolean {
  return OPEN_STATE_TYPES.includes(type);
}

/** A ticket as the helpdesk database stores it. */
export interface TicketRecord {
  readonly id: number;
  readonly number: string;
  readonly title: string;
  readonly state: string;
  readonly stateType: TicketStateType;
  readonly priority: string;
  readonly queue: string;
  readonly customerId: string | null;
  readonly customerUserLogin: string | null;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly escalationAt: Date | null;
  readonly pendingUntil: Date | null;
}

/** Tickets per state type (only the non-zero ones), for totals of filtered lists. */
export type StateTypeCounts = Readonly<Partial<Record<TicketStateType, number>>>;

/** The counts that depend on the clock: open tickets past their escalation time, reminders reached. */
export type DueCountKind = 'escalated' | 'reminderReached';

/**
 * Ticket counts of one customer or customer user, as the contract defines them: plain data. The
 * clock-dependent counts and those per state type are here when the store read them in the same
 * round trip (asked by {@link CountHints}, or because it reads them together anyway); otherwise
 * they are null and the caller asks `dueCounts` or `stateTypeCounts` when it needs them.
 */
export interface TicketCounts {
  readonly open: number;
  readonly closed: number;
  readonly pendingReminder: number;
  readonly total: number;
  readonly escalated: number | null;
  /** PENDING_REMINDER tickets whose reminder time has passed. */
  readonly reminderReached: number | null;
  readonly byStateType: StateTypeCounts | null;
}

/**
 * The counts a store reads in one statement from its kept per-state-type rows: `closed` follows
 * from the total, `escalated` is there when it was read with them (else null), and reminders
 * reached and the counts per state type are read on demand.
 */
export function keptCounts(total: number, open: number, pendingReminder: number, escalated: number | null): TicketCounts {
  return { total, open, closed: total - open, pendingReminder, escalated, reminderReached: null, byStateType: null };
}

/** Whose tickets a list or count is about. */
export type TicketOwner = 'customer' | 'customerUser';

/** Which ticket list: the widgets of the detail view, or all tickets. */
export type TicketListKind = 'escalated' | 'reminder' | 'open' | 'all';

/** One ticket list request; many are answered in one statement. */
export interface TicketListSpec extends PageRequest {
  readonly owner: TicketOwner;
  /**
   * Customer id or login as the owner's record spells it: a store compares it as its database
   * compares customer ids (ignoring case, or exactly: Znuny on PostgreSQL).
   */
  readonly ownerId: string;
  readonly kind: TicketListKind;
  /** kind 'all' only: keep these state types; null keeps all. */
  readonly stateTypes: readonly TicketStateType[] | null;
  /** kind 'reminder' only: keep tickets whose reminder time has passed. */
  readonly reachedOnly: boolean;
}


/**
 * What the caller will read of the counts: a store may compute these with the others in the same
 * round trip. A hint changes no answer (a count not hinted is still read when asked for).
 */
export interface CountHints {
  readonly escalated?: boolean;
}

/** What a ticket store can do besides reading and writing tickets. */
export interface TicketStoreCapabilities {
  /**
   * The store knows the helpdesk's agents and their permissions (Znuny): it implements
   * {@link TicketStore.agentScope}, and tokens or signed-in users may act as an agent.
   */
  readonly agentPermissions: boolean;
  /**
   * Tickets can be created and changed through the API (`create`, `update`); false for a
   * helpdesk whose own logic writes them (Znuny: history, articles, escalation index), where
   * both are refused with `ReadOnlyDataSourceError` before anything is written.
   */
  readonly writable: boolean;
  /**
   * `renameCustomer` may move tickets (a customer kept in another source was renamed); when
   * false, such a rename is refused before the customer is written.
   */
  readonly movesRenamedCustomers: boolean;
}

/**
 * The tickets of the helpdesk database. Every read takes the caller's {@link TicketScope} last
 * and puts it into its statement: counts count only visible tickets, a list's page holds only
 * visible tickets, and a lookup answers null for a ticket outside the scope. A scope costs no
 * statement of its own (the same round trips, restricted).
 */
export interface TicketStore {
  readonly capabilities: TicketStoreCapabilities;
  /** Counts per owner id, in key order; `now` decides escalation and reminder times. */
  counts(owner: TicketOwner, ownerIds: readonly string[], now: Date, hints: CountHints, scope: TicketScope): Promise<TicketCounts[]>;
  /** One clock-dependent count per owner id, in key order; one round trip per batch. */
  dueCounts(owner: TicketOwner, kind: DueCountKind, ownerIds: readonly string[], now: Date, scope: TicketScope): Promise<number[]>;
  /** Tickets per state type per owner id, in key order; one round trip per batch. */
  stateTypeCounts(owner: TicketOwner, ownerIds: readonly string[], scope: TicketScope): Promise<StateTypeCounts[]>;
  /** One slice per spec, in spec order. */
  lists(specs: readonly TicketListSpec[], now: Date, scope: TicketScope): Promise<Slice<TicketRecord>[]>;
  byNumbers(numbers: readonly string[], scope: TicketScope): Promise<(TicketRecord | null)[]>;
  /** Tickets by their row id (the stable part of a ticket's global id), in key order. */
  byIds(ids: readonly number[], scope: TicketScope): Promise<(TicketRecord | null)[]>;
  /**
   * The tickets the agent with this login may see (only when `capabilities.agentPermissions`):
   * resolved once per request at authentication; an unknown or invalid agent sees none.
   */
  agentScope?(login: string): Promise<TicketScope>;
  create(input: NewTicket, now: Date): Promise<TicketRecord>;
  update(number: string, patch: TicketPatch, now: Date): Promise<TicketRecord>;
  /** Moves tickets of a renamed customer (used where the customer lives in another database). */
  renameCustomer(oldCustomerId: string, newCustomerId: string): Promise<void>;
}

/** True for the list kinds whose order is ascending (escalated and reminder: soonest first). */
export function ascends(kind: TicketListKind): boolean {
  return kind === 'escalated' || kind === 'reminder';
}

/** A list request's window in ascending key order, `[lower, upper]`: a descending list's `after` is its upper bound. */
export function ascendingWindow(spec: TicketListSpec): [SortKey | null, SortKey | null] {
  return ascends(spec.kind) ? [spec.after, spec.before] : [spec.before, spec.after];
}

/** The position of a ticket in a list of that kind: its ordering time, then its id. */
export function ticketListKey(kind: TicketListKind, t: TicketRecord): [number, number] {
  switch (kind) {
    case 'escalated':
      return [t.escalationAt?.getTime() ?? 0, t.id];
    case 'reminder':
      // A reminder without a time (a helpdesk that allows none) lists first.
      return [t.pendingUntil?.getTime() ?? 0, t.id];
    default:
      return [t.createdAt.getTime(), t.id];
  }
}

/** OTRS-style date-based ticket number: YYYYMMDD, system id 10, then a counter of six digits or more. */
export function ticketNumber(now: Date, counter: number): string {
  const d = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `${d}10${String(counter).padStart(6, '0')}`;
}
