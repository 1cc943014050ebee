import { createHash } from 'node:crypto';
import type { App } from '../../src/composition/app';
import { helpdeskSql } from './helpdesk-sql';

/** A hash of every row of the helpdesk tables: equal fingerprints mean nothing changed. */
export async function fingerprint(app: App): Promise<string> {
  const sql = helpdeskSql(app);
  const hash = createHash('sha256');
  for (const table of ['customer', 'customer_user', 'customer_user_customer', 'ticket']) {
    hash.update(JSON.stringify(await sql.rows(`SELECT * FROM ${table} ORDER BY 1, 2`)));
  }
  return hash.digest('hex');
}
