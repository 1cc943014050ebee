import { NotFoundError } from '../../src/domain/errors';
import { toPage, type Slice } from '../../src/domain/page';
import { idKey } from '../../src/domain/records';
import {
  isOpenType,
  OPEN_STATE_TYPES,
  ticketListKey,
  ticketNumber,
  type NewTicket,
  type DueCountKind,
  type StateTypeCounts,
  type TicketCounts,
  type TicketListKind,
  type TicketListSpec,
  type TicketOwner,
  type TicketPatch,
  type TicketRecord,
  type TicketStore,
} from '../../src/domain/tickets';
import { jsonParam, type PostgresConnection } from './postgres-connection';
import { inKeyOrder, toTicket, type TicketRow } from './postgres-mapper';

/** The open state types (src/domain/tickets.ts) as an SQL list. */
const OPEN_TYPES_SQL = OPEN_STATE_TYPES.map((t) => `'${t}'`).join(', ');

const OWNER_COLUMN: Record<TicketOwner, string> = { customer: 'customer_key', customerUser: 'customer_user_key' };
const HOUR = 3_600_000;
/** Larger than any epoch-millisecond time or ticket id: the "no cursor" bound. */
const MAX = 9e15;
const ORDER_COLUMN: Record<TicketListKind, string> = { all: 'created_at', open: 'created_at', escalated: 'escalation_at', reminder: 'pending_until' };
const LIST_FILTER: Record<TicketListKind, string> = {
  all: `(k.types IS NULL OR t2.state_type = ANY(k.types))`,
  open: `t2.is_open`,
  escalated: `t2.is_open AND t2.escalation_at <= $2`,
  reminder: `t2.state_type = 'PENDING_REMINDER' AND t2.pending_until <= (CASE WHEN k.reached THEN $2 ELSE ${MAX} END)`,
};
const KINDS: readonly TicketListKind[] = ['escalated', 'reminder', 'open', 'all'];

function ascends(kind: TicketListKind): boolean {
  return kind === 'escalated' || kind === 'reminder';
}

function compareInList(kind: TicketListKind, a: TicketRecord, b: TicketRecord): number {
  const [a0, a1] = ticketListKey(kind, a) as [number, number];
  const [b0, b1] = ticketListKey(kind, b) as [number, number];
  const ascending = a0 - b0 || a1 - b1;
  return ascends(kind) ? ascending : -ascending;
}

/**
 * A customer's counts as columns of a row whose customer key is `key` (an outer column): the same
 * kept rows and sums as {@link PostgresTicketStore.counts}, as correlated subqueries, so that a
 * list page reads them in its own statement (`tc_total`, `tc_open`, `tc_pending`, and
 * `tc_escalated` when `now` is given). `bind` adds a parameter and returns its placeholder.
 */
export function customerCountColumns(key: string, now: Date | null, bind: (value: unknown) => string): string {
  const kept = (filter: string) => `(SELECT coalesce(sum(tc.n), 0) FROM ticket_count tc WHERE tc.owner = 'c' AND tc.owner_key = ${key}${filter})`;
  const columns = [
    `${kept('')} AS tc_total`,
    `${kept(` AND tc.state_type IN (${OPEN_TYPES_SQL})`)} AS tc_open`,
    `${kept(` AND tc.state_type = 'PENDING_REMINDER'`)} AS tc_pending`,
  ];
  if (now) {
    const hour = Math.floor(now.getTime() / HOUR);
    const [at, h, from] = [bind(now.getTime()), bind(hour), bind(hour * HOUR)];
    columns.push(`(SELECT coalesce(sum(d.n), 0) FROM ticket_due d WHERE d.owner = 'c' AND d.owner_key = ${key} AND d.kind = 'e' AND d.hour < ${h})
      + (SELECT count(*) FROM ticket t WHERE t.customer_key = ${key} AND t.is_open AND t.escalation_at >= ${from} AND t.escalation_at <= ${at}) AS tc_escalated`);
  }
  return columns.join(',\n      ');
}

/** The columns of {@link customerCountColumns} as read back. */
export interface CustomerCountColumns {
  tc_total: number;
  tc_open: number;
  tc_pending: number;
  tc_escalated?: number;
}

/** The counts of a row read with {@link customerCountColumns}; those it did not read are null (read on demand). */
export function countsOfColumns(row: CustomerCountColumns, withEscalated: boolean): TicketCounts {
  return {
    total: row.tc_total,
    open: row.tc_open,
    closed: row.tc_total - row.tc_open,
    pendingReminder: row.tc_pending,
    escalated: withEscalated ? row.tc_escalated! : null,
    reminderReached: null,
    byStateType: null,
  };
}

