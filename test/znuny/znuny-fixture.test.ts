import { znunyDdl, znunyTables } from '../../adapters/znuny/znuny-ddl';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';
import { startMariadb, type MariadbServer } from '../helpers/mariadb';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { createZnunyFixture, type ZnunyEngine, type ZnunyFixture } from './znuny-fixture';
import { expectedCounts, readableQueueIds } from './znuny-predicates';

let mariadb: MariadbServer;
let postgres: PostgresServer;
const fixtures: ZnunyFixture[] = [];

beforeAll(async () => {
  [mariadb, postgres] = await Promise.all([startMariadb(), startPostgres()]);
}, 120_000);

afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.dispose()));
  await Promise.all([mariadb?.stop(), postgres?.stop()]);
}, 60_000);

async function fixture(engine: ZnunyEngine, only: 'conformance' | 'full'): Promise<ZnunyFixture> {
  const f = engine === 'mariadb' ? await createZnunyFixture('mariadb', mariadb, { only }) : await createZnunyFixture('postgres', postgres, { only });
  fixtures.push(f);
  return f;
}

describe('MariaDB test harness', () => {
  test('runs an unprivileged server with password authentication', async () => {
    const url = await mariadb.createDatabase('harness');
    const name = url.split('/').pop()!;
    const [who] = await mariadb.sql<{ user: string; collation: string }>(name, 'SELECT CURRENT_USER() AS user, @@collation_database AS collation');
    expect(who).toEqual({ user: `${mariadb.user}@%`, collation: 'utf8mb4_general_ci' });
    if (process.getuid?.() === 0) {
      const [dir] = await mariadb.sql<{ dir: string }>('', 'SELECT @@datadir AS dir');
      const { statSync } = await import('node:fs');
      expect(statSync(dir!.dir).uid).not.toBe(0);
    }
    const mysql = await import('mysql2/promise');
    await expect(mysql.createConnection({ host: '127.0.0.1', port: mariadb.port, user: mariadb.user, password: 'wrong' })).rejects.toThrow(/Access denied/);
  });

  test('survives a crash and a restart on the same port', async () => {
    const name = (await mariadb.createDatabase('crash')).split('/').pop()!;
    await mariadb.sql(name, 'CREATE TABLE t (n INT) ENGINE=InnoDB');
    await mariadb.sql(name, 'INSERT INTO t VALUES (1)');
    await mariadb.crash();
    await expect(mariadb.sql(name, 'SELECT n FROM t')).rejects.toThrow();
    await mariadb.start();
    expect(await mariadb.sql(name, 'SELECT n FROM t')).toEqual([{ n: 1 }]);
  }, 60_000);
});

