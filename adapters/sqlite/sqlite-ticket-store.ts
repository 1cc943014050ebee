import { NotFoundError } from '../../src/domain/errors';
import { toPage, type Slice } from '../../src/domain/page';
import { idKey } from '../../src/domain/records';
import {
  ascendingWindow,
  ascends,
  isOpenType,
  keptCounts,
  ticketListKey,
  ticketNumber,
  type NewTicket,
  type CountHints,
  type DueCountKind,
  type StateTypeCounts,
  type TicketCounts,
  type TicketListKind,
  type TicketListSpec,
  type TicketOwner,
  type TicketPatch,
  type TicketRecord,
  type TicketStateType,
  type TicketStore,
} from '../../src/domain/tickets';
import type { TicketScope } from '../../src/domain/ticket-scope';
import { andScope, clockParams, dueSql, OPEN_TYPES_SQL, OWNER_COLUMN, scopeParams, scopeSql, type DueKind } from './sqlite-count-columns';
import type { SqliteConnection } from './sqlite-connection';
import { inKeyOrder, TICKET_COLUMNS, ticketOfValues, toTicket, type TicketRow } from './sqlite-mapper';

/** Larger than any epoch-millisecond time or ticket id: the "no cursor" bound of descending lists. */
const MAX = 9e15;

/** The ordering column of each list kind; escalated and reminder lists ascend, the others descend. */
const ORDER_COLUMN: Record<TicketListKind, string> = {
  all: 'created_at',
  open: 'created_at',
  escalated: 'escalation_at',
  reminder: 'pending_until',
};

/** The rows of each list kind besides the owner (no window). */
const LIST_FILTER: Record<TicketListKind, string> = {
  all: `(k.types IS NULL OR t2.state_type IN (SELECT value FROM json_each(k.types)))`,
  open: `t2.is_open = 1`,
  escalated: `t2.is_open = 1 AND t2.escalation_at <= @now`,
  reminder: `t2.state_type = 'PENDING_REMINDER' AND t2.pending_until <= (CASE WHEN k.reached THEN @now ELSE ${MAX} END)`,
};

/**
 * Each widget list as a range of its own index, for every key of the batch at once: the keys are
 * bound as one JSON array; a correlated subquery seeks each key's window `(lo, hi)` (ascending
 * column order, whatever the list order). SQLite refuses a correlated LIMIT, so each kind and
 * direction is limited to the longest page of its kind in the batch (`@lim_<kind>_<dir>`, a bound
 * parameter) and shorter pages are trimmed after the fetch.
 */
function listBranch(kind: TicketListKind, backward: boolean, col: string, scope: TicketScope): string {
  const c = ORDER_COLUMN[kind];
  const fetchAscending = ascends(kind) !== backward;
  const dir = fetchAscending ? 'ASC' : 'DESC';
  return `SELECT id FROM ticket t2 WHERE t2.${col} = k.o AND ${LIST_FILTER[kind]}${andScope(scope, 't2')}
      AND (t2.${c}, t2.id) > (k.lo0, k.lo1) AND (t2.${c}, t2.id) < (k.hi0, k.hi1)
      ORDER BY t2.${c} ${dir}, t2.id ${dir} LIMIT @lim_${kind}_${backward ? 'b' : 'f'}`;
}

/** Up to this many lists of one owner kind in a batch get a branch each (see `fewLists`). */
const FEW_LISTS = 8;

const KINDS: readonly TicketListKind[] = ['escalated', 'reminder', 'open', 'all'];

/**
 * The text of {@link SqliteTicketStore.fewLists}: one branch per list, each a range of its kind's
 * index with its own bound owner (`@o<j>`), window (`@lo<j>a`, ...) and limit (`@n<j>`).
 */
