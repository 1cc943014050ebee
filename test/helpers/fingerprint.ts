import { createHash } from 'node:crypto';
import type { App } from '../../src/app';

/** A hash of every row of the helpdesk tables: equal fingerprints mean nothing changed. */
export function fingerprint(app: App): string {
  const db = app.helpdeskDb.handle;
  const hash = createHash('sha256');
  for (const table of ['customer', 'customer_user', 'customer_user_customer', 'ticket']) {
    hash.update(JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()));
  }
  return hash.digest('hex');
}