test('the DDL describes every table once, with Znuny type translations per engine', () => {
  const names = znunyTables().map((t) => t.name);
  expect(new Set(names).size).toBe(names.length);
  const mysql = znunyDdl('mysql').join('\n');
  const pg = znunyDdl('postgres').join('\n');
  expect(mysql).toMatch(/CREATE TABLE ticket \(\n {4}id BIGINT NOT NULL AUTO_INCREMENT,/);
  expect(mysql).toContain('value_text TEXT NULL');
  expect(mysql).toContain('INDEX dynamic_field_value_search_text (field_id, value_text(150))');
  expect(mysql).not.toMatch(/FOREIGN KEY/i);
  expect(pg).toContain('id bigserial NOT NULL');
  expect(pg).toContain('config TEXT NULL');
  expect(pg).toContain('create_time timestamp(0) NOT NULL');
  expect(pg).toContain('CREATE INDEX dynamic_field_value_search_text ON dynamic_field_value (field_id, value_text)');
  expect(znunyDdl('postgres', { groupsTable: 'groups' }).join('\n')).toContain('CREATE TABLE groups (');
});

describe.each<ZnunyEngine>(['mariadb', 'postgres'])('Znuny fixture on %s', (engine) => {
  let full: ZnunyFixture;
  beforeAll(async () => {
    full = await fixture(engine, 'full');
  }, 60_000);

  test('conformance only: the shipped rows and exactly the fixture customers and customer users', async () => {
    const f = await fixture(engine, 'conformance');
    const n = async (table: string) => Number((await f.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
    expect(await n('customer_company')).toBe(FIXTURE_CUSTOMERS.length);
    expect(await n('customer_user')).toBe(FIXTURE_CUSTOMER_USERS.length);
    expect(await n('customer_user_customer')).toBe(FIXTURE_CUSTOMER_USERS.reduce((s, u) => s + u.additionalCustomerIds.length, 0));
    expect(await n('ticket')).toBe(0);
    expect(await n('ticket_state')).toBe(9);
    expect(await f.sql('SELECT id, login FROM users')).toEqual([{ id: 1, login: 'root@localhost' }]);
    const [acme] = await f.sql<Record<string, unknown>>('SELECT * FROM customer_company WHERE customer_id = ?', ['ACME']);
    expect(acme).toMatchObject({ name: 'Acme Corporation', country: 'Germany', valid_id: 1, comments: 'Key account', street: 'Main Street 1' });
    expect(String(acme!.create_time)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const [mueller] = await f.sql<{ name: string }>('SELECT name FROM customer_company WHERE customer_id = ?', ['MUELLER']);
    expect(mueller!.name).toBe('Müller & Söhne GmbH');
    const validity = await f.sql<{ customer_id: string; valid_id: number }>('SELECT customer_id, valid_id FROM customer_company ORDER BY customer_id');
    expect(Object.fromEntries(validity.map((r) => [r.customer_id, Number(r.valid_id)]))).toMatchObject({ UMBRELLA: 2, ZENITH: 3, ACME: 1 });
    const further = await f.sql<{ customer_id: string }>('SELECT customer_id FROM customer_user_customer WHERE user_id = ? ORDER BY customer_id', ['jdoe']);
    expect(further.map((r) => r.customer_id).sort()).toEqual(['MUELLER', 'globex']);
    const [zoe] = await f.sql<{ first_name: string; country: string | null; pw: string }>('SELECT first_name, country, pw FROM customer_user WHERE login = ?', ['zoe.mueller']);
    expect(zoe).toEqual({ first_name: 'Zoë', country: null, pw: 'x' });
  });

  test('full: the schema as Znuny has it', async () => {
    const columnType =
      engine === 'mariadb'
        ? `SELECT data_type AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?`
        : `SELECT data_type AS t FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? AND column_name = ?`;
    const type = async (table: string, column: string) => String((await full.sql<{ t: string }>(columnType, [table, column]))[0]?.t).toLowerCase();
    expect(await type('dynamic_field', 'config')).toBe(engine === 'mariadb' ? 'longblob' : 'text');
    expect(await type('ticket', 'create_time')).toBe(engine === 'mariadb' ? 'datetime' : 'timestamp without time zone');
    expect(await type('ticket', 'escalation_time')).toBe(engine === 'mariadb' ? 'int' : 'integer');
    const indexes =
      engine === 'mariadb'
        ? await full.sql<{ name: string }>(`SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'ticket'`)
        : await full.sql<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'ticket'`);
    expect(indexes.map((r) => r.name)).toEqual(expect.arrayContaining(['ticket_customer_id', 'ticket_customer_user_id', 'ticket_archive_flag', 'ticket_escalation_time', 'ticket_tn']));
    // A serial id continues after the seeded ones (Znuny and the service insert without ids).
    await full.sql(`INSERT INTO dynamic_field_obj_id_name (object_name, object_type) VALUES ('INITECH', 'CustomerCompany')`);
    const [mapped] = await full.sql<{ object_id: number }>(`SELECT object_id FROM dynamic_field_obj_id_name WHERE object_name = 'INITECH'`);
    expect(Number(mapped!.object_id)).toBe(8);
    await full.sql(`DELETE FROM dynamic_field_obj_id_name WHERE object_name = 'INITECH'`);
  });

  test("full: Znuny's predicates give plausible non-zero numbers for ACME", async () => {
    const acme = await expectedCounts(full, 'customer', 'ACME');
    for (const key of ['open', 'closed', 'total', 'archived', 'escalated', 'reminderReached', 'pendingReminder'] as const) expect(acme[key]).toBeGreaterThan(0);
    expect(acme.open + acme.closed).toBe(acme.total);
    expect(acme.escalated).toBeLessThan(acme.open);
    expect(acme.reminderReached).toBeLessThan(acme.pendingReminder);
    const ticket = full.seeded.tickets;
    const ids = async (where: string) => (await full.sql<{ id: number }>(`SELECT id FROM ticket WHERE ${where} ORDER BY id`)).map((r) => Number(r.id));
    // The invalid open-type state counts as closed, the stale escalation of a closed ticket does not count.
    const escalatedIds = await ids(
      `customer_id = 'ACME' AND archive_flag = 0 AND escalation_time != 0 AND escalation_time <= ${Math.floor(Date.now() / 1000)}`,
    );
    expect(escalatedIds).toEqual(expect.arrayContaining([ticket['acme-invalid-open-state'], ticket['acme-closed-stale-escalation']]));
    expect(acme.escalated).toBe(escalatedIds.length - 2);
    // Fewer open when only new and open are viewable.
    const narrow = await expectedCounts(full, 'customer', 'ACME', ['new', 'open']);
    expect(narrow.open).toBeLessThan(acme.open);
    expect(narrow.total).toBe(acme.total);
    const jdoe = await expectedCounts(full, 'customerUser', 'jdoe');
    expect(jdoe.open).toBeGreaterThan(0);
    expect(jdoe.archived).toBe(1);
    expect((await expectedCounts(full, 'customerUser', 'asmith')).total).toBeGreaterThan(0);
    expect((await expectedCounts(full, 'customer', 'ZENITH')).total).toBe(0);
  });

  test('full: agent permissions as Znuny grants them', async () => {
    const q = full.seeded.queues;
    expect(await readableQueueIds(full, 'root@localhost')).toEqual(Object.values(q).sort((a, b) => a - b));
    expect(await readableQueueIds(full, 'agent-direct')).toEqual([q['Sales'], q['Sales::Europe']]);
    expect(await readableQueueIds(full, 'agent-rw')).toEqual([q['Support'], q['Old requests']]);
    expect(await readableQueueIds(full, 'agent-role')).toEqual([q['Secret']]);
    for (const nobody of ['agent-invalid', 'agent-retired-role', 'agent-legacy', 'no-such-agent']) expect(await readableQueueIds(full, nobody)).toEqual([]);
    const all = await expectedCounts(full, 'customer', 'ACME');
    const viaRole = await expectedCounts(full, 'customer', 'ACME', undefined, { agentLogin: 'agent-role' });
    expect(viaRole).toMatchObject({ open: 1, escalated: 1, total: 1 });
    expect(all.total).toBeGreaterThan(viaRole.total);
  });

  test('full: dynamic field values reach a customer through the object name mapping', async () => {
    const values = await full.sql<{ name: string; value_text: string | null; value_date: string | null; value_int: number | null }>(
      `SELECT df.name, v.value_text, v.value_date, v.value_int
         FROM dynamic_field_obj_id_name m
         JOIN dynamic_field_value v ON v.object_id = m.object_id
         JOIN dynamic_field df ON df.id = v.field_id AND df.object_type = m.object_type
        WHERE m.object_type = ? AND m.object_name = ? AND df.valid_id = 1
        ORDER BY df.field_order, v.id`,
      ['CustomerCompany', 'ACME'],
    );
    expect(values.map((v) => [v.name, v.value_text ?? v.value_date ?? v.value_int])).toEqual([
      ['ContractLevel', 'gold'],
      ['AccountManager', 'Maria Schmidt'],
      ['ContractEnd', '2026-12-31 00:00:00'],
    ]);
    const languages = await full.sql<{ value_text: string }>(
      `SELECT v.value_text FROM dynamic_field_value v JOIN dynamic_field_obj_id_name m ON m.object_id = v.object_id
        WHERE m.object_type = 'CustomerUser' AND m.object_name = 'jdoe' AND v.field_id = ? ORDER BY v.id`,
      [full.seeded.dynamicFields['Languages']],
    );
    expect(languages.map((v) => v.value_text)).toEqual(['de', 'en']);
    const [config] = await full.sql<{ config: string | Buffer }>(`SELECT config FROM dynamic_field WHERE name = 'ContractLevel'`);
    expect(String(config!.config)).toContain('PossibleValues:\n  gold: Gold\n  silver: Silver\n');
  });

  test('the customer match follows the engine: case-insensitive on MariaDB, exact on PostgreSQL', async () => {
    const exact = engine === 'mariadb' ? `BINARY customer_id = 'ACME'` : `customer_id = 'ACME'`;
    const [row] = await full.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ticket WHERE ${exact} AND archive_flag = 0`);
    const exactTotal = Number(row!.n);
    if (engine === 'mariadb') {
      expect(full.seeded.caseVariantTicket).toMatchObject({ customerId: 'acme', customerOf: 'ACME' });
      const acme = await expectedCounts(full, 'customer', 'ACME');
      expect(acme.total).toBe(exactTotal + 1);
      // The same numbers whichever case the CustomerID is asked in.
      expect(await expectedCounts(full, 'customer', 'acme')).toEqual(acme);
    } else {
      expect(full.seeded.caseVariantTicket).toBeNull();
      const before = await expectedCounts(full, 'customer', 'ACME');
      expect(before.total).toBe(exactTotal);
      await full.sql(
        `INSERT INTO ticket (tn, title, queue_id, ticket_lock_id, type_id, user_id, responsible_user_id, ticket_priority_id, ticket_state_id,
           customer_id, customer_user_id, timeout, until_time, escalation_time, escalation_update_time, escalation_response_time,
           escalation_solution_time, archive_flag, create_time, create_by, change_time, change_by)
         VALUES ('case-variant', 'lower case', 7, 1, 1, 1, 1, 3, 4, 'acme', 'bsmith', 0, 0, 0, 0, 0, 0, 0, '2025-01-01 00:00:00', 1, '2025-01-01 00:00:00', 1)`,
      );
      try {
        expect(await expectedCounts(full, 'customer', 'ACME')).toEqual(before);
        expect((await expectedCounts(full, 'customer', 'acme')).total).toBe(1);
      } finally {
        await full.sql(`DELETE FROM ticket WHERE tn = 'case-variant'`);
      }
    }
  });
});
