import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../adapter-factory';
import { generateDataset } from './generate';

// npm run seed -- --customers N --users N --tickets N --out FILE|postgres://... [--seed N] [--skew S]
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

/** Pool of a seed run (PostgreSQL): statements may run for minutes. */
const SEED_POOL = { size: 2, statementTimeoutMs: 600_000, connectTimeoutMs: 10_000 };

function count(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got '${text}'`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  if (!values.out) {
    console.error('usage: npm run seed -- --customers N --users N --tickets N --out FILE|postgres://USER:PASSWORD@HOST/DB');
    process.exit(2);
  }
  const remote = /^postgres(ql)?:\/\//i.test(values.out);
  const out = remote ? values.out : resolve(values.out);
  if (!remote && existsSync(out)) {
    console.error(`${out} exists; the seed writes a new file only`);
    process.exit(2);
  }
  const started = Date.now();
  // One transaction of bulk statements: rebuilding counts over millions of tickets takes longer than a request's timeout.
  const store = openStore({ database: out, label: 'seed', maxPageSize: 100, pool: SEED_POOL });
  try {
    if (!(await store.seedWriter.isEmpty())) {
      console.error('the database already holds customers; the seed writes into an empty database only');
      process.exitCode = 2;
      return;
    }
    const summary = await generateDataset(store.seedWriter, {
      customers: count('customers', values.customers),
      users: count('users', values.users),
      tickets: count('tickets', values.tickets),
      seed: count('seed', values.seed),
      skew: Number(values.skew),
    });
    // The password of a URL never reaches the output.
    const target = remote ? out.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@') : out;
    console.log(JSON.stringify({ out: target, ...summary, seconds: (Date.now() - started) / 1000 }, null, 2));
  } finally {
    await store.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
