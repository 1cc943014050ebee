import type { ZnunyFixture } from './znuny-fixture';

/**
 * The numbers Znuny itself shows for a customer or customer user, as SQL on a fixture's
 * database: Znuny's own predicates, independent of the adapter under test.
 *
 * From Znuny's code (Kernel/Output/HTML/Dashboard/CustomerIDStatus.pm, which counts with
 * Kernel/System/Ticket/TicketSearch.pm; Kernel/System/State.pm; Kernel/System/Group.pm):
 *
 * - open: `StateType => 'Open'`: `ticket_state_id IN (viewable states)`, where the viewable
 *   states are StateGetStatesByType(Type => 'Viewable'): states whose type is named in
 *   `Ticket::ViewableStateType` (default new, open, pending reminder, pending auto) AND whose
 *   valid_id is a valid one (Kernel::System::Valid->ValidIDsGet: the `valid` rows named 'valid').
 * - closed: `StateType => 'Closed'`: `ticket_state_id NOT IN (viewable states)`, so a ticket in
 *   a state made invalid counts as closed, whatever its type.
 * - total: no state condition.
 * - Archive: with Ticket::ArchiveSystem on, a search without ArchiveFlags sees `archive_flag = 0`
 *   only; archived = `ArchiveFlags => ['y']` (any state).
 * - escalated: CustomerIDStatus passes `TicketEscalationTimeOlderMinutes => 1`, i.e.
 *   `escalation_time != 0 AND escalation_time <= now - 60`; the contract counts the open tickets
 *   (as above) whose escalation_time is set and has passed: `<= now` here. (Znuny sets
 *   escalation_time to 0 when a ticket closes; the fixture also holds a closed ticket with a
 *   stale one, which the contract does not count.)
 * - pending reminder: states of type 'pending reminder' (StateGetStatesByType with
 *   StateType, valid states only, as Znuny looks them up); reached: `until_time != 0 AND
 *   until_time <= now`.
 * - Customer: `ticket.customer_id = ?` (TicketSearch's CustomerIDRaw): as the database compares,
 *   case-insensitive on MariaDB / MySQL's `_ci` collations, exact on PostgreSQL. Customer user:
 *   `ticket.customer_user_id = ?` (the login).
 * - Queue validity plays no part (TicketSearch does not check it).
 */

export const DEFAULT_VIEWABLE_STATE_TYPES: readonly string[] = ['new', 'open', 'pending reminder', 'pending auto'];

export interface ZnunyCounts {
  readonly open: number;
  readonly closed: number;
  readonly total: number;
  readonly pendingReminder: number;
  readonly escalated: number;
  readonly reminderReached: number;
  readonly archived: number;
}

export interface ExpectedCountsOptions {
  /** Unix seconds; default: the current time (as the adapter reads it). */
  readonly now?: number;
  /** Restrict to the tickets this agent may read (ro) as Znuny's TicketSearch does; see readableQueueIds. */
  readonly agentLogin?: string;
}

/** Kernel::System::Valid->ValidIDsGet(). */
const VALID_IDS = `SELECT v.id FROM valid v WHERE v.name = 'valid'`;

/** State ids of the given state types, valid states only (Kernel::System::State->StateGetStatesByType). */
function statesOfTypes(types: readonly string[]): { sql: string; params: string[] } {
  if (types.length === 0) return { sql: 'SELECT ts.id FROM ticket_state ts WHERE 1 = 0', params: [] };
  return {
    sql:
      'SELECT ts.id FROM ticket_state ts JOIN ticket_state_type tst ON tst.id = ts.type_id ' +
      `WHERE tst.name IN (${types.map(() => '?').join(', ')}) AND ts.valid_id IN (${VALID_IDS})`,
    params: [...types],
  };
}

