import { NotFoundError } from '../../src/domain/errors';
import { idKey } from '../../src/domain/records';
import {
  isOpenType,
  TicketStateType,
  type NewTicket,
  type TicketCounts,
  type TicketListKind,
  type TicketListSpec,
  type TicketOwner,
  type TicketPatch,
  type TicketRecord,
  type TicketSlice,
  type TicketStore,
} from '../../src/domain/tickets';
import type { SqliteDatabase } from './sqlite-database';
import { inKeyOrder, toTicket, type TicketRow } from './sqlite-mapper';

const OWNER_COLUMN: Record<TicketOwner, string> = { customer: 'customer_key', customerUser: 'customer_user_key' };

/** Larger than any epoch-millisecond time or ticket id: the "no cursor" bound of descending lists. */
const MAX = 9e15;

/**
 * Each widget list as a range of its own index, for every key of the batch at once: the keys are
 * bound as one JSON array; a correlated subquery seeks each key's range (a constant LIMIT, as
 * SQLite refuses a correlated one) and row_number() trims each key to its page size.
 */
const LIST_BRANCH: Record<TicketListKind, (col: string, limit: number) => string> = {
  all: (col, limit) => `SELECT id FROM ticket t2 WHERE t2.${col} = k.o
      AND (k.types IS NULL OR t2.state_type IN (SELECT value FROM json_each(k.types)))
      AND (t2.created_at, t2.id) < (k.a0, k.a1) ORDER BY t2.created_at DESC, t2.id DESC LIMIT ${limit}`,
  open: (col, limit) => `SELECT id FROM ticket t2 WHERE t2.${col} = k.o AND t2.is_open = 1
      AND (t2.created_at, t2.id) < (k.a0, k.a1) ORDER BY t2.created_at DESC, t2.id DESC LIMIT ${limit}`,
  escalated: (col, limit) => `SELECT id FROM ticket t2 WHERE t2.${col} = k.o AND t2.is_open = 1
      AND t2.escalation_at <= @now AND (t2.escalation_at, t2.id) > (k.a0, k.a1)
      ORDER BY t2.escalation_at, t2.id LIMIT ${limit}`,
  reminder: (col, limit) => `SELECT id FROM ticket t2 WHERE t2.${col} = k.o AND t2.state_type = 'PENDING_REMINDER'
      AND t2.pending_until <= (CASE WHEN k.reached THEN @now ELSE ${MAX} END)
      AND (t2.pending_until, t2.id) > (k.a0, k.a1) ORDER BY t2.pending_until, t2.id LIMIT ${limit}`,
};

const ORDER: Record<TicketListKind, string> = {
  all: 't.created_at DESC, t.id DESC',
  open: 't.created_at DESC, t.id DESC',
  escalated: 't.escalation_at, t.id',
  reminder: 't.pending_until, t.id',
};

/** The position of a ticket in a list of that kind. */
export function ticketSortKey(kind: TicketListKind, t: TicketRecord): (string | number)[] {
  switch (kind) {
    case 'escalated':
      return [t.escalationAt!.getTime(), t.id];
    case 'reminder':
      return [t.pendingUntil!.getTime(), t.id];
    default:
      return [t.createdAt.getTime(), t.id];
  }
}

/** The tickets of the helpdesk database. */
export class SqliteTicketStore implements TicketStore {
  private readonly limit: number;

  constructor(
    private readonly db: SqliteDatabase,
    maxPageSize: number,
  ) {
    this.limit = maxPageSize + 1;
  }

