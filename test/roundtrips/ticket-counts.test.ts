import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteConnection } from '../../adapters/sqlite/sqlite-connection';
import { MIGRATIONS } from '../../adapters/sqlite/sqlite-migrations';
import { generateDataset } from '../../src/seed/generate';
import { helpdeskSql, type HelpdeskSql } from '../helpers/helpdesk-sql';
import { startTestApp, type TestApp } from '../helpers/test-app';

// The clock-independent ticket counts are read from `ticket_count`, which triggers keep current.
// These tests compare it with a count of the ticket table itself after every kind of write.

type Handle = Database.Database;

/** Portable SQL of the checks below (SQLite and PostgreSQL): booleans as CASE, subqueries aliased, literals inline. */
const COUNTS_TABLE = `SELECT owner, owner_key, state_type, n FROM ticket_count WHERE n <> 0 ORDER BY 1, 2, 3`;
const COUNTED_FROM_TICKETS = `SELECT * FROM (
    SELECT 'c' AS owner, customer_key AS owner_key, state_type, count(*) AS n FROM ticket WHERE customer_key IS NOT NULL GROUP BY 2, 3
    UNION ALL
    SELECT 'u', customer_user_key, state_type, count(*) FROM ticket WHERE customer_user_key IS NOT NULL GROUP BY 2, 3) x
  ORDER BY 1, 2, 3`;
const DUE_TABLE = `SELECT owner, owner_key, kind, hour, n FROM ticket_due WHERE n <> 0 ORDER BY 1, 2, 3, 4`;
const part = (owner: string, col: string, kind: string, time: string, cond: string) =>
  `SELECT '${owner}' AS owner, ${col} AS owner_key, '${kind}' AS kind, ${time} / 3600000 AS hour, count(*) AS n FROM ticket
   WHERE ${col} IS NOT NULL AND ${time} IS NOT NULL AND ${cond} GROUP BY 2, 4`;
const DUE_FROM_TICKETS = `SELECT * FROM (${[
  part('c', 'customer_key', 'e', 'escalation_at', 'is_open'),
  part('u', 'customer_user_key', 'e', 'escalation_at', 'is_open'),
  part('c', 'customer_key', 'r', 'pending_until', "state_type = 'PENDING_REMINDER'"),
  part('u', 'customer_user_key', 'r', 'pending_until', "state_type = 'PENDING_REMINDER'"),
].join(' UNION ALL ')}) x ORDER BY 1, 2, 3, 4`;

/** The four queries on a SQLite handle (the migration test opens its own file). */
const countsTable = (db: Handle) => db.prepare(COUNTS_TABLE).all();
const countedFromTickets = (db: Handle) => db.prepare(COUNTED_FROM_TICKETS).all();
const dueTable = (db: Handle) => db.prepare(DUE_TABLE).all();
const dueFromTickets = (db: Handle) => db.prepare(DUE_FROM_TICKETS).all();

