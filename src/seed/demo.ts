import type Database from 'better-sqlite3';
import { generateDataset } from './generate';

/** The demo dataset of `npm start`: about 25 customers, 150 customer users, 3,000 tickets. */
export const DEMO_SIZE = { customers: 25, users: 150, tickets: 3000, seed: 2026, invalidShare: 0.12 } as const;

/** Seeds the demo dataset into an empty helpdesk database; returns false when it already holds customers. */
export function seedDemo(db: Database.Database, now = new Date()): boolean {
  const { n } = db.prepare(`SELECT count(*) AS n FROM customer`).get() as { n: number };
  if (n > 0) return false;
  generateDataset(db, { ...DEMO_SIZE, now });
  return true;
}
