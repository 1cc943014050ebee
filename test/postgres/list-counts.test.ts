import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openPostgresStore, type PostgresStore } from '../../adapters/postgres/postgres-store';
import { openSqliteStore, type SqliteStore } from '../../adapters/sqlite/sqlite-store';
import type { CustomerQuery, DataSource } from '../../src/domain/data-source';
import { idKey, Validity } from '../../src/domain/records';
import type { TicketCounts, TicketStore } from '../../src/domain/tickets';
import { generateDataset } from '../../src/seed/generate';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';

// A customer list page may bring its customers' ticket counts in its own statement (the list
// screen then costs one statement). On both engines: the counts equal what the ticket store's
// counts statement answers for the same customers and clock, on every page shape; a source over
// a file without the helpdesk's tickets brings none; and the statement's plan reads the page in
// index order with every count a keyed read (no scan of the ticket table, no sort).

const DATASET = { customers: 80, users: 400, tickets: 6000, seed: 11, skew: 1.1 };
const page = { after: null, before: null, size: 20, backward: false, search: null, valid: [Validity.VALID] };

/** The page shapes a list can ask for. */
async function shapes(source: DataSource): Promise<CustomerQuery[]> {
  const first = await source.listCustomers({ ...page, size: 10 });
  return [
    page,
    { ...page, after: first.endKey },
    { ...page, backward: true },
    { ...page, backward: true, before: first.endKey },
    { ...page, search: 'a' },
    { ...page, valid: [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY] },
    { ...page, size: 0 },
  ];
}

async function expectCountsOfTheStore(source: DataSource, tickets: TicketStore, now: Date): Promise<number> {
  let compared = 0;
  for (const q of await shapes(source)) {
    for (const escalated of [true, false]) {
      const plain = await source.listCustomers(q);
      const withCounts = await source.listCustomersWithCounts!(q, { now, escalated, scope: ALL_TICKETS });
      // The records and the page are the same as without counts.
      const { counts: ticketCounts, page: rest } = withCounts;
      expect(rest).toEqual(plain);
      expect(ticketCounts).toBeDefined();
      const keys = plain.nodes.map((c) => idKey(c.customerId));
      const expected = await tickets.counts('customer', keys, now, { escalated }, ALL_TICKETS);
      keys.forEach((k, i) => {
        const got = ticketCounts!.get(k) as TicketCounts;
        expect({ k, got }).toEqual({ k, got: expected[i] });
      });
      compared += keys.length;
    }
  }
  return compared;
}

/** A customer's user pages with their users' counts equal the ticket store's counts of those users. */
async function expectUserCountsOfTheStore(source: DataSource, tickets: TicketStore, customerIds: readonly string[], now: Date, batched: boolean): Promise<number> {
  let compared = 0;
  for (const escalated of [true, false]) {
    for (const backward of [false, true]) {
      const queries = customerIds.map((customerId) => ({ after: null, before: null, size: 5, backward, customerId, valid: [Validity.VALID] }));
      const asked = batched ? [queries] : queries.map((q) => [q]);
      for (const batch of asked) {
        const plain = await source.customerUsersOfCustomers(batch);
        const withCounts = await source.customerUsersOfCustomersWithCounts!(batch, { now, escalated, scope: ALL_TICKETS });
        for (let i = 0; i < batch.length; i++) {
          const [rest, ticketCounts] = [withCounts.pages[i]!, withCounts.counts];
          expect(rest).toEqual(plain[i]);
          expect(ticketCounts).toBeDefined();
          const keys = plain[i]!.nodes.map((u) => idKey(u.login));
          const expected = await tickets.counts('customerUser', keys, now, { escalated }, ALL_TICKETS);
          keys.forEach((k, j) => expect({ k, got: ticketCounts!.get(k) }).toEqual({ k, got: expected[j] }));
          compared += keys.length;
        }
      }
    }
  }
  return compared;
}

/** Customers with the most users (their pages are full). */
async function busyCustomers(source: DataSource): Promise<string[]> {
  const all = await source.listCustomers({ ...page, size: 100 });
  const sized = await Promise.all(all.nodes.map(async (c) => ({ c, n: (await source.customerUsersOfCustomers([{ after: null, before: null, size: 1, backward: false, customerId: c.customerId, valid: [Validity.VALID] }]))[0]!.totalCount })));
  return sized.sort((a, b) => b.n - a.n).slice(0, 4).map((x) => x.c.customerId);
}