  async counts(owner: TicketOwner, ownerIds: readonly string[], now: Date): Promise<TicketCounts[]> {
    const rows = this.db.all<{ idx: number; state_type: TicketStateType; n: number; escalated: number; reached: number }>(
      `SELECT k.key AS idx, t.state_type, count(*) AS n,
         sum(t.escalation_at <= @now) AS escalated, sum(t.pending_until <= @now) AS reached
       FROM json_each(@keys) k JOIN ticket t ON t.${OWNER_COLUMN[owner]} = k.value
       GROUP BY k.key, t.state_type`,
      { keys: JSON.stringify(ownerIds.map(idKey)), now: now.getTime() },
    );
    const acc = ownerIds.map(() => ({ open: 0, closed: 0, escalated: 0, pendingReminder: 0, total: 0, reminderReached: 0, byStateType: {} as Record<string, number> }));
    for (const r of rows) {
      const c = acc[r.idx]!;
      c.byStateType[r.state_type] = r.n;
      c.total += r.n;
      if (isOpenType(r.state_type)) {
        c.open += r.n;
        c.escalated += r.escalated ?? 0;
      } else {
        c.closed += r.n;
      }
      if (r.state_type === TicketStateType.PENDING_REMINDER) {
        c.pendingReminder += r.n;
        c.reminderReached += r.reached ?? 0;
      }
    }
    return acc;
  }

  async lists(specs: readonly TicketListSpec[], now: Date): Promise<TicketSlice[]> {
    const out: TicketSlice[] = specs.map(() => ({ nodes: [], hasNextPage: false, endKey: null }));
    for (const owner of ['customer', 'customerUser'] as const) {
      const mine = specs.map((s, i) => ({ s, i })).filter((x) => x.s.owner === owner);
      if (mine.length === 0) continue;
      const keys = JSON.stringify(
        mine.map(({ s, i }) => {
          const ascending = s.kind === 'escalated' || s.kind === 'reminder';
          return {
            i,
            o: idKey(s.ownerId),
            kind: s.kind,
            n: s.first + 1,
            a0: s.after?.[0] ?? (ascending ? -MAX : MAX),
            a1: s.after?.[1] ?? (ascending ? -MAX : MAX),
            types: s.stateTypes ? JSON.stringify(s.stateTypes) : null,
            reached: s.reachedOnly ? 1 : 0,
          };
        }),
      );
      const rows = this.db.all<TicketRow & { idx: number }>(this.listSql(owner), { keys, now: now.getTime() });
      const byIdx = new Map<number, TicketRecord[]>();
      for (const r of rows) {
        const list = byIdx.get(r.idx) ?? [];
        list.push(toTicket(r));
        byIdx.set(r.idx, list);
      }
      for (const { s, i } of mine) {
        const rowsOf = byIdx.get(i) ?? [];
        const nodes = rowsOf.slice(0, s.first);
        out[i] = {
          nodes,
          hasNextPage: rowsOf.length > s.first,
          endKey: nodes.length > 0 ? ticketSortKey(s.kind, nodes[nodes.length - 1]!) : null,
        };
      }
    }
    return out;
  }

  private listSql(owner: TicketOwner): string {
    const col = OWNER_COLUMN[owner];
    const branches = (Object.keys(LIST_BRANCH) as TicketListKind[]).map(
      (kind) => `SELECT k.i AS idx, t.*, row_number() OVER (PARTITION BY k.i ORDER BY ${ORDER[kind]}) AS rn, k.n AS n
        FROM k JOIN ticket t ON t.id IN (${LIST_BRANCH[kind](col, this.limit)}) WHERE k.kind = '${kind}'`,
    );
    return `WITH k AS (SELECT json_extract(value, '$.i') AS i, json_extract(value, '$.o') AS o,
        json_extract(value, '$.kind') AS kind, json_extract(value, '$.n') AS n, json_extract(value, '$.a0') AS a0,
        json_extract(value, '$.a1') AS a1, json_extract(value, '$.types') AS types,
        json_extract(value, '$.reached') AS reached FROM json_each(@keys))
      SELECT * FROM (${branches.join('\nUNION ALL\n')}) WHERE rn <= n ORDER BY idx, rn`;
  }

  async byNumbers(numbers: readonly string[]): Promise<(TicketRecord | null)[]> {
    const rows = this.db.all<TicketRow & { idx: number }>(
      `SELECT k.key AS idx, t.* FROM json_each(?) k JOIN ticket t ON t.number = k.value`,
      JSON.stringify(numbers),
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

/** OTRS-style date-based ticket number: YYYYMMDD, system id 10, then a counter of six digits or more. */
export function ticketNumber(now: Date, counter: number): string {
  const d = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `${d}10${String(counter).padStart(6, '0')}`;
}
