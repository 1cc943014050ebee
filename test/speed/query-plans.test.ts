import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openPostgresStore, type PostgresStore } from '../../adapters/postgres/postgres-store';
import { openSqliteStore, type SqliteStore } from '../../adapters/sqlite/sqlite-store';
import type { DataSource } from '../../src/domain/data-source';
import { Validity } from '../../src/domain/records';
import { TicketStateType, type TicketListKind, type TicketListSpec } from '../../src/domain/tickets';
import { generateDataset } from '../../src/seed/generate';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';

// The statements of the list screens, read back through EXPLAIN QUERY PLAN on a generated database:
// list orders come from an index (no temporary B-tree), widget lists and counts are index ranges
// (no scan of the ticket table). Statements are recorded as the store runs them (SQL and parameters).

interface Recorded {
  readonly sql: string;
  readonly params: unknown[];
}

let dir: string;
let store: SqliteStore;
let source: DataSource;
let recorded: Recorded[] = [];
let heavyCustomer: string;
let busyUser: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helpdesk-plans-'));
  store = openSqliteStore({ path: join(dir, 'plans.db'), label: 'plans', maxPageSize: 100 });
  await generateDataset(store.seedWriter, { customers: 60, users: 300, tickets: 6000, seed: 7, skew: 1.1 });
  store.db.handle.exec('ANALYZE');
  source = store.dataSource({ id: 'local', name: 'Helpdesk database', kind: 'sqlite' } as never);
  const handle = store.db.handle;
  const prepare = handle.prepare.bind(handle);
  // A recording wrapper around the real statements: each run notes its SQL and parameters.
  handle.prepare = ((sql: string) => {
    const statement = prepare(sql) as Statement;
    for (const method of ['all', 'get'] as const) {
      const run = statement[method].bind(statement) as (...p: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
        recorded.push({ sql, params });
        return run(...params);
      };
    }
    return statement;
  }) as typeof handle.prepare;
  heavyCustomer = prepare(`SELECT owner_key FROM ticket_count WHERE owner = 'c' GROUP BY owner_key ORDER BY sum(n) DESC LIMIT 1`).pluck().get() as string;
  busyUser = prepare(`SELECT owner_key FROM ticket_count WHERE owner = 'u' GROUP BY owner_key ORDER BY sum(n) DESC LIMIT 1`).pluck().get() as string;
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The plans of the statements `run` executes: every line (`plan`), and the lines outside
 * correlated scalar subqueries (`outer`: what orders and pages the list, without the per-row
 * lookups such as a customer user's customer ids in position order).
 */
async function plansOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: string[]; outer: string[] }[]> {
  recorded = [];
  await run();
  const mine = recorded;
  recorded = [];
  return mine.map((r) => {
    const rows = store.db.handle.prepare(`EXPLAIN QUERY PLAN ${r.sql}`).all(...(r.params as [])) as { id: number; parent: number; detail: string }[];
    const byId = new Map(rows.map((x) => [x.id, x]));
    const inCorrelated = (x: { parent: number }): boolean => {
      const up = byId.get(x.parent);
      return up !== undefined && (/^CORRELATED SCALAR SUBQUERY/.test(up.detail) || inCorrelated(up));
    };
    return { sql: r.sql, plan: rows.map((x) => x.detail), outer: rows.filter((x) => !inCorrelated(x)).map((x) => x.detail) };
  });
}

const page = { after: null, before: null, size: 50, backward: false };
const lastKey = async () => {
  const first = await source.listCustomers({ ...page, size: 10, search: null, valid: [Validity.VALID] });
  return first.endKey!;
};