describe('SQLite: a customer page with its counts', () => {
  let dir: string;
  let store: SqliteStore;
  let source: DataSource;
  /** Every run of a statement that reads counts with a page: its SQL and parameters. */
  const recorded: { sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-list-counts-'));
    store = openSqliteStore({ path: join(dir, 'list.db'), label: 'list', maxPageSize: 100 });
    await generateDataset(store.seedWriter, DATASET);
    store.db.handle.exec('ANALYZE');
    source = store.dataSource({ id: 'local', name: 'Helpdesk database' } as never);
    const handle = store.db.handle;
    const prepare = handle.prepare.bind(handle);
    handle.prepare = ((sql: string) => {
      const statement = prepare(sql) as Statement;
      const all = statement.all.bind(statement) as (...p: unknown[]) => unknown[];
      (statement as unknown as { all: typeof all }).all = (...params: unknown[]) => {
        if (sql.includes('tc_total')) recorded.push({ sql, params });
        return all(...params);
      };
      return statement;
    }) as typeof handle.prepare;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the counts equal the ticket store counts on every page shape, with and without escalated', async () => {
    // A clock inside the data: some tickets escalated before the current hour, some within it.
    const now = new Date();
    expect(await expectCountsOfTheStore(source, store.tickets, now)).toBeGreaterThan(100);
  });

  test("a customer's user page brings its users' counts, equal to the ticket store's (one customer per call; a batch of several brings none)", async () => {
    const customers = await busyCustomers(source);
    expect(await expectUserCountsOfTheStore(source, store.tickets, customers, new Date(), false)).toBeGreaterThan(20);
    const batch = await source.customerUsersOfCustomersWithCounts!(customers.map((customerId) => ({ after: null, before: null, size: 5, backward: false, customerId, valid: [Validity.VALID] })), { now: new Date(), escalated: true, scope: ALL_TICKETS });
    expect(batch.counts.size).toBe(0);
  });

  test("plan of a customer's user page with counts: a range of customer_user_customer_order, each count a keyed read, no scan of tickets", async () => {
    const [customerId] = await busyCustomers(source);
    for (const backward of [false, true]) {
      recorded.length = 0;
      await source.customerUsersOfCustomersWithCounts!([{ after: null, before: null, size: 25, backward, customerId: customerId!, valid: [Validity.VALID] }], { now: new Date(), escalated: true, scope: ALL_TICKETS });
      expect(recorded).toHaveLength(1);
      const { sql, params } = recorded[0]!;
      const plan = (store.db.handle.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as [])) as { detail: string }[]).map((r) => r.detail);
      expect(plan.some((l) => /SEARCH x USING (COVERING )?INDEX customer_user_customer_order \(customer_key=\?\)/.test(l))).toBe(true);
      expect(plan.filter((l) => /^SCAN (t|ticket|x|u)\b/.test(l))).toEqual([]);
      expect(plan.filter((l) => /SEARCH tc USING PRIMARY KEY \(owner=\? AND owner_key=\?/.test(l)).length).toBe(3);
      expect(plan.filter((l) => /SEARCH d USING PRIMARY KEY \(owner=\? AND owner_key=\? AND kind=\? AND hour<\?\)/.test(l)).length).toBe(1);
      expect(plan.filter((l) => /SEARCH t USING (COVERING )?INDEX ticket_u_/.test(l)).length).toBe(1);
      // The only sorts: none for the page (the customer ids of a user are ordered by position in their own subquery).
      expect(plan.filter((l) => /TEMP B-TREE/.test(l)).length).toBeLessThanOrEqual(1);
    }
  });

  test('one statement for the page, its total and its counts; a file without the tickets brings none', async () => {
    let counted = 0;
    const counting = openSqliteStore({ path: join(dir, 'list.db'), label: 'list', maxPageSize: 100, onStatement: () => counted++ });
    try {
      const countingSource = counting.dataSource({ id: 'local', name: 'Helpdesk database' } as never);
      counted = 0;
      const first = await countingSource.listCustomersWithCounts!(page, { now: new Date(), escalated: true, scope: ALL_TICKETS });
      expect(first.counts.size).toBe(first.page.nodes.length + 1); // the page and the row that tells more follow
      expect(counted).toBe(1);
    } finally {
      await counting.close();
    }
    const withCounts = await source.listCustomersWithCounts!(page, { now: new Date(), escalated: true, scope: ALL_TICKETS });
    expect(withCounts.counts.size).toBeGreaterThan(0);
    expect(source.capabilities.countsWithPages).toBe(true);
    const elsewhere = store.dataSource({ id: 'other', name: 'Another file' } as never, false);
    expect(elsewhere.capabilities.countsWithPages).toBe(false);
    const plain = await elsewhere.listCustomersWithCounts!(page, { now: new Date(), escalated: true, scope: ALL_TICKETS });
    expect(plain.counts.size).toBe(0);
    expect(plain.page.nodes.length).toBe(withCounts.page.nodes.length);
  });

  test('plan: the page is a range of customer_valid_order, no temporary B-tree; every count a keyed read, no scan of tickets', async () => {
    const now = new Date();
    for (const q of await shapes(source)) {
      recorded.length = 0;
      await source.listCustomersWithCounts!(q, { now, escalated: true, scope: ALL_TICKETS });
      expect(recorded).toHaveLength(1);
      const { sql, params } = recorded[0]!;
      const plan = (store.db.handle.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as [])) as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((l) => /TEMP B-TREE/.test(l))).toEqual([]);
      expect(plan.filter((l) => /^SCAN (t|ticket)\b/.test(l))).toEqual([]);
      expect(plan.some((l) => /SEARCH customer USING (COVERING )?INDEX customer_(valid_)?order/.test(l) || /SCAN customer USING INDEX customer_(valid_)?order/.test(l))).toBe(true);
      expect(plan.filter((l) => /SEARCH tc USING PRIMARY KEY \(owner=\? AND owner_key=\?/.test(l)).length).toBe(3);
      expect(plan.filter((l) => /SEARCH d USING PRIMARY KEY \(owner=\? AND owner_key=\? AND kind=\? AND hour<\?\)/.test(l)).length).toBe(1);
      expect(plan.filter((l) => /SEARCH t USING (COVERING )?INDEX ticket_c_/.test(l)).length).toBe(1);
    }
  });
});