function fewListsSql(owner: TicketOwner, specs: readonly TicketListSpec[], scopeCondition: string | null): string {
  const col = OWNER_COLUMN[owner];
  return specs
    .map((s, j) => {
      const c = ORDER_COLUMN[s.kind];
      const dir = ascends(s.kind) !== s.backward ? 'ASC' : 'DESC';
      const [lo, hi] = ascendingWindow(s);
      const conditions = [`t2.${col} = @o${j}`];
      if (scopeCondition) conditions.push(scopeCondition);
      if (s.kind === 'open') conditions.push('t2.is_open = 1');
      if (s.kind === 'escalated') conditions.push('t2.is_open = 1 AND t2.escalation_at <= @now');
      if (s.kind === 'reminder') conditions.push(`t2.state_type = 'PENDING_REMINDER' AND t2.pending_until <= ${s.reachedOnly ? '@now' : MAX}`);
      if (s.kind === 'all' && s.stateTypes) conditions.push(`t2.state_type IN (SELECT value FROM json_each(@ty${j}))`);
      if (lo) conditions.push(`(t2.${c}, t2.id) > (@lo${j}a, @lo${j}b)`);
      if (hi) conditions.push(`(t2.${c}, t2.id) < (@hi${j}a, @hi${j}b)`);
      return `SELECT @i${j} AS idx, ${TICKET_COLUMNS} FROM ticket t WHERE t.id IN (
        SELECT id FROM ticket t2 WHERE ${conditions.join(' AND ')} ORDER BY t2.${c} ${dir}, t2.id ${dir} LIMIT @n${j})`;
    })
    .join('\nUNION ALL\n');
}

/** The tickets of the helpdesk database. */
export class SqliteTicketStore implements TicketStore {
  readonly capabilities = { agentPermissions: false, writable: true, movesRenamedCustomers: true } as const;
  private readonly limit: number;

  /** The texts of {@link fewLists} by the shape of their batch. */
  private readonly fewListsSql = new Map<string, string>();

  constructor(
    private readonly db: SqliteConnection,
    maxPageSize: number,
  ) {
    this.limit = maxPageSize + 1;
  }

  async counts(owner: TicketOwner, ownerIds: readonly string[], now: Date, hints: CountHints, scope: TicketScope): Promise<TicketCounts[]> {
    const keys = JSON.stringify(ownerIds.map(idKey));
    const withEscalated = hints.escalated === true;
    // Values: idx, total, open, pending[, escalated].
    const scoped = scopeSql(scope, 't');
    const rows = this.db.values<[number, number, number, number, number?]>(
      scoped ? this.scopedCountsSql(owner, withEscalated, scoped.sql) : this.countsSql(owner, withEscalated),
      { keys, ...(withEscalated && clockParams(now)), ...scoped?.params },
    );
    // Escalated comes with the others only when hinted; the clock-dependent counts and those per
    // state type otherwise have their own batched statements (`dueCounts`, `stateTypeCounts`),
    // which the callers' loaders run when a field needs them.
    const out: TicketCounts[] = ownerIds.map(() => keptCounts(0, 0, 0, withEscalated ? 0 : null));
    for (const r of rows) out[r[0]] = keptCounts(r[1], r[2], r[3], withEscalated ? r[4]! : null);
    return out;
  }

  async dueCounts(owner: TicketOwner, kind: DueCountKind, ownerIds: readonly string[], now: Date, scope: TicketScope): Promise<number[]> {
    return this.dueCountsOf(owner, kind === 'escalated' ? 'e' : 'r', JSON.stringify(ownerIds.map(idKey)), ownerIds.length, now, scope);
  }

  async stateTypeCounts(owner: TicketOwner, ownerIds: readonly string[], scope: TicketScope): Promise<StateTypeCounts[]> {
    return this.countsByStateType(owner, JSON.stringify(ownerIds.map(idKey)), ownerIds.length, scope);
  }

  /**
   * The counts of many owners under a scope: the kept rows have no queue dimension, so the
   * owners' ticket rows are counted with the scope's condition (one statement, as without it).
   */
  private scopedCountsSql(owner: TicketOwner, withEscalated: boolean, condition: string): string {
    return `SELECT k.key AS idx,
        count(t.id) AS total,
        count(t.id) FILTER (WHERE t.state_type IN (${OPEN_TYPES_SQL})) AS open,
        count(t.id) FILTER (WHERE t.state_type = 'PENDING_REMINDER') AS pending${
          withEscalated ? `,\n        count(t.id) FILTER (WHERE t.is_open = 1 AND t.escalation_at <= @now) AS escalated` : ''}
      FROM json_each(@keys) k LEFT JOIN ticket t ON t.${OWNER_COLUMN[owner]} = k.value AND ${condition}
      GROUP BY k.key`;
  }

