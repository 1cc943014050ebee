import Database from 'better-sqlite3';
import {
  CUSTOMER_COLUMNS,
  CUSTOMER_USER_COLUMNS,
  CUSTOMER_USER_WIDTH,
  CUSTOMER_WIDTH,
  customerOfValues,
  customerUserOfValues,
  TICKET_COLUMNS,
  ticketOfValues,
  toCustomer,
  toCustomerUser,
  toTicket,
  ValueColumns,
  valueColumns,
} from '../../adapters/sqlite/sqlite-mapper';

// Rows read as arrays of values are decoded by position from the same column list that writes the
// SELECT, so the positions cannot drift from the SQL: each list's width is its number of columns,
// and a row read as values decodes to the record the same row read as an object maps to.

describe('SQLite value rows: one column list for the SQL, the width and the decoder', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = new Database(':memory:');
    // Only the columns the lists read, with values unlike each other, so a shifted position shows.
    db.exec(`
      CREATE TABLE customer (id INTEGER PRIMARY KEY, customer_id TEXT, name TEXT, valid TEXT, street TEXT, zip TEXT, city TEXT,
        country TEXT, url TEXT, comment TEXT, created_at INTEGER, changed_at INTEGER);
      CREATE TABLE customer_user (id INTEGER PRIMARY KEY, login TEXT, email TEXT, title TEXT, first_name TEXT, last_name TEXT, phone TEXT,
        mobile TEXT, street TEXT, zip TEXT, city TEXT, country TEXT, comment TEXT, valid TEXT, customer_id TEXT, created_at INTEGER, changed_at INTEGER);
      CREATE TABLE customer_user_customer (user_id INTEGER, customer_id TEXT, position INTEGER);
      CREATE TABLE ticket (id INTEGER PRIMARY KEY, number TEXT, title TEXT, state TEXT, state_type TEXT, priority TEXT, queue TEXT,
        customer_id TEXT, customer_user_login TEXT, created_at INTEGER, changed_at INTEGER, escalation_at INTEGER, pending_until INTEGER);
      INSERT INTO customer VALUES (7, 'ACME', 'Acme', 'VALID', 'Main St 1', '10115', 'Berlin', 'DE', 'https://acme.example', 'note', 1000, 2000);
      INSERT INTO customer_user VALUES (9, 'jdoe', 'jdoe@acme.example', 'Dr.', 'John', 'Doe', '+49 1', '+49 2', 'Side St 2', '20095', 'Hamburg',
        'DE', 'c', 'INVALID', 'ACME', 3000, 4000);
      INSERT INTO customer_user_customer VALUES (9, 'GLOBEX', 1), (9, 'ACME', 0);
      INSERT INTO ticket VALUES (5, '2026010100001', 'Printer', 'open', 'open', '3 normal', 'Raw', 'ACME', 'jdoe', 5000, 6000, 7000, NULL);
    `);
  });
  afterAll(() => db.close());

  test('the widths are the numbers of columns the lists select', () => {
    expect(db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM customer`).columns()).toHaveLength(CUSTOMER_WIDTH);
    expect(db.prepare(`SELECT ${CUSTOMER_USER_COLUMNS} FROM customer_user u`).columns()).toHaveLength(CUSTOMER_USER_WIDTH);
    expect([CUSTOMER_WIDTH, CUSTOMER_USER_WIDTH]).toEqual([12, 18]);
  });

  test('a row read as values decodes to what the same row read as an object maps to, at any offset', () => {
    const values = (sql: string) => db.prepare(sql).raw(true).get() as unknown[];
    const object = (sql: string) => db.prepare(sql).get() as any;

    const c = `SELECT ${CUSTOMER_COLUMNS} FROM customer`;
    expect(customerOfValues(values(c), 'local')).toEqual(toCustomer(object(c), 'local'));
    expect(customerOfValues(values(`SELECT 'x', 'y', ${CUSTOMER_COLUMNS} FROM customer`), 'local', 2)).toEqual(toCustomer(object(c), 'local'));

    const u = `SELECT ${CUSTOMER_USER_COLUMNS} FROM customer_user u`;
    const user = toCustomerUser(object(u), 'local');
    expect(user.customerIds).toEqual(['ACME', 'GLOBEX']);
    expect(customerUserOfValues(values(u), 'local')).toEqual(user);
    expect(customerUserOfValues(values(`SELECT 0 AS idx, ${CUSTOMER_USER_COLUMNS} FROM customer_user u`), 'local', 1)).toEqual(user);

    const t = `SELECT ${TICKET_COLUMNS} FROM ticket t`;
    expect(ticketOfValues(values(t))).toEqual(toTicket(object(t)));
  });

  test('a list names each field once, and each column names its field', () => {
    const list = new ValueColumns<{ a: number; b: string; c: string }>(['t.a', 'b', 'lower(x) AS c']);
    expect(list.sql).toBe('t.a, b, lower(x) AS c');
    expect(list.width).toBe(3);
    expect(list.row([0, 1, 'A', 'B', 'C'], 2)).toEqual({ a: 'A', b: 'B', c: 'C' });
    expect(() => new ValueColumns(['t.a', 'u.a'])).toThrow('column a is selected twice');
    expect(() => new ValueColumns(['count(*)'])).toThrow('no field name in column count(*)');
    expect(valueColumns<{ a: number }>()(['x.a']).width).toBe(1);
  });
});
