import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteDatabase } from '../../adapters/sqlite/sqlite-database';
import { generateDataset } from './generate';

// npm run seed -- --customers N --users N --tickets N --out FILE [--seed N] [--skew S]
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    users: { type: 'string', default: '20000' },
    tickets: { type: 'string', default: '200000' },
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
    skew: { type: 'string', default: '1.1' },
  },
});

function count(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got '${text}'`);
    process.exit(2);
  }
  return n;
}

if (!values.out) {
  console.error('usage: npm run seed -- --customers N --users N --tickets N --out FILE');
  process.exit(2);
}
const out = resolve(values.out);
if (existsSync(out)) {
  console.error(`${out} exists; the seed writes a new file only`);
  process.exit(2);
}
const started = Date.now();
const db = SqliteDatabase.open({ path: out, label: 'seed' });
const summary = generateDataset(db.handle, {
  customers: count('customers', values.customers),
  users: count('users', values.users),
  tickets: count('tickets', values.tickets),
  seed: count('seed', values.seed),
  skew: Number(values.skew),
});
db.handle.pragma('wal_checkpoint(TRUNCATE)');
db.close();
console.log(JSON.stringify({ file: out, ...summary, seconds: (Date.now() - started) / 1000 }, null, 2));
