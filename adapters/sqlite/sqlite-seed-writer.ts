import type { SeedDataset, SeedWriter } from '../../src/domain/seed-rows';
import type { SqliteConnection } from './sqlite-connection';

/**
 * Writes a generated dataset into an empty helpdesk SQLite file: one transaction, the ticket
 * indexes dropped during the load and built once after it, ANALYZE at the end. Statements are
 * prepared on the raw handle (not counted: seeding is not a request's round trip).
 */
export class SqliteSeedWriter implements SeedWriter {
  constructor(private readonly db: SqliteConnection) {}

  async isEmpty(): Promise<boolean> {
    const { n } = this.db.handle.prepare(`SELECT count(*) AS n FROM customer`).get() as { n: number };
    return n === 0;
  }

  async write(dataset: SeedDataset): Promise<void> {
    const db = this.db.handle;
    const ticketIndexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticket' AND sql IS NOT NULL`)
      .all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const idx of ticketIndexes) db.exec(`DROP INDEX ${idx.name}`);
      const insertCustomer = db.prepare(
        `INSERT INTO customer (customer_id, customer_key, name, name_key, name_sort, valid, street, zip, city, country, url, comment, created_at, changed_at)
         VALUES (@customerId, @customerKey, @name, @nameKey, @nameSort, @valid, @street, @zip, @city, @country, @url, @comment, @createdAt, @changedAt)`,
      );
      for (const c of dataset.customers) insertCustomer.run(c);
      const insertUser = db.prepare(
        `INSERT INTO customer_user (id, login, login_key, email, title, first_name, last_name, first_key, last_key, phone, mobile,
           street, zip, city, country, comment, valid, customer_id, customer_key, created_at, changed_at)
         VALUES (@id, @login, @loginKey, @email, @title, @firstName, @lastName, @firstKey, @lastKey, @phone, @mobile,
           NULL, NULL, @city, NULL, NULL, @valid, @customerId, @customerKey, @createdAt, @changedAt)`,
      );
      for (const u of dataset.users) insertUser.run(u);
      const insertLink = db.prepare(
        `INSERT INTO customer_user_customer (user_id, customer_key, customer_id, position, last_key, first_key, login_key, valid)
         VALUES (@userId, @customerKey, @customerId, @position, @lastKey, @firstKey, @loginKey, @valid)`,
      );
      for (const l of dataset.links) insertLink.run(l);
      const insertTicket = db.prepare(
        `INSERT INTO ticket (id, number, title, state, state_type, is_open, priority, queue, customer_id, customer_key,
           customer_user_login, customer_user_key, created_at, changed_at, escalation_at, pending_until)
         VALUES (@id, @number, @title, @state, @stateType, @isOpen, @priority, @queue, @customerId, @customerKey,
           @customerUserLogin, @customerUserKey, @createdAt, @changedAt, @escalationAt, @pendingUntil)`,
      );
      for (const t of dataset.tickets) insertTicket.run({ ...t, isOpen: t.isOpen ? 1 : 0 });
      for (const idx of ticketIndexes) db.exec(idx.sql);
    })();
    db.exec('ANALYZE');
  }
}