/** The counts of one owner, the clock-dependent ones and those per state type included. */
function countsOf(total: number, open: number, pendingReminder: number, byStateType: StateTypeCounts, escalated: number, reminderReached: number): TicketCounts {
  return { total, open, closed: total - open, pendingReminder, byStateType, escalated, reminderReached };
}

/** The tickets of the helpdesk database on PostgreSQL; numbers from a sequence, unique across replicas. */
export class PostgresTicketStore implements TicketStore {
  private readonly limit: number;

  constructor(
    private readonly db: PostgresConnection,
    maxPageSize: number,
  ) {
    this.limit = maxPageSize + 1;
  }

  /**
   * One statement per batch: the trigger-kept counts and the clock-dependent ones together.
   * SQLite reads the clock-dependent counts lazily (a synchronous second statement when asked
   * for); over the network a second round trip costs more than the indexed sums, so PostgreSQL
   * never needs more statements than SQLite for the same request.
   */
  async counts(owner: TicketOwner, ownerIds: readonly string[], now: Date): Promise<TicketCounts[]> {
    const keys = ownerIds.map(idKey);
    const o = owner === 'customer' ? 'c' : 'u';
    const col = OWNER_COLUMN[owner];
    const hour = Math.floor(now.getTime() / HOUR);
    const due = (kind: 'e' | 'r') =>
      `(SELECT coalesce(sum(d.n), 0) FROM ticket_due d WHERE d.owner = '${o}' AND d.owner_key = k.key AND d.kind = '${kind}' AND d.hour < $3)`;
    const rows = await this.db.query<{ idx: number; total: number; open: number; pending: number; by: Record<string, number> | null; escalated: number; reached: number }>(
      `SELECT k.idx - 1 AS idx, c.total, c.open, c.pending, c.by,
         ${due('e')} + (SELECT count(*) FROM ticket t WHERE t.${col} = k.key AND t.is_open AND t.escalation_at >= $4 AND t.escalation_at <= $2) AS escalated,
         ${due('r')} + (SELECT count(*) FROM ticket t WHERE t.${col} = k.key AND t.state_type = 'PENDING_REMINDER'
           AND t.pending_until >= $4 AND t.pending_until <= $2) AS reached
       FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(c.n), 0) AS total,
           coalesce(sum(c.n) FILTER (WHERE c.state_type IN (${OPEN_TYPES_SQL})), 0) AS open,
           coalesce(sum(c.n) FILTER (WHERE c.state_type = 'PENDING_REMINDER'), 0) AS pending,
           jsonb_object_agg(c.state_type, c.n) FILTER (WHERE c.n > 0) AS by
         FROM ticket_count c WHERE c.owner = '${o}' AND c.owner_key = k.key) c`,
      [keys, now.getTime(), hour, hour * HOUR],
    );
    const out: TicketCounts[] = ownerIds.map(() => countsOf(0, 0, 0, {}, 0, 0));
    for (const r of rows) out[r.idx] = countsOf(r.total, r.open, r.pending, r.by ?? {}, r.escalated, r.reached);
    return out;
  }

  /** Every count comes with `counts` here; these answer callers that ask for one kind alone. */
  async dueCounts(owner: TicketOwner, kind: DueCountKind, ownerIds: readonly string[], now: Date): Promise<number[]> {
    return (await this.counts(owner, ownerIds, now)).map((c) => c[kind]!);
  }

  async stateTypeCounts(owner: TicketOwner, ownerIds: readonly string[]): Promise<StateTypeCounts[]> {
    return (await this.counts(owner, ownerIds, new Date())).map((c) => c.byStateType!);
  }

