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
  type TicketStore,
} from '../../src/domain/tickets';
import type { TicketScope } from '../../src/domain/ticket-scope';
import { jsonParam, type PostgresConnection } from './postgres-connection';
import { andScope, dueSql, OPEN_TYPES_SQL, OWNER_COLUMN, scopeSql } from './postgres-count-columns';
import { inKeyOrder, toTicket, type TicketRow } from './postgres-mapper';

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

function compareInList(kind: TicketListKind, a: TicketRecord, b: TicketRecord): number {
  const [a0, a1] = ticketListKey(kind, a) as [number, number];
  const [b0, b1] = ticketListKey(kind, b) as [number, number];
  const ascending = a0 - b0 || a1 - b1;
  return ascends(kind) ? ascending : -ascending;
}

/** The tickets of the helpdesk database on PostgreSQL; numbers from a sequence, unique across replicas. */
export class PostgresTicketStore implements TicketStore {
  readonly capabilities = { agentPermissions: false, writable: true, movesRenamedCustomers: true } as const;
  private readonly limit: number;

  constructor(
    private readonly db: PostgresConnection,
    maxPageSize: number,
  ) {
    this.limit = maxPageSize + 1;
  }

  /**
   * One statement per batch: the trigger-kept counts, and escalated with them when the caller
   * hinted that it reads it (the shipped screens do). Reminders reached and the counts per state
   * type are read by their own statements when a field asks for them (`dueCounts`,
   * `stateTypeCounts`), as on SQLite: the per-state-type JSON and the second clock count cost a
   * third of the statement and no screen shows them.
   */
  async counts(owner: TicketOwner, ownerIds: readonly string[], now: Date, hints: CountHints, scope: TicketScope): Promise<TicketCounts[]> {
    const withEscalated = hints.escalated === true;
    if (scope.kind !== 'all') return this.scopedCounts(owner, ownerIds, now, withEscalated, scope);
    const keys = ownerIds.map(idKey);
    const o = owner === 'customer' ? 'c' : 'u';
    const params: unknown[] = [keys];
    const escalated = withEscalated ? `,\n         ${dueSql(owner, 'e', 'k.key', now, (v) => `$${params.push(v)}`)} AS escalated` : '';
    const rows = await this.db.query<{ idx: number; total: number; open: number; pending: number; escalated?: number }>(
      `SELECT k.idx - 1 AS idx, c.total, c.open, c.pending${escalated}
       FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(c.n), 0) AS total,
           coalesce(sum(c.n) FILTER (WHERE c.state_type IN (${OPEN_TYPES_SQL})), 0) AS open,
           coalesce(sum(c.n) FILTER (WHERE c.state_type = 'PENDING_REMINDER'), 0) AS pending
         FROM ticket_count c WHERE c.owner = '${o}' AND c.owner_key = k.key) c`,
      params,
    );
    const out: TicketCounts[] = ownerIds.map(() => keptCounts(0, 0, 0, withEscalated ? 0 : null));
    for (const r of rows) out[r.idx] = keptCounts(r.total, r.open, r.pending, withEscalated ? r.escalated! : null);
    return out;
  }

  /**
   * {@link counts} under a scope: the kept rows have no queue dimension, so the owners' ticket rows
   * are counted with the scope's condition (one statement per batch, as without a scope).
   */
  private async scopedCounts(owner: TicketOwner, ownerIds: readonly string[], now: Date, withEscalated: boolean, scope: TicketScope): Promise<TicketCounts[]> {
    const params: unknown[] = [ownerIds.map(idKey)];
    const bind = (v: unknown) => `$${params.push(v)}`;
    const escalated = withEscalated ? `,\n           count(*) FILTER (WHERE t.is_open AND t.escalation_at <= ${bind(now.getTime())}) AS escalated` : '';
    const rows = await this.db.query<{ idx: number; total: number; open: number; pending: number; escalated?: number }>(
      `SELECT k.idx - 1 AS idx, c.*
       FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)
       CROSS JOIN LATERAL (
         SELECT count(*) AS total,
           count(*) FILTER (WHERE t.state_type IN (${OPEN_TYPES_SQL})) AS open,
           count(*) FILTER (WHERE t.state_type = 'PENDING_REMINDER') AS pending${escalated}
         FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = k.key${andScope(scope, 't', bind)}) c`,
      params,
    );
    const out: TicketCounts[] = ownerIds.map(() => keptCounts(0, 0, 0, withEscalated ? 0 : null));
    for (const r of rows) out[r.idx] = keptCounts(r.total, r.open, r.pending, withEscalated ? r.escalated! : null);
    return out;
  }