describe('ticket_count and ticket_due', () => {
  let t: TestApp;
  let db: HelpdeskSql;
  let customerId: string;
  let login: string;

  beforeAll(async () => {
    t = await startTestApp({
      prepare: async (app) => void (await generateDataset(app.store.seedWriter, { customers: 12, users: 40, tickets: 600, seed: 3 })),
    });
    db = helpdeskSql(t.app);
    [{ customerId, login }] = (await db.rows(
      `SELECT customer_id AS "customerId", login FROM customer_user WHERE valid = 'VALID' ORDER BY login_key LIMIT 1`,
    )) as [{ customerId: string; login: string }];
  });
  afterAll(() => t.close());

  const COUNTS = `query($c: ID!, $l: ID!) {
    customer(customerId: $c) {
      ticketCounts { open closed pendingReminder total escalated }
      tickets(first: 0, stateTypes: [CLOSED]) { totalCount }
      reminderTickets(first: 0, reachedOnly: true) { totalCount }
    }
    customerUser(login: $l) { ticketCounts { open closed pendingReminder total escalated } }
  }`;

  async function expectConsistent(): Promise<void> {
    expect(await db.rows(COUNTS_TABLE)).toEqual(await db.rows(COUNTED_FROM_TICKETS));
    expect(await db.rows(DUE_TABLE)).toEqual(await db.rows(DUE_FROM_TICKETS));
    const before = Date.now();
    const { data, errors } = await t.http(COUNTS, { c: customerId, l: login });
    expect(errors).toBeUndefined();
    // No generated or created time lies within the request (they are minutes apart from now).
    expect(Date.now() - before).toBeLessThan(60_000);
    const one = (cond: string) => `coalesce(sum(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`;
    const direct = async (col: string, key: string) =>
      (
        await db.rows<{ total: number; open: number; pendingReminder: number; closedType: number; escalated: number; reached: number }>(
          `SELECT count(*) AS total, ${one('is_open')} AS open, ${one(`state_type = 'PENDING_REMINDER'`)} AS "pendingReminder",
             ${one(`state_type = 'CLOSED'`)} AS "closedType",
             ${one(`is_open AND escalation_at <= ${before}`)} AS escalated,
             ${one(`state_type = 'PENDING_REMINDER' AND pending_until <= ${before}`)} AS reached
           FROM ticket WHERE ${col} = '${key.toLowerCase().replace(/'/g, "''")}'`,
        )
      )[0]!;
    const c = await direct('customer_key', customerId);
    expect(data.customer.ticketCounts).toEqual({ open: c.open, closed: c.total - c.open, pendingReminder: c.pendingReminder, total: c.total, escalated: c.escalated });
    expect(data.customer.tickets.totalCount).toBe(c.closedType);
    expect(data.customer.reminderTickets.totalCount).toBe(c.reached);
    const u = await direct('customer_user_key', login);
    expect(data.customerUser.ticketCounts).toEqual({ open: u.open, closed: u.total - u.open, pendingReminder: u.pendingReminder, total: u.total, escalated: u.escalated });
  }

  test('holds the counts of the generated tickets', async () => {
    expect((await db.rows(COUNTS_TABLE)).length).toBeGreaterThan(20);
    expect((await db.rows(DUE_TABLE)).length).toBeGreaterThan(20);
    await expectConsistent();
  });

  test('counts escalations and reminders of the current hour and of earlier hours', async () => {
    const hour = 3_600_000;
    const startOfHour = Math.floor(Date.now() / hour) * hour;
    // Times earlier in this hour (when the hour is young, the previous one), two hours ago, and in an hour.
    const times = [Math.max(startOfHour + 1, Date.now() - 60_000), startOfHour - 1, Date.now() - 2 * hour, Date.now() + hour];
    for (const at of times) {
      const iso = new Date(at).toISOString();
      const escalating = await t.http(`mutation($l: ID!, $at: DateTime!) { createTicket(input: { title: "Due", customerUserLogin: $l, state: "open", escalationAt: $at }) { escalated } }`, { l: login, at: iso });
      expect(escalating.errors).toBeUndefined();
      expect(escalating.data.createTicket.escalated).toBe(at <= Date.now());
      const reminding = await t.http(`mutation($l: ID!, $at: DateTime!) { createTicket(input: { title: "Due", customerUserLogin: $l, state: "pending reminder", pendingUntil: $at }) { number } }`, { l: login, at: iso });
      expect(reminding.errors).toBeUndefined();
    }
    await expectConsistent();
  });

  test('follows created tickets and state changes', async () => {
    const created = await t.http(`mutation($l: ID!) { createTicket(input: { title: "Counts", customerUserLogin: $l, state: "open" }) { number } }`, { l: login });
    expect(created.errors).toBeUndefined();
    await expectConsistent();
    const number = created.data.createTicket.number;
    const escalate = await t.http(`mutation($n: String!, $at: DateTime!) { updateTicket(number: $n, input: { escalationAt: $at }) { escalated } }`, {
      n: number,
      at: new Date(Date.now() - 7_200_000).toISOString(),
    });
    expect(escalate.data.updateTicket.escalated).toBe(true);
    await expectConsistent();
    for (const state of ['closed successful', 'open', 'pending reminder', 'merged']) {
      const input = state === 'pending reminder' ? { state, pendingUntil: new Date(Date.now() - 3_600_000).toISOString() } : { state };
      const updated = await t.http(`mutation($n: String!, $i: UpdateTicketInput!) { updateTicket(number: $n, input: $i) { state } }`, { n: number, i: input });
      expect(updated.errors).toBeUndefined();
      await expectConsistent();
    }
  });

  test('follows a renamed customer', async () => {
    const renamed = await t.http(`mutation($c: ID!) { updateCustomer(customerId: $c, input: { customerId: "RENAMED-FOR-COUNTS" }) { customerId } }`, { c: customerId });
    expect(renamed.errors).toBeUndefined();
    customerId = 'RENAMED-FOR-COUNTS';
    await expectConsistent();
    expect(await db.rows(`SELECT sum(n) AS n FROM ticket_count WHERE owner = 'c' AND owner_key = 'renamed-for-counts'`)).toEqual([{ n: expect.any(Number) }]);
  });

  test('follows deleted tickets and direct changes of owners', async () => {
    await db.exec(`DELETE FROM ticket WHERE id IN (SELECT id FROM ticket ORDER BY id LIMIT 50)`);
    await expectConsistent();
    await db.exec(`UPDATE ticket SET customer_user_key = NULL, customer_user_login = NULL WHERE id IN (SELECT id FROM ticket WHERE is_open ORDER BY id LIMIT 20)`);
    await expectConsistent();
  });
});

