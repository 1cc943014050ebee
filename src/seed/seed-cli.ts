import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, openZnunySeedExec, ZnunySeedWriter } from '../composition/adapter-factory';
import { generateDataset, type GenerateSummary } from './generate';
import { progressBar, progressShown } from './progress';

// npm run seed -- --customers N --users N --tickets N --out FILE|postgres://... [--seed N] [--skew S] [--now ISO]
// npm run seed -- --znuny --out mysql://USER:PW@HOST:PORT/DB|postgres://... [--customers N --users N --tickets N]
const { values } = parseArgs({
  options: {
    customers: { type: 'string' },
    users: { type: 'string' },
    tickets: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
    skew: { type: 'string' },
    /** The instant the dataset's times are relative to (default: now): the same options and instant give the same rows. */
    now: { type: 'string' },
    /** A Znuny / OTOBO-shaped database (its own tables) instead of the service's helpdesk store. */
    znuny: { type: 'boolean', default: false },
  },
});

/** Sizes when not given: the helpdesk store's default dataset, and the Znuny benchmark's (a customer with about 100,000 tickets). */
const DEFAULTS = {
  helpdesk: { customers: '1000', users: '20000', tickets: '200000', skew: '1.1' },
  znuny: { customers: '1000', users: '20000', tickets: '1000000', skew: '0.9' },
};

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

/** `--now`: an ISO-8601 instant with its offset, or the current time. */
function instant(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(at.getTime())) {
    console.error(`--now must be an ISO-8601 instant with its offset, e.g. 2026-01-31T12:00:00Z, got '${text}'`);
    process.exit(2);
  }
  return at;
}

/** The password of a URL never reaches the output. */
const redact = (url: string) => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');

async function main(): Promise<void> {
  if (!values.out) {
    console.error(
      'usage: npm run seed -- --customers N --users N --tickets N --out FILE|postgres://USER:PASSWORD@HOST/DB\n' +
        '       npm run seed -- --znuny --out mysql://USER:PASSWORD@HOST:PORT/DB|postgres://... [--customers N --users N --tickets N]',
    );
    process.exit(2);
  }
  const defaults = values.znuny ? DEFAULTS.znuny : DEFAULTS.helpdesk;
  const options = {
    customers: count('customers', values.customers ?? defaults.customers),
    users: count('users', values.users ?? defaults.users),
    tickets: count('tickets', values.tickets ?? defaults.tickets),
    seed: count('seed', values.seed),
    skew: Number(values.skew ?? defaults.skew),
    now: instant(values.now),
  };
  if (values.znuny) return seedZnuny(values.out, options);

  const remote = /^postgres(ql)?:\/\//i.test(values.out);
  const out = remote ? values.out : resolve(values.out);
  if (!remote && existsSync(out)) {
    console.error(`${out} exists; the seed writes a new file only`);
    process.exit(2);
  }
  const started = Date.now();
  // One transaction of bulk statements: rebuilding counts over millions of tickets takes longer than a request's timeout.
  const store = openStore({ database: out, label: 'seed', maxPageSize: 100, pool: SEED_POOL });
  const bar = progressBar('tickets', options.tickets);
  try {
    if (!(await store.seedWriter.isEmpty())) {
      console.error('the database already holds customers; the seed writes into an empty database only');
      process.exitCode = 2;
      return;
    }
    const summary = await generateDataset(store.seedWriter, {
      ...options,
      onTickets: (n) => (n === options.tickets ? bar.update(n, 'counts') : bar.update(n)),
    });
    bar.stop();
    report(remote ? redact(out) : out, summary, started);
  } finally {
    bar.stop();
    await store.close();
  }
}

/** `--znuny`: the Znuny tables and rows into an empty MariaDB / MySQL or PostgreSQL database. */
async function seedZnuny(url: string, options: { customers: number; users: number; tickets: number; seed: number; skew: number; now: Date }): Promise<void> {
  if (!/^(mysql|mariadb|postgres|postgresql):\/\//i.test(url)) {
    console.error('--znuny writes into a database server: --out mysql://USER:PASSWORD@HOST:PORT/DB or postgres://USER:PASSWORD@HOST:PORT/DB');
    process.exit(2);
  }
  const started = Date.now();
  const exec = await openZnunySeedExec(url);
  const now = options.now;
  const bar = progressBar('tables', options.tickets);
  try {
    const writer = new ZnunySeedWriter(exec, {
      now,
      onPhase: (phase) => {
        if (phase === 'tickets') bar.restart(options.tickets, 'tickets');
        else bar.update(phase === 'indexes' || phase === 'statistics' ? options.tickets : 0, phase);
      },
    });
    if (!(await writer.isEmpty())) {
      console.error('the database holds tables; the Znuny seed writes into an empty database only');
      process.exitCode = 2;
      return;
    }
    const summary = await generateDataset(writer, {
      ...options,
      onTickets: (n) => (n === options.tickets ? bar.update(n, 'indexes') : bar.update(n)),
    });
    bar.stop();
    report(redact(url), { ...summary, ...writer.written }, started);
  } finally {
    bar.stop();
    await exec.close();
  }
}

function report(out: string, summary: GenerateSummary & object, started: number): void {
  const seconds = (Date.now() - started) / 1000;
  // On a terminal the bar showed the progress; the summary is printed either way.
  if (progressShown()) process.stderr.write(`seeded in ${seconds.toFixed(1)} s\n`);
  console.log(JSON.stringify({ out, ...summary, seconds }, null, 2));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