describe('SQLite query plans', () => {
  test('the customer list: every shape reads its order from an index, no temporary B-tree', async () => {
    const after = await lastKey();
    const shapes = [
      { ...page, search: null, valid: [Validity.VALID] },
      { ...page, after, search: null, valid: [Validity.VALID] },
      { ...page, before: after, backward: true, search: null, valid: [Validity.VALID] },
      { ...page, backward: true, search: null, valid: [Validity.VALID] },
      { ...page, search: 'a', valid: [Validity.VALID] },
      { ...page, search: null, valid: [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY] },
    ];
    for (const q of shapes) {
      const plans = await plansOf(() => source.listCustomers(q));
      expect(plans).toHaveLength(1);
      const plan = plans[0]!.plan.join('\n');
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect(plan).toMatch(/USING (COVERING )?INDEX customer_(valid_)?order/);
      expect(plan).not.toMatch(/SCAN customer$/m);
    }
  });

  test('the default customer list page is a range of customer_valid_order, its total a covering count of it', async () => {
    const plans = await plansOf(() => source.listCustomers({ ...page, search: null, valid: [Validity.VALID] }));
    const plan = plans[0]!.plan;
    expect(plan.filter((l) => /SEARCH customer USING INDEX customer_valid_order \(valid=\?\)/.test(l))).toHaveLength(1);
    expect(plan.filter((l) => /SEARCH customer USING COVERING INDEX customer_valid_order \(valid=\?\)/.test(l))).toHaveLength(1);
  });

  test('the customer user lists: no temporary B-tree for the list order', async () => {
    const shapes = [
      { ...page, search: null, valid: [Validity.VALID], customerId: null },
      { ...page, backward: true, search: null, valid: [Validity.VALID], customerId: null },
      { ...page, search: 'm', valid: [Validity.VALID], customerId: null },
      { ...page, search: null, valid: [Validity.VALID], customerId: heavyCustomer },
    ];
    for (const q of shapes) {
      const plans = await plansOf(() => source.listCustomerUsers(q));
      expect(plans).toHaveLength(1);
      expect(plans[0]!.outer.join('\n')).not.toMatch(/TEMP B-TREE/);
      expect(plans[0]!.outer.join('\n')).toMatch(/USING (COVERING )?INDEX customer_user_order|USING (COVERING )?INDEX customer_user_customer_order/);
    }
    // A customer's customer users (the detail view): a range of customer_user_customer_order per customer.
    const plans = await plansOf(() => source.customerUsersOfCustomers([{ ...page, size: 25, customerId: heavyCustomer, valid: [Validity.VALID] }]));
    expect(plans).toHaveLength(1);
    expect(plans[0]!.plan.join('\n')).toMatch(/SEARCH x USING (COVERING )?INDEX customer_user_customer_order \(customer_key=\?/);
  });

  test('every widget list, both directions, for customers and customer users, is a range of its own index', async () => {
    const kinds: TicketListKind[] = ['escalated', 'reminder', 'open', 'all'];
    const specs: TicketListSpec[] = [];
    for (const owner of ['customer', 'customerUser'] as const) {
      for (const kind of kinds) {
        for (const backward of [false, true]) {
          specs.push({
            owner,
            ownerId: owner === 'customer' ? heavyCustomer : busyUser,
            kind,
            after: null,
            before: null,
            size: 10,
            backward,
            stateTypes: kind === 'all' && backward ? [TicketStateType.CLOSED] : null,
            reachedOnly: false,
          });
        }
      }
    }
    const plans = await plansOf(() => store.tickets.lists(specs, new Date(), ALL_TICKETS));
    expect(plans).toHaveLength(2); // one statement per owner kind
    const text = plans.map((p) => p.plan.join('\n')).join('\n');
    expect(text).not.toMatch(/SCAN t2\b|SCAN ticket\b|SCAN t\b/);
    const index = { escalated: 'escalation', reminder: 'pending', open: 'open', all: 'all' } as const;
    for (const [owner, prefix, column] of [[0, 'c', 'customer_key'], [1, 'u', 'customer_user_key']] as const) {
      const plan = plans[owner]!.plan.join('\n');
      for (const kind of kinds) {
        // Two branches per kind (forward and backward), each a keyed range of the kind's index.
        const range = new RegExp(`SEARCH t2 USING (COVERING )?INDEX ticket_${prefix}_${index[kind]} \\(${column}=\\?`, 'g');
        expect(plan.match(range)?.length).toBe(2);
      }
    }
  });

  test("a detail view's few widgets: one branch per list, each a range of its kind's index, paged both ways", async () => {
    const first = await store.tickets.lists([{ owner: 'customer', ownerId: heavyCustomer, kind: 'all', after: null, before: null, size: 3, backward: false, stateTypes: null, reachedOnly: false }], new Date(), ALL_TICKETS);
    const cursor = first[0]!.endKey!;
    const widget = (kind: TicketListKind, extra: Partial<TicketListSpec> = {}): TicketListSpec => ({
      owner: 'customer', ownerId: heavyCustomer, kind, after: null, before: null, size: 10, backward: false, stateTypes: null, reachedOnly: false, ...extra,
    });
    const specs = [widget('escalated'), widget('reminder', { reachedOnly: true }), widget('open', { backward: true, before: cursor }), widget('all', { after: cursor, stateTypes: [TicketStateType.CLOSED] })];
    const plans = await plansOf(() => store.tickets.lists(specs, new Date(), ALL_TICKETS));
    expect(plans).toHaveLength(1);
    const plan = plans[0]!.plan.join('\n');
    expect(plans[0]!.sql).not.toMatch(/json_extract/);
    expect(plan).not.toMatch(/SCAN t2\b|SCAN ticket\b|SCAN t\b/);
    for (const index of ['escalation', 'pending', 'open', 'all']) expect(plan).toMatch(new RegExp(`SEARCH t2 USING (COVERING )?INDEX ticket_c_${index} \\(customer_key=\\?`));
    // The same pages as the batched statement gives when many lists share it.
    const now = new Date();
    const alone = await store.tickets.lists(specs, now, ALL_TICKETS);
    expect(alone.reduce((n, p) => n + p.nodes.length, 0)).toBeGreaterThan(10);
    const batched = await store.tickets.lists([...specs, ...Array.from({ length: 8 }, () => widget('all', { ownerId: busyUser, owner: 'customerUser' })), ...specs], now, ALL_TICKETS);
    expect(batched.slice(0, 4)).toEqual(alone);
    expect(batched.slice(12)).toEqual(alone);
  });

  test('counts: one keyed read of ticket_count; escalated from ticket_due and a range of the current hour; nothing scans tickets', async () => {
    const plans = await plansOf(async () => {
      const now = new Date();
      const [c] = await store.tickets.counts('customer', [heavyCustomer], now, {}, ALL_TICKETS);
      const [escalated] = await store.tickets.dueCounts('customer', 'escalated', [heavyCustomer], now, ALL_TICKETS);
      const [reached] = await store.tickets.dueCounts('customer', 'reminderReached', [heavyCustomer], now, ALL_TICKETS);
      const [by] = await store.tickets.stateTypeCounts('customer', [heavyCustomer], ALL_TICKETS);
      return [c!.open, c!.escalated, escalated, reached, by];
    });
    expect(plans).toHaveLength(4); // counts, escalated, reminder reached, per state type: each its own statement, run by its caller
    const text = plans.map((p) => p.plan.join('\n')).join('\n');
    expect(text).not.toMatch(/SCAN (t|ticket|c|d)\b/);
    expect(text).toMatch(/SEARCH c USING PRIMARY KEY \(owner=\? AND owner_key=\?\)/);
    expect(text).toMatch(/SEARCH d USING PRIMARY KEY \(owner=\? AND owner_key=\? AND kind=\? AND hour<\?\)/);
    expect(text).toMatch(/SEARCH t USING COVERING INDEX ticket_c_escalation \(customer_key=\? AND is_open=\? AND escalation_at>\? AND escalation_at<\?\)/);
    // Hinted by the selection (a screen showing escalated): escalated comes in the counts statement, same values.
    const now = new Date();
    const keys = [heavyCustomer, 'no-such-customer'];
    const plain = await store.tickets.counts('customer', keys, now, {}, ALL_TICKETS);
    const hinted = await plansOf(async () => (await store.tickets.counts('customer', keys, now, { escalated: true }, ALL_TICKETS)).map((c) => [c.open, c.closed, c.total, c.pendingReminder, c.escalated]));
    expect(hinted).toHaveLength(1);
    expect(hinted[0]!.plan.join('\n')).not.toMatch(/SCAN (t|ticket|c|d)\b/);
    const values = await store.tickets.counts('customer', keys, now, { escalated: true }, ALL_TICKETS);
    const escalated = await store.tickets.dueCounts('customer', 'escalated', keys, now, ALL_TICKETS);
    expect(values.map((c) => [c.open, c.closed, c.total, c.pendingReminder, c.escalated])).toEqual(plain.map((c, i) => [c.open, c.closed, c.total, c.pendingReminder, escalated[i]]));
    expect(plain[0]!.escalated).toBeNull();
    expect(escalated[0]).toBeGreaterThan(0);
    // open/closed alone: one statement, and it builds no per-state-type JSON.
    const listPlans = await plansOf(async () => (await store.tickets.counts('customer', [heavyCustomer], new Date(), {}, ALL_TICKETS))[0]!.open);
    expect(listPlans).toHaveLength(1);
    expect(listPlans[0]!.sql).not.toMatch(/json_group_object/);
  });
});

// ---- PostgreSQL -------------------------------------------------------------------------------
// The same screens on the PostgreSQL store, read back through EXPLAIN. The store is the remote
// kind (capabilities.remote): plans come from EXPLAIN on a connection, not EXPLAIN QUERY PLAN.

describe('PostgreSQL query plans', () => {
  let pg: PostgresServer;
  let pgStore: PostgresStore;
  let pgSource: DataSource;
  let pgRecorded: Recorded[] = [];
  let pgHeavy: string;
  let pgBusyUser: string;
  let pgExplain: (sql: string, params: readonly unknown[]) => Promise<{ 'QUERY PLAN': string }[]>;

  beforeAll(async () => {
    pg = await startPostgres();
    pgStore = openPostgresStore({
      url: await pg.createDatabase('plans'),
      label: 'plans',
      maxPageSize: 100,
      pool: { size: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 5000 },
    });
    expect(pgStore.capabilities.remote).toBe(true);
    await generateDataset(pgStore.seedWriter, { customers: 2000, users: 6000, tickets: 40000, seed: 7, skew: 1.1 });
    await pgStore.db.query('ANALYZE');
    pgSource = pgStore.dataSource({ id: 'local', name: 'Helpdesk database' } as never);
    pgHeavy = (await pgStore.db.query<{ k: string }>(`SELECT owner_key AS k FROM ticket_count WHERE owner = 'c' GROUP BY owner_key ORDER BY sum(n) DESC LIMIT 1`))[0]!.k;
    pgBusyUser = (await pgStore.db.query<{ k: string }>(`SELECT owner_key AS k FROM ticket_count WHERE owner = 'u' GROUP BY owner_key ORDER BY sum(n) DESC LIMIT 1`))[0]!.k;
    const query = pgStore.db.query.bind(pgStore.db);
    // The same recording wrapper as on SQLite: each statement notes its SQL and parameters.
    pgStore.db.query = (async (sql: string, params: readonly unknown[] = []) => {
      pgRecorded.push({ sql, params: [...params] });
      return query(sql, params);
    }) as typeof pgStore.db.query;
    pgExplain = query as typeof pgExplain;
  }, 300_000);
  afterAll(async () => {
    await pgStore?.close();
    await pg?.stop();
  });

  async function pgPlansOf(run: () => Promise<unknown>): Promise<{ sql: string; plan: string }[]> {
    pgRecorded = [];
    await run();
    const mine = pgRecorded;
    pgRecorded = [];
    const out: { sql: string; plan: string }[] = [];
    for (const r of mine) out.push({ sql: r.sql, plan: (await pgExplain(`EXPLAIN ${r.sql}`, r.params)).map((x) => x['QUERY PLAN']).join('\n') });
    return out;
  }

  /** The part of a plan under its first Limit: how the page itself is read. */
  const underLimit = (plan: string) => plan.slice(plan.indexOf('Limit'));

  test('the customer list: the page is read in index order under its limit, no sort anywhere; the total is a read of the kept counts', async () => {
    const first = await pgSource.listCustomers({ ...page, size: 10, search: null, valid: [Validity.VALID] });
    for (const q of [
      { ...page, search: null, valid: [Validity.VALID] },
      { ...page, after: first.endKey, search: null, valid: [Validity.VALID] },
      { ...page, backward: true, search: null, valid: [Validity.VALID] },
      { ...page, search: null, valid: [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY] },
    ]) {
      const plans = await pgPlansOf(() => pgSource.listCustomers(q));
      expect(plans).toHaveLength(1);
      const plan = plans[0]!.plan;
      // No sort anywhere: not above the join of total and page (the shape before sorted the page again), not below the limit.
      expect(plan.split('\n')[0]).toMatch(/^Nested Loop Left Join/);
      expect(plan).not.toMatch(/Sort/);
      expect(underLimit(plan)).toMatch(/Index (Only )?Scan( Backward)? using customer_(valid_)?order on customer/);
      // The total: the kept count per validity, never a scan of the customer table.
      expect(plan).toMatch(/InitPlan/);
      expect(plan).toMatch(/on customer_count/);
      expect(plan).not.toMatch(/Seq Scan on customer\b/);
    }
  });

  test('the kept customer counts equal the table after writes that change validity', async () => {
    const totals = async () => {
      const out: number[] = [];
      for (const valid of [[Validity.VALID], [Validity.INVALID], [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY]]) {
        const listed = (await pgSource.listCustomers({ ...page, size: 1, search: null, valid })).totalCount;
        const [{ n }] = (await pgStore.db.query<{ n: number }>(`SELECT count(*) AS n FROM customer WHERE valid = ANY($1::text[])`, [valid])) as [{ n: number }];
        expect(listed).toBe(n);
        out.push(listed);
      }
      return out;
    };
    const before = await totals();
    const [one] = (await pgSource.listCustomers({ ...page, size: 1, search: null, valid: [Validity.VALID] })).nodes;
    await pgSource.updateCustomer(one!.customerId, { valid: Validity.INVALID });
    await pgSource.createCustomer({ customerId: 'plans-new', name: 'Plans New Customer', valid: Validity.VALID, street: null, zip: null, city: null, countryCode: 'DE', url: null, comment: null });
    const after = await totals();
    expect(after[0]).toBe(before[0]!); // one VALID → INVALID, one new VALID
    expect(after[1]).toBe(before[1]! + 1);
    expect(after[2]).toBe(before[2]! + 1);
    // An empty window (after the last key) still has its total, in the same one statement.
    const last = await pgSource.listCustomers({ ...page, backward: true, size: 1, search: null, valid: [Validity.VALID] });
    const beyondPlans = await pgPlansOf(() => pgSource.listCustomers({ ...page, after: last.endKey, search: null, valid: [Validity.VALID] }));
    expect(beyondPlans).toHaveLength(1);
    const beyond = await pgSource.listCustomers({ ...page, after: last.endKey, search: null, valid: [Validity.VALID] });
    expect(beyond.nodes).toHaveLength(0);
    expect(beyond.totalCount).toBe(after[0]);
  });

  test('every widget list, both directions, is an index range keyed by its owner; no sequential scan of tickets', async () => {
    const specs: TicketListSpec[] = [];
    for (const owner of ['customer', 'customerUser'] as const) {
      for (const kind of ['escalated', 'reminder', 'open', 'all'] as TicketListKind[]) {
        for (const backward of [false, true]) {
          specs.push({ owner, ownerId: owner === 'customer' ? pgHeavy : pgBusyUser, kind, after: null, before: null, size: 10, backward, stateTypes: null, reachedOnly: false });
        }
      }
    }
    const plans = await pgPlansOf(() => pgStore.tickets.lists(specs, new Date(), ALL_TICKETS));
    expect(plans.length).toBeGreaterThan(0);
    const text = plans.map((p) => p.plan).join('\n');
    expect(text).not.toMatch(/Seq Scan on ticket\b/);
    // 16 branches (2 owners × 4 kinds × 2 directions), each an index scan whose condition starts at the owner key.
    expect(text.match(/Index (Only )?Scan( Backward)? using ticket_[cu]_(escalation|pending|open|all) on ticket/g)?.length).toBe(16);
    // Each index serves its own kind: open pages read the partial open indexes (both directions, both owners), not ticket_[cu]_all with a filter.
    for (const owner of ['c', 'u']) {
      for (const index of ['escalation', 'pending', 'open', 'all']) {
        expect(text.match(new RegExp(`Scan( Backward)? using ticket_${owner}_${index} on ticket`, 'g'))?.length).toBe(2);
      }
    }
    expect(text.match(/Index Cond: \(\((customer_key|customer_user_key) = k(_\d+)?\.o\)/g)?.length).toBe(16);
    for (const index of ['escalation', 'pending', 'open', 'all']) expect(text).toMatch(new RegExp(`using ticket_c_${index} on ticket`));
  });

  test('counts: keyed reads of the kept counts; no sequential scan of tickets', async () => {
    const plans = await pgPlansOf(async () => {
      const [c] = await pgStore.tickets.counts('customer', [pgHeavy], new Date(), {}, ALL_TICKETS);
      return [c!.open, c!.escalated];
    });
    const text = plans.map((p) => p.plan).join('\n');
    expect(text).not.toMatch(/Seq Scan on (ticket|ticket_count|ticket_due)\b/);
    expect(text).toMatch(/Index (Only )?Scan using ticket_count_pkey on ticket_count/);
  });
});
