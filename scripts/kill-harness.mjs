#!/usr/bin/env node
// Durability harness: SIGKILLs the built server at random points of a stream of mutations, then
// checks after each restart that the database is intact and every acknowledged mutation is
// present exactly once. Unacknowledged mutations are retried with their Idempotency-Key.
//
//   npm run kill-harness -- [--kills 100] [--concurrency 4] [--max-delay-ms 300] [--json]
//                           [--database postgres://USER:PASSWORD@HOST:PORT/DB]
//
// With --database (an empty PostgreSQL database), two replicas share it: the mutations go to
// both (alternately), each kill hits one of the two at random while the other keeps serving, and
// the killed one's unacknowledged mutations are retried on either replica.
//
// Needs `npm run build` first (dist/src/main.js).
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist/src/main.js');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
function text(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SHARED = text('database');
const REPLICAS = SHARED ? 2 : 1;
const KILLS = option('kills', 100);
const CONCURRENCY = option('concurrency', 4);
const MAX_DELAY_MS = option('max-delay-ms', 300);
const JSON_OUT = process.argv.includes('--json');
const log = JSON_OUT ? () => {} : (...a) => console.log(...a);

if (!existsSync(MAIN)) {
  console.error(`kill-harness: ${MAIN} is missing; run npm run build first`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'helpdesk-kill-'));
const database = SHARED ?? join(dir, 'helpdesk.db');
const token = randomBytes(24).toString('base64url');
const configFile = join(dir, 'config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    listen: { host: '127.0.0.1', port: 0 },
    database,
    auth: { tokens: [{ name: 'harness', role: 'agent', sha256: createHash('sha256').update(token).digest('hex') }] },
    dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
  }),
);