  /** The clock-independent counts of many owners from `ticket_count`, one row per owner. */
  private countsSql(owner: TicketOwner, withEscalated: boolean): string {
    return `SELECT k.key AS idx,
        coalesce(sum(c.n), 0) AS total,
        coalesce(sum(c.n) FILTER (WHERE c.state_type IN (${OPEN_TYPES_SQL})), 0) AS open,
        coalesce(sum(c.n) FILTER (WHERE c.state_type = 'PENDING_REMINDER'), 0) AS pending${withEscalated ? `,\n        ${dueSql(owner, 'e')} AS escalated` : ''}
      FROM json_each(@keys) k LEFT JOIN ticket_count c ON c.owner = '${owner === 'customer' ? 'c' : 'u'}' AND c.owner_key = k.value
      GROUP BY k.key`;
  }

  /** Tickets per state type of many owners from `ticket_count` (only the non-zero ones). */
  private countsByStateType(owner: TicketOwner, keys: string, count: number, scope: TicketScope): StateTypeCounts[] {
    const scoped = scopeSql(scope, 't');
    const rows = this.db.all<{ idx: number; state_type: TicketStateType; n: number }>(
      scoped
        ? `SELECT k.key AS idx, t.state_type, count(*) AS n FROM json_each(@keys) k
           JOIN ticket t ON t.${OWNER_COLUMN[owner]} = k.value AND ${scoped.sql} GROUP BY k.key, t.state_type`
        : `SELECT k.key AS idx, c.state_type, c.n FROM json_each(@keys) k
       JOIN ticket_count c ON c.owner = '${owner === 'customer' ? 'c' : 'u'}' AND c.owner_key = k.value AND c.n > 0`,
      { keys, ...scoped?.params },
    );
    const out: Partial<Record<TicketStateType, number>>[] = Array.from({ length: count }, () => ({}));
    for (const r of rows) out[r.idx]![r.state_type] = r.n;
    return out;
  }

  /**
   * Escalated ('e') or reminder-reached ('r') counts of many owners in one statement, each kind
   * only when asked for (the list and the detail view show escalated only): from `ticket_due`
   * (tickets per hour of their escalation or reminder time, kept by triggers) for the hours
   * before the current one, plus a range count of the current hour on the widget index; the cost
   * does not grow with the number of tickets already past their time.
   */
  private dueCountsOf(owner: TicketOwner, kind: DueKind, keys: string, count: number, now: Date, scope: TicketScope): number[] {
    const scoped = scopeSql(scope, 't');
    // Under a scope the kept hours (no queue dimension) cannot answer: the owner's rows past their time, with the scope's condition.
    const due = kind === 'e' ? `t.is_open = 1 AND t.escalation_at <= @now` : `t.state_type = 'PENDING_REMINDER' AND t.pending_until <= @now`;
    const n = scoped ? `(SELECT count(*) FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = k.value AND ${due} AND ${scoped.sql})` : dueSql(owner, kind);
    const rows = this.db.all<{ idx: number; n: number }>(`SELECT k.key AS idx, ${n} AS n FROM json_each(@keys) k`, {
      keys,
      ...clockParams(now),
      ...scoped?.params,
    });
    const out = new Array<number>(count).fill(0);
    for (const r of rows) out[r.idx] = r.n;
    return out;
  }

  async lists(specs: readonly TicketListSpec[], now: Date, scope: TicketScope): Promise<Slice<TicketRecord>[]> {
    const out: Slice<TicketRecord>[] = new Array(specs.length);
    for (const owner of ['customer', 'customerUser'] as const) {
      const mine = specs.map((s, i) => ({ s, i })).filter((x) => x.s.owner === owner);
      if (mine.length === 0) continue;
      const rows = mine.length <= FEW_LISTS ? this.fewLists(owner, mine, now, scope) : this.manyLists(owner, mine, now, scope);
      // Values: the spec's index, then the ticket.
      const byIdx = new Map<number, TicketRecord[]>();
      for (const r of rows) {
        const idx = r[0] as number;
        const list = byIdx.get(idx);
        if (list) list.push(ticketOfValues(r, 1));
        else byIdx.set(idx, [ticketOfValues(r, 1)]);
      }
      for (const { s, i } of mine) {
        // `t.id IN (a window)` keeps no order: each list is sorted by its key, computed once per ticket.
        const sign = (ascends(s.kind) ? 1 : -1) * (s.backward ? -1 : 1);
        const keyed = (byIdx.get(i) ?? []).map((t) => ({ t, k: ticketListKey(s.kind, t) }));
        keyed.sort((a, b) => sign * (a.k[0] - b.k[0] || a.k[1] - b.k[1]));
        out[i] = toPage(keyed.map((x) => x.t), s, 0, (t) => ticketListKey(s.kind, t));
      }
    }
    return out;
  }