  async lists(specs: readonly TicketListSpec[], now: Date): Promise<Slice<TicketRecord>[]> {
    const out: Slice<TicketRecord>[] = new Array(specs.length);
    for (const owner of ['customer', 'customerUser'] as const) {
      const mine = specs.map((s, i) => ({ s, i })).filter((x) => x.s.owner === owner);
      if (mine.length === 0) continue;
      const present = new Set(mine.map(({ s }) => `${s.kind}:${s.backward}`));
      const keys = mine.map(({ s, i }) => {
        const [lo, hi] = ascends(s.kind) ? [s.after, s.before] : [s.before, s.after];
        return {
          i, o: idKey(s.ownerId), kind: s.kind, back: s.backward,
          lo0: lo?.[0] ?? -MAX, lo1: lo?.[1] ?? -MAX, hi0: hi?.[0] ?? MAX, hi1: hi?.[1] ?? MAX,
          types: s.stateTypes ?? null, reached: s.reachedOnly, n: Math.min(this.limit, s.size + 1),
        };
      });
      const col = OWNER_COLUMN[owner];
      const branches = KINDS.flatMap((kind) => [false, true].map((backward) => ({ kind, backward })))
        .filter((b) => present.has(`${b.kind}:${b.backward}`))
        .map(({ kind, backward }) => {
          const c = ORDER_COLUMN[kind];
          const dir = ascends(kind) !== backward ? 'ASC' : 'DESC';
          return `SELECT k.i AS idx, t.* FROM k CROSS JOIN LATERAL (
              SELECT * FROM ticket t2 WHERE t2.${col} = k.o AND ${LIST_FILTER[kind]}
                AND (t2.${c}, t2.id) > (k.lo0, k.lo1) AND (t2.${c}, t2.id) < (k.hi0, k.hi1)
              ORDER BY t2.${c} ${dir}, t2.id ${dir} LIMIT k.n) t
            WHERE k.kind = '${kind}' AND k.back = ${backward}`;
        });
      const rows = await this.db.query<TicketRow & { idx: number }>(
        `WITH k AS (SELECT *, $2::bigint AS now_ms FROM jsonb_to_recordset($1::jsonb) AS k(i int, o text, kind text, back boolean, lo0 bigint, lo1 bigint,
           hi0 bigint, hi1 bigint, types text[], reached boolean, n int))
         ${branches.join('\nUNION ALL\n')}`,
        [jsonParam(keys), now.getTime()],
      );
      const byIdx = new Map<number, TicketRecord[]>();
      for (const r of rows) {
        const list = byIdx.get(r.idx);
        if (list) list.push(toTicket(r));
        else byIdx.set(r.idx, [toTicket(r)]);
      }
      for (const { s, i } of mine) {
        const inFetchOrder = (byIdx.get(i) ?? []).sort((a, b) => compareInList(s.kind, a, b) * (s.backward ? -1 : 1));
        out[i] = toPage(inFetchOrder, s, 0, (t) => ticketListKey(s.kind, t));
      }
    }
    return out;
  }

  async byIds(ids: readonly number[]): Promise<(TicketRecord | null)[]> {
    const rows = await this.db.query<TicketRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, t.* FROM unnest($1::bigint[]) WITH ORDINALITY AS k(key, idx) JOIN ticket t ON t.id = k.key`,
      [ids],
    );
    return inKeyOrder(ids.length, rows, toTicket);
  }

  async byNumbers(numbers: readonly string[]): Promise<(TicketRecord | null)[]> {
    const rows = await this.db.query<TicketRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, t.* FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN ticket t ON t.number = k.key`,
      [numbers],
    );
    return inKeyOrder(numbers.length, rows, toTicket);
  }

  async create(input: NewTicket, now: Date): Promise<TicketRecord> {
    return this.db.transaction(async (tx) => {
      const [{ id }] = (await tx.query<{ id: number }>(`SELECT nextval('ticket_id_seq') AS id`)) as [{ id: number }];
      const [row] = await tx.query<TicketRow>(
        `INSERT INTO ticket (id, number, title, state, state_type, is_open, priority, queue, customer_id, customer_key,
           customer_user_login, customer_user_key, created_at, changed_at, escalation_at, pending_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15) RETURNING *`,
        [id, ticketNumber(now, id), input.title, input.state, input.stateType, isOpenType(input.stateType), input.priority, input.queue,
          input.customerId, input.customerId === null ? null : idKey(input.customerId),
          input.customerUserLogin, input.customerUserLogin === null ? null : idKey(input.customerUserLogin),
          now.getTime(), input.escalationAt?.getTime() ?? null, input.pendingUntil?.getTime() ?? null],
      );
      return toTicket(row!);
    });
  }

  async update(number: string, patch: TicketPatch, now: Date): Promise<TicketRecord> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<TicketRow>(`SELECT * FROM ticket WHERE number = $1 FOR UPDATE`, [number]);
      if (!row) throw new NotFoundError(`Ticket '${number}' does not exist`);
      const current = toTicket(row);
      const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as TicketRecord;
      const [updated] = await tx.query<TicketRow>(
        `UPDATE ticket SET title = $2, state = $3, state_type = $4, is_open = $5, priority = $6, queue = $7, escalation_at = $8,
           pending_until = $9, changed_at = $10 WHERE id = $1 RETURNING *`,
        [current.id, next.title, next.state, next.stateType, isOpenType(next.stateType), next.priority, next.queue,
          next.escalationAt?.getTime() ?? null, next.pendingUntil?.getTime() ?? null, Math.max(now.getTime(), current.changedAt.getTime())],
      );
      return toTicket(updated!);
    });
  }

  async renameCustomer(oldCustomerId: string, newCustomerId: string): Promise<void> {
    await this.db.query(`UPDATE ticket SET customer_id = $1, customer_key = $2 WHERE customer_key = $3`, [
      newCustomerId, idKey(newCustomerId), idKey(oldCustomerId),
    ]);
  }
}