describe('the ticket_count migration', () => {
  test('fills the table from the tickets of an existing database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-counts-'));
    try {
      const file = join(dir, 'old.db');
      // A database of the first schema version, with tickets.
      const old = new Database(file);
      old.exec(MIGRATIONS[0]!);
      old.pragma('user_version = 1');
      const insert = old.prepare(
        `INSERT INTO ticket (number, title, state, state_type, is_open, priority, queue, customer_id, customer_key, customer_user_login,
           customer_user_key, created_at, changed_at, escalation_at) VALUES (?, 't', ?, ?, ?, '3 normal', 'Raw', ?, ?, ?, ?, 0, 0, ?)`,
      );
      const rows: [string, string, number, string | null, string | null][] = [
        ['open', 'OPEN', 1, 'ACME', 'ann'],
        ['open', 'OPEN', 1, 'ACME', null],
        ['closed successful', 'CLOSED', 0, 'ACME', 'ann'],
        ['new', 'NEW', 1, 'Other', 'bob'],
        ['merged', 'MERGED', 0, null, 'bob'],
      ];
      rows.forEach(([state, type, open, c, u], i) => insert.run(`n${i}`, state, type, open, c, c?.toLowerCase() ?? null, u, u, 1_700_000_000_000 + i * 3_600_000));
      old.close();

      const db = SqliteConnection.open({ path: file, label: 'x' });
      try {
        expect(dueTable(db.handle)).toEqual(dueFromTickets(db.handle));
        expect(dueTable(db.handle)).toHaveLength(5);
        expect(countsTable(db.handle)).toEqual(countedFromTickets(db.handle));
        expect(countsTable(db.handle)).toEqual([
          { owner: 'c', owner_key: 'acme', state_type: 'CLOSED', n: 1 },
          { owner: 'c', owner_key: 'acme', state_type: 'OPEN', n: 2 },
          { owner: 'c', owner_key: 'other', state_type: 'NEW', n: 1 },
          { owner: 'u', owner_key: 'ann', state_type: 'CLOSED', n: 1 },
          { owner: 'u', owner_key: 'ann', state_type: 'OPEN', n: 1 },
          { owner: 'u', owner_key: 'bob', state_type: 'MERGED', n: 1 },
          { owner: 'u', owner_key: 'bob', state_type: 'NEW', n: 1 },
        ]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