  /**
   * A few lists (a detail view's widgets): one branch per list, each a range of its kind's index
   * with its own bound owner, window and limit; no JSON specs to unpack.
   */
  private fewLists(owner: TicketOwner, mine: readonly { s: TicketListSpec; i: number }[], now: Date, scope: TicketScope): unknown[][] {
    const scoped = scopeSql(scope, 't2');
    const params: Record<string, string | number> = { now: now.getTime(), ...scoped?.params };
    // The statement's text depends on the shape of the batch only (kinds, directions, windows,
    // filters, the scope's kinds of patterns): made once per shape, the values bound each time.
    let shape = `${owner}\u0000${scoped?.sql ?? ''}`;
    mine.forEach(({ s, i }, j) => {
      const [lo, hi] = ascendingWindow(s);
      params[`i${j}`] = i;
      params[`o${j}`] = idKey(s.ownerId);
      params[`n${j}`] = Math.min(this.limit, s.size + 1);
      if (s.kind === 'all' && s.stateTypes) params[`ty${j}`] = JSON.stringify(s.stateTypes);
      if (lo) (params[`lo${j}a`] = lo[0]!), (params[`lo${j}b`] = lo[1]!);
      if (hi) (params[`hi${j}a`] = hi[0]!), (params[`hi${j}b`] = hi[1]!);
      shape += `\u0000${s.kind}${s.backward ? 'b' : 'f'}${s.reachedOnly ? 'r' : ''}${s.kind === 'all' && s.stateTypes ? 't' : ''}${lo ? 'l' : ''}${hi ? 'h' : ''}`;
    });
    let sql = this.fewListsSql.get(shape);
    if (sql === undefined) {
      sql = fewListsSql(owner, mine.map(({ s }) => s), scoped?.sql ?? null);
      if (this.fewListsSql.size >= 1000) this.fewListsSql.clear();
      this.fewListsSql.set(shape, sql);
    }
    return this.db.values<unknown[]>(sql, params);
  }

  /** Many lists (a page of owners): one branch per kind and direction present, the owners' windows bound as one JSON array. */
  private manyLists(owner: TicketOwner, mine: readonly { s: TicketListSpec; i: number }[], now: Date, scope: TicketScope): unknown[][] {
    const limits = new Map<string, number>();
    for (const { s } of mine) {
      const name = `lim_${s.kind}_${s.backward ? 'b' : 'f'}`;
      limits.set(name, Math.min(this.limit, Math.max(limits.get(name) ?? 0, s.size + 1)));
    }
    const branches = KINDS.flatMap((kind) => [false, true].map((backward) => ({ kind, backward })))
      .filter((b) => limits.has(`lim_${b.kind}_${b.backward ? 'b' : 'f'}`));
    const keys = JSON.stringify(
      mine.map(({ s, i }) => {
        const [lo, hi] = ascendingWindow(s);
        return {
          i,
          o: idKey(s.ownerId),
          kind: s.kind,
          back: s.backward ? 1 : 0,
          lo0: lo?.[0] ?? -MAX,
          lo1: lo?.[1] ?? -MAX,
          hi0: hi?.[0] ?? MAX,
          hi1: hi?.[1] ?? MAX,
          types: s.stateTypes ? JSON.stringify(s.stateTypes) : null,
          reached: s.reachedOnly ? 1 : 0,
        };
      }),
    );
    return this.db.values<unknown[]>(this.listSql(owner, branches, scope), {
      keys,
      now: now.getTime(),
      ...Object.fromEntries(limits),
      ...scopeParams(scope),
    });
  }

  /** The list statement of one owner for the kinds and directions present in a batch (rows unordered). */
  private listSql(owner: TicketOwner, branches: readonly { kind: TicketListKind; backward: boolean }[], scope: TicketScope): string {
    const col = OWNER_COLUMN[owner];
    const selects = branches.map(
      (b) => `SELECT k.i AS idx, ${TICKET_COLUMNS} FROM k JOIN ticket t ON t.id IN (${listBranch(b.kind, b.backward, col, scope)})
        WHERE k.kind = '${b.kind}' AND k.back = ${b.backward ? 1 : 0}`,
    );
    return `WITH k AS (SELECT json_extract(value, '$.i') AS i, json_extract(value, '$.o') AS o,
        json_extract(value, '$.kind') AS kind, json_extract(value, '$.back') AS back,
        json_extract(value, '$.lo0') AS lo0, json_extract(value, '$.lo1') AS lo1,
        json_extract(value, '$.hi0') AS hi0, json_extract(value, '$.hi1') AS hi1,
        json_extract(value, '$.types') AS types, json_extract(value, '$.reached') AS reached FROM json_each(@keys))
      ${selects.join('\nUNION ALL\n')}`;
  }