async function count(fixture: ZnunyFixture, where: string, params: readonly unknown[]): Promise<number> {
  const [row] = await fixture.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ticket t WHERE ${where}`, params);
  return Number(row?.n ?? 0);
}

/**
 * Znuny's counts for a customer (`ticket.customer_id`) or a customer user
 * (`ticket.customer_user_id`), run as SQL on the fixture's database.
 */
export async function expectedCounts(
  fixture: ZnunyFixture,
  owner: 'customer' | 'customerUser',
  id: string,
  viewableStateTypes: readonly string[] = DEFAULT_VIEWABLE_STATE_TYPES,
  options: ExpectedCountsOptions = {},
): Promise<ZnunyCounts> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const column = owner === 'customer' ? 't.customer_id' : 't.customer_user_id';
  let ownerWhere = `${column} = ?`;
  const ownerParams: unknown[] = [id];
  if (options.agentLogin !== undefined) {
    const queues = await readableQueueIds(fixture, options.agentLogin);
    ownerWhere += queues.length ? ` AND t.queue_id IN (${queues.join(', ')})` : ' AND 1 = 0';
  }
  const viewable = statesOfTypes(viewableStateTypes);
  const reminder = statesOfTypes(['pending reminder']);
  const current = `${ownerWhere} AND t.archive_flag = 0`;
  const open = `${current} AND t.ticket_state_id IN (${viewable.sql})`;
  const [openCount, closed, total, pendingReminder, escalated, reminderReached, archived] = await Promise.all([
    count(fixture, open, [...ownerParams, ...viewable.params]),
    count(fixture, `${current} AND t.ticket_state_id NOT IN (${viewable.sql})`, [...ownerParams, ...viewable.params]),
    count(fixture, current, ownerParams),
    count(fixture, `${current} AND t.ticket_state_id IN (${reminder.sql})`, [...ownerParams, ...reminder.params]),
    count(fixture, `${open} AND t.escalation_time != 0 AND t.escalation_time <= ?`, [...ownerParams, ...viewable.params, now]),
    count(fixture, `${current} AND t.ticket_state_id IN (${reminder.sql}) AND t.until_time != 0 AND t.until_time <= ?`, [
      ...ownerParams,
      ...reminder.params,
      now,
    ]),
    count(fixture, `${ownerWhere} AND t.archive_flag = 1`, ownerParams),
  ]);
  return { open: openCount, closed, total, pendingReminder, escalated, reminderReached, archived };
}

/**
 * The queues whose tickets an agent may read, as Znuny's TicketSearch restricts them
 * (`sq.group_id IN PermissionUserGet(UserID, Type => 'ro')`), sorted by id:
 *
 * - agent id 1 (root@localhost): every queue (TicketSearch skips the check for UserID 1);
 * - an agent that does not exist or is not valid: none;
 * - otherwise the queues of the valid groups the agent holds `ro` or `rw` on directly
 *   (group_user), or through a valid role (role_user → roles.valid_id valid → group_role with
 *   permission_value = 1 and permission_key `ro` or `rw`). Other keys (move_into, ...) do not
 *   grant reading; `rw` includes `ro`.
 */
export async function readableQueueIds(fixture: ZnunyFixture, agentLogin: string): Promise<number[]> {
  const [agent] = await fixture.sql<{ id: number | string; valid: number | string }>(
    `SELECT u.id, CASE WHEN u.valid_id IN (${VALID_IDS}) THEN 1 ELSE 0 END AS valid FROM users u WHERE u.login = ?`,
    [agentLogin],
  );
  if (!agent || Number(agent.valid) !== 1) return [];
  const agentId = Number(agent.id);
  const ids = (rows: { id: number | string }[]) => rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  if (agentId === 1) return ids(await fixture.sql<{ id: number }>('SELECT q.id FROM queue q'));
  const groups = fixture.groupsTable;
  return ids(
    await fixture.sql<{ id: number }>(
      `SELECT q.id FROM queue q WHERE q.group_id IN (
         SELECT g.id FROM ${groups} g JOIN group_user gu ON gu.group_id = g.id
          WHERE gu.user_id = ? AND gu.permission_key IN ('ro', 'rw') AND g.valid_id IN (${VALID_IDS})
         UNION
         SELECT g.id FROM role_user ru
           JOIN roles r ON r.id = ru.role_id AND r.valid_id IN (${VALID_IDS})
           JOIN group_role gr ON gr.role_id = r.id AND gr.permission_value = 1 AND gr.permission_key IN ('ro', 'rw')
           JOIN ${groups} g ON g.id = gr.group_id AND g.valid_id IN (${VALID_IDS})
          WHERE ru.user_id = ?
       )`,
      [agentId, agentId],
    ),
  );
}