describe('PostgreSQL: a customer page with its counts', () => {
  let pg: PostgresServer;
  let store: PostgresStore;
  let source: DataSource;
  let recorded: { sql: string; params: unknown[] }[] = [];
  let explain: (sql: string, params: readonly unknown[]) => Promise<{ 'QUERY PLAN': string }[]>;

  beforeAll(async () => {
    pg = await startPostgres();
    store = openPostgresStore({
      url: await pg.createDatabase('listcounts'),
      label: 'list',
      maxPageSize: 100,
      pool: { size: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 5000 },
    });
    await generateDataset(store.seedWriter, { ...DATASET, customers: 1500 });
    await store.db.query('ANALYZE');
    source = store.dataSource({ id: 'local', name: 'Helpdesk database' } as never);
    const query = store.db.query.bind(store.db);
    store.db.query = (async (sql: string, params: readonly unknown[] = []) => {
      recorded.push({ sql, params: [...params] });
      return query(sql, params);
    }) as typeof store.db.query;
    explain = query as typeof explain;
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    await pg?.stop();
  });

  test('the counts equal the ticket store counts on every page shape, with and without escalated', async () => {
    const now = new Date();
    // The PostgreSQL store reads every count at once; the page brings those the list shows.
    const tickets: TicketStore = {
      ...store.tickets,
      counts: async (owner, keys, at, hints, scope) =>
        (await (store.tickets as TicketStore).counts(owner, keys, at, hints, scope)).map((c) => ({ ...c, escalated: hints?.escalated ? c.escalated : null, reminderReached: null, byStateType: null })),
    } as TicketStore;
    expect(await expectCountsOfTheStore(source, tickets, now)).toBeGreaterThan(100);
  });

  test("customers' user pages bring their users' counts, equal to the ticket store's, one customer or a batch", async () => {
    const customers = await busyCustomers(source);
    const tickets = (store.tickets as TicketStore);
    for (const batched of [false, true]) expect(await expectUserCountsOfTheStore(source, tickets, customers, new Date(), batched)).toBeGreaterThan(20);
  });

  test("plan of customers' user pages with counts: no sort of tickets, counts by keyed index reads, no sequential scan of tickets", async () => {
    const customers = await busyCustomers(source);
    recorded = [];
    await source.customerUsersOfCustomersWithCounts!(customers.map((customerId) => ({ after: null, before: null, size: 25, backward: false, customerId, valid: [Validity.VALID] })), { now: new Date(), escalated: true, scope: ALL_TICKETS });
    expect(recorded).toHaveLength(1);
    const plan = (await explain(`EXPLAIN ${recorded[0]!.sql}`, recorded[0]!.params)).map((x) => x['QUERY PLAN']).join('\n');
    expect(plan).not.toMatch(/Seq Scan on (ticket|ticket_count|ticket_due|customer_user_customer)\b/);
    expect(plan).toMatch(/(Index|Index Only) Scan using ticket_count_pkey on ticket_count/);
    expect(plan).toMatch(/(Index|Index Only) Scan using ticket_due_pkey on ticket_due/);
  });

  test('counts by hint: escalated with the others only when hinted; reminders reached and per state type by their own statements, equal to the ticket table', async () => {
    const now = new Date();
    const owners = (await store.db.query<{ k: string }>(`SELECT DISTINCT customer_user_key AS k FROM ticket WHERE customer_user_key IS NOT NULL ORDER BY 1 LIMIT 40`)).map((r) => r.k);
    const truth = await store.db.query<{ k: string; escalated: number; reached: number; by: Record<string, number> }>(
      `SELECT t.customer_user_key AS k,
         count(*) FILTER (WHERE t.is_open AND t.escalation_at <= $2) AS escalated,
         count(*) FILTER (WHERE t.state_type = 'PENDING_REMINDER' AND t.pending_until <= $2) AS reached,
         (SELECT jsonb_object_agg(s, n) FROM (SELECT state_type AS s, count(*) AS n FROM ticket x WHERE x.customer_user_key = t.customer_user_key GROUP BY 1) y) AS by
       FROM ticket t WHERE t.customer_user_key = ANY($1::text[]) GROUP BY 1`,
      [owners, now.getTime()],
    );
    const byKey = new Map(truth.map((r) => [r.k, r]));
    recorded = [];
    const plain = await store.tickets.counts('customerUser', owners, now, {}, ALL_TICKETS);
    const hinted = await store.tickets.counts('customerUser', owners, now, { escalated: true }, ALL_TICKETS);
    const reached = await store.tickets.dueCounts('customerUser', 'reminderReached', owners, now, ALL_TICKETS);
    const escalated = await store.tickets.dueCounts('customerUser', 'escalated', owners, now, ALL_TICKETS);
    const byType = await store.tickets.stateTypeCounts('customerUser', owners, ALL_TICKETS);
    expect(recorded).toHaveLength(5);
    owners.forEach((k, i) => {
      const t = byKey.get(k)!;
      expect({ k, escalated: plain[i]!.escalated, reached: plain[i]!.reminderReached, by: plain[i]!.byStateType }).toEqual({ k, escalated: null, reached: null, by: null });
      expect({ k, hinted: hinted[i]!.escalated, escalated: escalated[i], reached: reached[i], by: byType[i] }).toEqual({ k, hinted: t.escalated, escalated: t.escalated, reached: t.reached, by: t.by });
    });
  });

  test('one statement; plan: the page in index order under its limit, no sort, every count an index read, no scan of tickets', async () => {
    const now = new Date();
    for (const q of await shapes(source)) {
      recorded = [];
      await source.listCustomersWithCounts!(q, { now, escalated: true, scope: ALL_TICKETS });
      expect(recorded).toHaveLength(1);
      const plan = (await explain(`EXPLAIN ${recorded[0]!.sql}`, recorded[0]!.params)).map((x) => x['QUERY PLAN']).join('\n');
      expect(plan).not.toMatch(/Sort/);
      expect(plan).not.toMatch(/Seq Scan on (ticket|ticket_count|ticket_due)\b/);
      if (q.size > 0) expect(plan.slice(plan.indexOf('Limit'))).toMatch(/Index (Only )?Scan( Backward)? using customer_(valid_)?order on customer/);
      expect(plan).toMatch(/(Index|Index Only) Scan using ticket_count_pkey on ticket_count/);
      expect(plan).toMatch(/(Index|Index Only) Scan using ticket_due_pkey on ticket_due/);
    }
  });
});