function start() {
  const proc = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HELPDESK_CONFIG: configFile, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c) => {
      out += c;
      const m = /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(out);
      if (m) {
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        resolve({ proc, url: m[1], exited });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c) => (out += c));
    exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`)));
  });
}

async function mutate(url, m) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': m.key },
    body: JSON.stringify({ query: m.query, variables: m.variables }),
  });
  const body = await res.json();
  return { status: res.status, body, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

const CREATE = 'mutation CreateTicket($input: CreateTicketInput!) { createTicket(input: $input) { number title } }';

/** Every mutation ever sent, by key: pending until acknowledged. */
const mutations = new Map();
const stats = { replicas: REPLICAS, transient: 0, kills: 0, sent: 0, acknowledged: 0, retriedAfterKill: 0, replayed: 0, failed: 0, integrityChecks: 0, integrityFailures: 0, lost: 0, duplicates: 0, wrongResults: 0 };

function newMutation() {
  const key = randomUUID();
  const m = { key, title: `kill-${key}`, query: CREATE, variables: { input: { title: `kill-${key}`, customerId: 'KILL' } }, acked: null, attempts: 0 };
  mutations.set(key, m);
  return m;
}

async function send(url, m) {
  m.attempts++;
  stats.sent++;
  const { status, body, replayed } = await mutate(url, m); // throws when the server dies under it
  // Another replica's claim of the key that is not yet seen as dead, or the database busy: retry.
  const transient = body.errors?.every((e) => e.extensions?.code === 'DATA_SOURCE_UNAVAILABLE' || (status === 409 && /in progress/.test(e.message)));
  if (body.errors && transient) {
    stats.transient++;
    await new Promise((r) => setTimeout(r, 50));
    return send(url, m);
  }
  if (body.errors) {
    stats.failed++;
    throw Object.assign(new Error(`mutation ${m.key} failed: ${JSON.stringify(body.errors)}`), { fatal: true });
  }
  if (body.data.createTicket.title !== m.title) stats.wrongResults++;
  if (m.acked && m.acked !== body.data.createTicket.number) stats.wrongResults++;
  if (!m.acked) {
    m.acked = body.data.createTicket.number;
    stats.acknowledged++;
    if (m.attempts > 1) stats.retriedAfterKill++;
  }
  if (replayed) stats.replayed++;
}

/** Titles of the harness's tickets in the database: count and smallest number per title, and the total. */
async function ticketsByTitle() {
  if (SHARED) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: SHARED });
    await client.connect();
    try {
      const rows = (await client.query(`SELECT title, count(*)::int AS n, min(number) AS number FROM ticket WHERE title LIKE 'kill-%' GROUP BY title`)).rows;
      return { integrity: 'ok', rows: new Map(rows.map((r) => [r.title, r])) };
    } finally {
      await client.end();
    }
  }
  const db = new Database(database);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const rows = db.prepare(`SELECT title, count(*) AS n, min(number) AS number FROM ticket WHERE title LIKE 'kill-%' GROUP BY title`).all();
    return { integrity, rows: new Map(rows.map((r) => [r.title, r])) };
  } finally {
    db.close();
  }
}

/**
 * Checks the database as it is after a kill: every acknowledged mutation exactly once, nothing
 * twice, and (SQLite) `integrity_check`; PostgreSQL's own crash safety is not what is tested.
 */
async function verify(final) {
  const { integrity, rows } = await ticketsByTitle();
  stats.integrityChecks++;
  if (integrity !== 'ok') stats.integrityFailures++;
  let lost = 0;
  let duplicates = 0;
  let total = 0;
  for (const m of mutations.values()) {
    const { n, number } = rows.get(m.title) ?? { n: 0, number: null };
    if (n > 1) duplicates++;
    if (m.acked && (n !== 1 || number !== m.acked)) lost++;
    if (final && n !== 1) lost++;
  }
  for (const r of rows.values()) total += r.n;
  stats.lost = Math.max(stats.lost, lost);
  stats.duplicates = Math.max(stats.duplicates, duplicates);
  if (total > mutations.size) stats.duplicates = Math.max(stats.duplicates, total - mutations.size);
  return integrity;
}

/** The running replicas (index: replica); a killed one is started again by the next cycle. */
const servers = new Array(REPLICAS).fill(null);

async function cycle(kill) {
  for (let i = 0; i < REPLICAS; i++) servers[i] ??= await start();
  const victim = Math.floor(Math.random() * REPLICAS);
  const server = servers[victim];
  let dead = false;
  const workers = [];
  const pending = [...mutations.values()].filter((m) => !m.acked);
  let timer;
  if (kill) {
    timer = setTimeout(() => {
      dead = true;
      server.proc.kill('SIGKILL');
    }, Math.random() * MAX_DELAY_MS);
  }
  const run = async (first, url) => {
    try {
      // Retry the unacknowledged ones first (their keys make the retry safe), then new ones.
      for (let m = first; !dead; m = pending.shift() ?? (kill ? newMutation() : null)) {
        if (!m) break;
        await send(url, m);
      }
    } catch (e) {
      if (e.fatal) throw e;
      if (!dead || url !== server.url) throw e;
    }
  };
  for (let i = 0; i < CONCURRENCY; i++) workers.push(run(pending.shift() ?? (kill ? newMutation() : null), servers[i % REPLICAS].url));
  await Promise.all(workers);
  if (kill) {
    await server.exited;
    servers[victim] = null;
    stats.kills++;
  } else {
    clearTimeout(timer);
    for (let i = 0; i < REPLICAS; i++) {
      servers[i].proc.kill('SIGTERM');
      const exit = await servers[i].exited;
      servers[i] = null;
      if (exit.code !== 0) throw new Error(`final SIGTERM exit ${JSON.stringify(exit)}`);
    }
  }
}

const started = Date.now();
try {
  // Set-up: the customer the tickets belong to.
  {
    const server = await start();
    const res = await mutate(server.url, {
      key: randomUUID(),
      query: 'mutation { createCustomer(input: {dataSource: "local", customerId: "KILL", name: "Kill Harness Ltd", country: "DE"}) { customerId } }',
      variables: {},
    });
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    server.proc.kill('SIGTERM');
    await server.exited;
  }
  for (let i = 0; i < KILLS; i++) {
    await cycle(true);
    const integrity = await verify(false);
    if (integrity !== 'ok' || stats.lost || stats.duplicates) break;
    if ((i + 1) % 10 === 0) log(`kills ${i + 1}/${KILLS}: acknowledged ${stats.acknowledged}, pending ${[...mutations.values()].filter((m) => !m.acked).length}`);
  }
  // Last start: retry whatever is still unacknowledged, then every mutation must be there once.
  await cycle(false);
  await verify(true);
} finally {
  for (const s of servers) s?.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
const result = { ...stats, mutations: mutations.size, seconds: Math.round((Date.now() - started) / 100) / 10 };
const ok = result.kills >= KILLS && result.lost === 0 && result.duplicates === 0 && result.integrityFailures === 0 && result.failed === 0 && result.wrongResults === 0;
if (JSON_OUT) console.log(JSON.stringify({ ok, ...result }));
else {
  console.log(`\nkill harness: ${ok ? 'OK' : 'FAILED'}`);
  console.table(result);
}
process.exit(ok ? 0 : 1);