  async byIds(ids: readonly number[], scope: TicketScope): Promise<(TicketRecord | null)[]> {
    const rows = this.db.all<TicketRow & { idx: number }>(
      `SELECT k.key AS idx, t.* FROM json_each(@keys) k JOIN ticket t ON t.id = k.value${andScope(scope, 't')}`,
      { keys: JSON.stringify(ids), ...scopeParams(scope) },
    );
    return inKeyOrder(ids.length, rows, toTicket);
  }

  async byNumbers(numbers: readonly string[], scope: TicketScope): Promise<(TicketRecord | null)[]> {
    const rows = this.db.all<TicketRow & { idx: number }>(
      `SELECT k.key AS idx, t.* FROM json_each(@keys) k JOIN ticket t ON t.number = k.value${andScope(scope, 't')}`,
      { keys: JSON.stringify(numbers), ...scopeParams(scope) },
    );
    return inKeyOrder(numbers.length, rows, toTicket);
  }

  async create(input: NewTicket, now: Date): Promise<TicketRecord> {
    return this.db.transaction(() => {
      const next = (this.db.get<{ id: number }>(`SELECT coalesce(max(id), 0) + 1 AS id FROM ticket`)?.id ?? 1);
      const number = ticketNumber(now, next);
      this.db.exec(
        `INSERT INTO ticket (id, number, title, state, state_type, is_open, priority, queue, customer_id, customer_key,
           customer_user_login, customer_user_key, created_at, changed_at, escalation_at, pending_until)
         VALUES (@id, @number, @title, @state, @stateType, @isOpen, @priority, @queue, @customerId, @customerKey,
           @customerUserLogin, @customerUserKey, @now, @now, @escalationAt, @pendingUntil)`,
        {
          ...input,
          id: next,
          number,
          isOpen: isOpenType(input.stateType) ? 1 : 0,
          customerKey: input.customerId === null ? null : idKey(input.customerId),
          customerUserKey: input.customerUserLogin === null ? null : idKey(input.customerUserLogin),
          now: now.getTime(),
          escalationAt: input.escalationAt?.getTime() ?? null,
          pendingUntil: input.pendingUntil?.getTime() ?? null,
        },
      );
      return toTicket(this.db.get<TicketRow>(`SELECT * FROM ticket WHERE id = ?`, next)!);
    });
  }

  async update(number: string, patch: TicketPatch, now: Date): Promise<TicketRecord> {
    return this.db.transaction(() => {
      const row = this.db.get<TicketRow>(`SELECT * FROM ticket WHERE number = ?`, number);
      if (!row) throw new NotFoundError(`Ticket '${number}' does not exist`);
      const current = toTicket(row);
      const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as TicketRecord;
      this.db.exec(
        `UPDATE ticket SET title = @title, state = @state, state_type = @stateType, is_open = @isOpen, priority = @priority,
           queue = @queue, escalation_at = @escalationAt, pending_until = @pendingUntil, changed_at = @now WHERE id = @id`,
        {
          id: current.id,
          title: next.title,
          state: next.state,
          stateType: next.stateType,
          isOpen: isOpenType(next.stateType) ? 1 : 0,
          priority: next.priority,
          queue: next.queue,
          escalationAt: next.escalationAt?.getTime() ?? null,
          pendingUntil: next.pendingUntil?.getTime() ?? null,
          now: Math.max(now.getTime(), current.changedAt.getTime()),
        },
      );
      return toTicket(this.db.get<TicketRow>(`SELECT * FROM ticket WHERE id = ?`, current.id)!);
    });
  }

  async renameCustomer(oldCustomerId: string, newCustomerId: string): Promise<void> {
    this.db.exec(
      `UPDATE ticket SET customer_id = ?, customer_key = ? WHERE customer_key = ?`,
      newCustomerId,
      idKey(newCustomerId),
      idKey(oldCustomerId),
    );
  }
}
