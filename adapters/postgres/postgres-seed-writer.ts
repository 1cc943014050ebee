import type { SeedDataset, SeedWriter } from '../../src/domain/seed-rows';
import type { PostgresConnection } from './postgres-connection';

/** Rows per multi-row INSERT (one statement binds every column of a chunk as arrays). */
const CHUNK = 5000;

/**
 * Writes a generated dataset into an empty helpdesk PostgreSQL database in one transaction:
 * each table by chunks of one `INSERT ... SELECT FROM unnest(arrays)` statement, then the counts
 * tables rebuilt once from the tickets (the triggers are off during the load), the ticket
 * sequence moved past the last id, ANALYZE. Refuses a database that holds customers (checked
 * under an advisory lock, so two replicas seeding the demo at once seed it once).
 */
export class PostgresSeedWriter implements SeedWriter {
  constructor(private readonly db: PostgresConnection) {}

  async isEmpty(): Promise<boolean> {
    const [row] = await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM customer LIMIT 1) x`);
    return row!.n === 0;
  }

  async write(dataset: SeedDataset): Promise<void> {
    await this.db.ready();
    const client = await this.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL statement_timeout = 0`);
      await client.query('SELECT pg_advisory_xact_lock(7260411002)');
      const [{ n }] = (await client.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM customer LIMIT 1) x`)).rows as [{ n: number }];
      if (n > 0) {
        await client.query('ROLLBACK');
        return;
      }
      const insert = async <T>(table: string, columns: readonly [string, string, (row: T) => unknown][], rows: Iterable<T>) => {
        const sql = `INSERT INTO ${table} (${columns.map((c) => c[0]).join(', ')})
          SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ')})`;
        let chunk: T[] = [];
        const flush = async () => {
          if (chunk.length === 0) return;
          await client.query(sql, columns.map(([, , get]) => chunk.map(get)));
          chunk = [];
        };
        for (const row of rows) {
          chunk.push(row);
          if (chunk.length >= CHUNK) await flush();
        }
        await flush();
      };
      await insert('customer', [
        ['customer_id', 'text', (r) => r.customerId], ['customer_key', 'text', (r) => r.customerKey], ['name', 'text', (r) => r.name],
        ['name_key', 'text', (r) => r.nameKey], ['name_sort', 'text', (r) => r.nameSort], ['valid', 'text', (r) => r.valid],
        ['street', 'text', (r) => r.street], ['zip', 'text', (r) => r.zip], ['city', 'text', (r) => r.city], ['country', 'text', (r) => r.country],
        ['url', 'text', (r) => r.url], ['comment', 'text', (r) => r.comment], ['created_at', 'bigint', (r) => r.createdAt], ['changed_at', 'bigint', (r) => r.changedAt],
      ], dataset.customers);
      await insert('customer_user', [
        ['id', 'bigint', (r) => r.id], ['login', 'text', (r) => r.login], ['login_key', 'text', (r) => r.loginKey], ['email', 'text', (r) => r.email],
        ['title', 'text', (r) => r.title], ['first_name', 'text', (r) => r.firstName], ['last_name', 'text', (r) => r.lastName],
        ['first_key', 'text', (r) => r.firstKey], ['last_key', 'text', (r) => r.lastKey], ['phone', 'text', (r) => r.phone], ['mobile', 'text', (r) => r.mobile],
        ['city', 'text', (r) => r.city], ['valid', 'text', (r) => r.valid], ['customer_id', 'text', (r) => r.customerId],
        ['customer_key', 'text', (r) => r.customerKey], ['created_at', 'bigint', (r) => r.createdAt], ['changed_at', 'bigint', (r) => r.changedAt],
      ], dataset.users);
      await client.query(`SELECT setval(pg_get_serial_sequence('customer_user', 'id'), greatest((SELECT max(id) FROM customer_user), 1))`);
      await insert('customer_user_customer', [
        ['user_id', 'bigint', (r) => r.userId], ['customer_key', 'text', (r) => r.customerKey], ['customer_id', 'text', (r) => r.customerId],
        ['position', 'integer', (r) => r.position], ['last_key', 'text', (r) => r.lastKey], ['first_key', 'text', (r) => r.firstKey],
        ['login_key', 'text', (r) => r.loginKey], ['valid', 'text', (r) => r.valid],
      ], dataset.links);
      await client.query(`ALTER TABLE ticket DISABLE TRIGGER USER`);
      await insert('ticket', [
        ['id', 'bigint', (r) => r.id], ['number', 'text', (r) => r.number], ['title', 'text', (r) => r.title], ['state', 'text', (r) => r.state],
        ['state_type', 'text', (r) => r.stateType], ['is_open', 'boolean', (r) => r.isOpen], ['priority', 'text', (r) => r.priority],
        ['queue', 'text', (r) => r.queue], ['customer_id', 'text', (r) => r.customerId], ['customer_key', 'text', (r) => r.customerKey],
        ['customer_user_login', 'text', (r) => r.customerUserLogin], ['customer_user_key', 'text', (r) => r.customerUserKey],
        ['created_at', 'bigint', (r) => r.createdAt], ['changed_at', 'bigint', (r) => r.changedAt],
        ['escalation_at', 'bigint', (r) => r.escalationAt], ['pending_until', 'bigint', (r) => r.pendingUntil],
      ], dataset.tickets);
      await client.query(`ALTER TABLE ticket ENABLE TRIGGER USER`);
      await client.query(`
        INSERT INTO ticket_count SELECT 'c', customer_key, state_type, count(*) FROM ticket WHERE customer_key IS NOT NULL GROUP BY 2, 3
          ON CONFLICT (owner, owner_key, state_type) DO UPDATE SET n = ticket_count.n + excluded.n;
        INSERT INTO ticket_count SELECT 'u', customer_user_key, state_type, count(*) FROM ticket WHERE customer_user_key IS NOT NULL GROUP BY 2, 3
          ON CONFLICT (owner, owner_key, state_type) DO UPDATE SET n = ticket_count.n + excluded.n;
        INSERT INTO ticket_due SELECT 'c', customer_key, 'e', escalation_at / 3600000, count(*) FROM ticket
          WHERE customer_key IS NOT NULL AND escalation_at IS NOT NULL AND is_open GROUP BY 2, 4
          ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = ticket_due.n + excluded.n;
        INSERT INTO ticket_due SELECT 'u', customer_user_key, 'e', escalation_at / 3600000, count(*) FROM ticket
          WHERE customer_user_key IS NOT NULL AND escalation_at IS NOT NULL AND is_open GROUP BY 2, 4
          ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = ticket_due.n + excluded.n;
        INSERT INTO ticket_due SELECT 'c', customer_key, 'r', pending_until / 3600000, count(*) FROM ticket
          WHERE customer_key IS NOT NULL AND pending_until IS NOT NULL AND state_type = 'PENDING_REMINDER' GROUP BY 2, 4
          ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = ticket_due.n + excluded.n;
        INSERT INTO ticket_due SELECT 'u', customer_user_key, 'r', pending_until / 3600000, count(*) FROM ticket
          WHERE customer_user_key IS NOT NULL AND pending_until IS NOT NULL AND state_type = 'PENDING_REMINDER' GROUP BY 2, 4
          ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = ticket_due.n + excluded.n;
        SELECT setval('ticket_id_seq', greatest((SELECT max(id) FROM ticket), 1));`);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw this.db.translate(e);
    } finally {
      client.release();
    }
    await this.db.query('ANALYZE');
  }
}
