import type { SeedWriter } from '../domain/seed-rows';
import { generateDataset } from './generate';

/** The demo dataset of `npm start`: about 25 customers, 150 customer users, 3,000 tickets. */
export const DEMO_SIZE = { customers: 25, users: 150, tickets: 3000, seed: 2026, invalidShare: 0.12 } as const;

/** Seeds the demo dataset into an empty helpdesk store; returns false when it already holds customers. */
export async function seedDemo(writer: SeedWriter, now = new Date()): Promise<boolean> {
  if (!(await writer.isEmpty())) return false;
  await generateDataset(writer, { ...DEMO_SIZE, now });
  return true;
}