  /** One clock-dependent count per owner, in one statement. */
  async dueCounts(owner: TicketOwner, kind: DueCountKind, ownerIds: readonly string[], now: Date, scope: TicketScope): Promise<number[]> {
    const params: unknown[] = [ownerIds.map(idKey)];
    const bind = (v: unknown) => `$${params.push(v)}`;
    // Under a scope the kept hours (no queue dimension) cannot answer: the owner's rows past their time, with the scope's condition.
    const due =
      scope.kind === 'all'
        ? dueSql(owner, kind === 'escalated' ? 'e' : 'r', 'k.key', now, bind)
        : `(SELECT count(*) FROM ticket t WHERE t.${OWNER_COLUMN[owner]} = k.key AND ${
            kind === 'escalated' ? 't.is_open AND t.escalation_at' : `t.state_type = 'PENDING_REMINDER' AND t.pending_until`} <= ${bind(now.getTime())}${andScope(scope, 't', bind)})`;
    const rows = await this.db.query<{ idx: number; n: number }>(
      `SELECT k.idx - 1 AS idx, ${due} AS n
       FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)`,
      params,
    );
    const out = ownerIds.map(() => 0);
    for (const r of rows) out[r.idx] = r.n;
    return out;
  }

  /** Tickets per state type of many owners from the kept counts (only the non-zero ones), in one statement. */
  async stateTypeCounts(owner: TicketOwner, ownerIds: readonly string[], scope: TicketScope): Promise<StateTypeCounts[]> {
    const params: unknown[] = [ownerIds.map(idKey)];
    const condition = scopeSql(scope, 't', (v) => `$${params.push(v)}`);
    const rows = await this.db.query<{ idx: number; state_type: string; n: number }>(
      condition
        ? `SELECT k.idx - 1 AS idx, t.state_type, count(*) AS n FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)
           JOIN ticket t ON t.${OWNER_COLUMN[owner]} = k.key AND ${condition} GROUP BY k.idx, t.state_type`
        : `SELECT k.idx - 1 AS idx, c.state_type, c.n FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx)
       JOIN ticket_count c ON c.owner = '${owner === 'customer' ? 'c' : 'u'}' AND c.owner_key = k.key AND c.n > 0`,
      params,
    );
    const out: Record<string, number>[] = ownerIds.map(() => ({}));
    for (const r of rows) out[r.idx]![r.state_type] = r.n;
    return out as StateTypeCounts[];
  }

  async lists(specs: readonly TicketListSpec[], now: Date, scope: TicketScope): Promise<Slice<TicketRecord>[]> {
    const out: Slice<TicketRecord>[] = new Array(specs.length);
    for (const owner of ['customer', 'customerUser'] as const) {
      const mine = specs.map((s, i) => ({ s, i })).filter((x) => x.s.owner === owner);
      if (mine.length === 0) continue;
      const present = new Set(mine.map(({ s }) => `${s.kind}:${s.backward}`));
      const keys = mine.map(({ s, i }) => {
        const [lo, hi] = ascendingWindow(s);
        return {
          i, o: idKey(s.ownerId), kind: s.kind, back: s.backward,
          lo0: lo?.[0] ?? -MAX, lo1: lo?.[1] ?? -MAX, hi0: hi?.[0] ?? MAX, hi1: hi?.[1] ?? MAX,
          types: s.stateTypes ?? null, reached: s.reachedOnly, n: Math.min(this.limit, s.size + 1),
        };
      });
      const col = OWNER_COLUMN[owner];
      const params: unknown[] = [jsonParam(keys), now.getTime()];
      const condition = andScope(scope, 't2', (v) => `$${params.push(v)}`);
      const branches = KINDS.flatMap((kind) => [false, true].map((backward) => ({ kind, backward })))
        .filter((b) => present.has(`${b.kind}:${b.backward}`))
        .map(({ kind, backward }) => {
          const c = ORDER_COLUMN[kind];
          const dir = ascends(kind) !== backward ? 'ASC' : 'DESC';
          return `SELECT k.i AS idx, t.* FROM k CROSS JOIN LATERAL (
              SELECT * FROM ticket t2 WHERE t2.${col} = k.o AND ${LIST_FILTER[kind]}${condition}
                AND (t2.${c}, t2.id) > (k.lo0, k.lo1) AND (t2.${c}, t2.id) < (k.hi0, k.hi1)
              ORDER BY t2.${c} ${dir}, t2.id ${dir} LIMIT k.n) t
            WHERE k.kind = '${kind}' AND k.back = ${backward}`;
        });
      const rows = await this.db.query<TicketRow & { idx: number }>(
        `WITH k AS (SELECT *, $2::bigint AS now_ms FROM jsonb_to_recordset($1::jsonb) AS k(i int, o text, kind text, back boolean, lo0 bigint, lo1 bigint,
           hi0 bigint, hi1 bigint, types text[], reached boolean, n int))
         ${branches.join('\nUNION ALL\n')}`,
        params,
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

  async byIds(ids: readonly number[], scope: TicketScope): Promise<(TicketRecord | null)[]> {
    const params: unknown[] = [ids];
    const rows = await this.db.query<TicketRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, t.* FROM unnest($1::bigint[]) WITH ORDINALITY AS k(key, idx) JOIN ticket t ON t.id = k.key${andScope(scope, 't', (v) => `$${params.push(v)}`)}`,
      params,
    );
    return inKeyOrder(ids.length, rows, toTicket);
  }

  async byNumbers(numbers: readonly string[], scope: TicketScope): Promise<(TicketRecord | null)[]> {
    const params: unknown[] = [numbers];
    const rows = await this.db.query<TicketRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, t.* FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN ticket t ON t.number = k.key${andScope(scope, 't', (v) => `$${params.push(v)}`)}`,
      params,
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
