/**
 * The benchmark (`npm run bench`): the customer list and two customer detail views, served by
 * the hand-written floor, the service in its production configuration, and the service with
 * batching switched off; over loopback HTTP with autocannon, in paired rounds (bench/rounds.ts:
 * floor and service back to back, alternating which goes first; a screen's service/floor is the
 * median of its rounds' ratios). Prints a table and writes bench/results.json. See docs/performance.md.
 * The LDAP screen is measured twice: over the local slapd (`detailLdap`) and through a TCP proxy
 * adding `--ldap-latency` ms per round trip, as a directory across a network (`detailLdapRemote`,
 * bench/latency-proxy.ts); on both the service against the naive service.
 *
 *   npm run bench [-- --scale N] [--compare-scale N] [--duration S] [--runs N] [--connections N] [--no-ldap]
 *     --duration S   seconds of each target's window in a round (2);  --runs N   rounds (10)
 *     --ldap-latency MS   round-trip latency the proxy of detailLdapRemote adds (1)
 *   npm run bench -- --only-ldap   only the two LDAP screens (no SQLite dataset, no floor), into
 *     bench/results-ldap-only.json (never into bench/results.json); --help prints these options
 *   npm run bench -- --profile     CPU profiles of floor and service per screen, and where the time goes
 *   npm run bench -- --memory [--node-option X]...   the service's memory window by window (V8 spaces
 *     from its /metrics), beside a service started with the node options X when given
 *   npm run bench -- --engine postgres   the same screens on a throw-away PostgreSQL, into results.json's "postgres"
 *   npm run bench -- --engine znuny-mariadb | znuny-postgres   a Znuny-shaped database with a million tickets
 *     (bench/znuny-bench.ts), into results.json's "znunyMariadb" / "znunyPostgres"
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, isDeepStrictEqual } from 'node:util';
import { SqliteConnection } from '../adapters/sqlite/sqlite-connection';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store';
import { generateDataset } from '../src/seed/generate';
import { BENCH_LINKS } from './bench-config';
import { checkedAddedLatency, startLatencyProxy, type AddedLatency, type LatencyProxy } from './latency-proxy';
import { LDAP_CUSTOMER, startLdapScreen, type LdapScreen } from './ldap-screen';
import { analyzeProfile, PARTS } from './profile-analyze';
import { progressLog } from '../src/seed/progress';
import { firstDifference, loadAverage, loadRange, loadRun, median, pairedRound, pairedStats, pairOrder, round, rssMb, table, type PairedRound, type Sample } from './rounds';

const ROOT = resolve(__dirname, '../..');
const DATA = join(ROOT, 'bench/data');
const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    'compare-scale': { type: 'string' },
    /** Seconds of each target's window in a round. */
    duration: { type: 'string', default: '2' },
    /** Paired rounds. */
    runs: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    out: { type: 'string' },
    /** Only make (or check) the datasets, then exit. */
    'generate-only': { type: 'boolean', default: false },
    /** CPU profiles of floor and service per screen instead of the load runs (bench/data/profiles/). */
    profile: { type: 'boolean', default: false },
    /** The service's memory per window instead of the paired rounds (bench/results-memory.json unless --out). */
    memory: { type: 'boolean', default: false },
    /** With --memory: node options of a second service measured beside the one npm start runs (repeatable). */
    'node-option': { type: 'string', multiple: true },
    /** Leave out the LDAP screens (no slapd needed). */
    'no-ldap': { type: 'boolean', default: false },
    /** Only the LDAP screens (detailLdap, detailLdapRemote), into bench/results-ldap-only.json unless --out. */
    'only-ldap': { type: 'boolean', default: false },
    /** The round-trip latency, ms, that the proxy of detailLdapRemote adds (bench/latency-proxy.ts). */
    'ldap-latency': { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
    /** The helpdesk store: sqlite (default) or postgres (a throw-away server; bench/postgres-bench.ts); znuny-mariadb or znuny-postgres (bench/znuny-bench.ts). */
    engine: { type: 'string', default: 'sqlite' },
    /** Znuny engines: seed the kept database again even when its parameters match. */
    reseed: { type: 'boolean', default: false },
  },
});
const SCALE = Number(args.scale);
const COMPARE = args['compare-scale'] === undefined ? null : Number(args['compare-scale']);
const DURATION = Number(args.duration);
const RUNS = Number(args.runs);
const CONNECTIONS = Number(args.connections);
const LDAP_LATENCY = Number(args['ldap-latency']);
const ONLY_LDAP = args['only-ldap'];
for (const [name, v] of Object.entries({ scale: SCALE, duration: DURATION, runs: RUNS, connections: CONNECTIONS, 'compare-scale': COMPARE ?? 1, 'ldap-latency': LDAP_LATENCY })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
}
if (ONLY_LDAP && args['no-ldap']) throw new Error('--only-ldap and --no-ldap exclude each other');
const MAIN_RESULTS = resolve(ROOT, 'bench/results.json');
const OUT = resolve(ROOT, args.out ?? (args.memory ? 'bench/results-memory.json' : ONLY_LDAP ? 'bench/results-ldap-only.json' : SCALE === 1 ? 'bench/results.json' : `bench/results-x${SCALE}.json`));
if (args['node-option'] && !args.memory) throw new Error('--node-option goes with --memory');
if (args.memory && (ONLY_LDAP || args.profile)) throw new Error('--memory measures the SQLite service: not with --only-ldap or --profile');
// A run of the LDAP screens alone would drop the SQLite screens from the main results file.
if (ONLY_LDAP && OUT === MAIN_RESULTS) throw new Error('--only-ldap does not write bench/results.json: choose another --out');
const USAGE = `node dist/bench/run.js [options]   (npm run bench -- [options])
  --scale N            dataset scale (1: 1,000 customers, 200,000 tickets)
  --compare-scale N    also serve the detail screens from an N× dataset and compare p50
  --duration S         seconds of each target's window in a paired round (2)
  --runs N             paired rounds (10)
  --connections N      autocannon connections (10)
  --out FILE           results file (bench/results.json; bench/results-xN.json at another scale)
  --no-ldap            leave out the LDAP screens (no slapd needed)
  --only-ldap          only the LDAP screens detailLdap and detailLdapRemote, into bench/results-ldap-only.json
  --ldap-latency MS    round-trip latency the proxy of detailLdapRemote adds (1)
  --generate-only      only make (or check) the datasets
  --profile            CPU profiles of floor and service per screen (with --only-ldap: service and naive on detailLdap)
  --memory             the service's RSS and V8 spaces after each of --runs windows (list and median
                       detail in turn), into bench/results-memory.json
  --node-option X      with --memory: a second service started with node option X (repeatable), alternated with the first
  --engine E           sqlite (default), postgres, znuny-mariadb or znuny-postgres
  --reseed             Znuny engines: seed the kept database again`;

const op = (name: string) => readFileSync(join(ROOT, 'schema/operations', `${name}.graphql`), 'utf8');
const LIST = op('CustomerList');
const DETAIL = op('CustomerDetailView');

// ---- dataset ----------------------------------------------------------------------------------

interface Dataset {
  readonly file: string;
  readonly scale: number;
  readonly params: { customers: number; users: number; tickets: number; seed: number; skew: number };
  readonly median: { customerId: string; tickets: number };
  readonly heavy: { customerId: string; tickets: number };
}

/** The generated dataset of a scale in bench/data, reused when its parameters match. */
async function dataset(scale: number): Promise<Dataset> {
  const params = { customers: 1000 * scale, users: 20000 * scale, tickets: 200000 * scale, seed: 42, skew: 1.1 };
  const file = join(DATA, `helpdesk-x${scale}.db`);
  const metaFile = `${file}.json`;
  mkdirSync(DATA, { recursive: true });
  const meta = existsSync(metaFile) && existsSync(file) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as { params: unknown }) : null;
  if (!meta || !isDeepStrictEqual(meta.params, params)) {
    const tmp = `${file}.tmp`;
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    log(`generating the x${scale} dataset (${params.customers} customers, ${params.users} users, ${params.tickets} tickets) …`);
    const started = Date.now();
    const store = openSqliteStore({ path: tmp, label: 'bench', maxPageSize: 100 });
    await generateDataset(store.seedWriter, params);
    store.db.handle.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
    renameSync(tmp, file);
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
    log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    writeFileSync(metaFile, JSON.stringify({ params }, null, 2));
  }
  // Opening migrates a file made by an older version of the service.
  const db = SqliteConnection.open({ path: file, label: 'bench' });
  const byTickets = db.handle
    .prepare(
      `SELECT c.customer_id AS customerId, coalesce((SELECT sum(n) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key), 0) AS tickets
       FROM customer c WHERE c.valid = 'VALID' ORDER BY tickets, c.customer_key`,
    )
    .all() as { customerId: string; tickets: number }[];
  db.close();
  return { file, scale, params, median: byTickets[Math.floor(byTickets.length / 2)]!, heavy: byTickets[byTickets.length - 1]! };
}

// ---- servers ----------------------------------------------------------------------------------

interface Target {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** The request of a screen: path, method, body. */
  request(screen: Screen): { path: string; method: string; body?: string; headers: Record<string, string> };
}

interface Screen {
  readonly name: 'list' | 'detailMedian' | 'detailHeavy' | 'detailLdap' | 'detailLdapRemote';
  readonly customerId: string | null;
}

/** How a target process is started besides its program: node options and environment. */
interface Launch {
  readonly nodeArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Stops the targets started so far (SIGTERM to those still running); also called when the bench exits. */
function stopperOf(targets: readonly Target[]): () => void {
  const stop = () => targets.forEach((t) => t.child.exitCode === null && t.child.kill('SIGTERM'));
  process.on('exit', stop);
  return stop;
}

async function waitHealthy(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}: ${stderr()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy: ${stderr()}`);
}

function spawnServer(args: string[], env: NodeJS.ProcessEnv, launch: Launch = {}): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [...(launch.nodeArgs ?? []), ...args], { cwd: ROOT, env: { ...process.env, ...env, ...launch.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return { child, stderr: () => err };
}

async function startFloor(ds: Dataset, launch: Launch = {}): Promise<Target> {
  const port = await freePort();
  const { child, stderr } = spawnServer([join(ROOT, 'dist/bench/floor-server.js'), ds.file, String(port)], {}, launch);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, stderr);
  return {
    name: 'floor',
    url,
    child,
    request: (s) => ({ path: s.customerId === null ? '/list' : `/detail?customerId=${encodeURIComponent(s.customerId)}`, method: 'GET', headers: {} }),
  };
}

/** What a service of the LDAP screen reads: its own helpdesk file and the directory after it. */
interface ServiceSources {
  readonly database: string;
  readonly dataSources: readonly Record<string, unknown>[];
}

async function startService(name: string, ds: Dataset | null, batching: boolean, launch: Launch = {}, sources?: ServiceSources): Promise<Target> {
  if (!ds && !sources) throw new Error(`${name}: a service needs a dataset or its own sources`);
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  const configFile = join(DATA, `service-${name}.json`);
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        listen: { host: '127.0.0.1', port },
        database: sources?.database ?? ds!.file,
        auth: { tokens: [{ name: 'bench', role: 'reader', sha256: createHash('sha256').update(token).digest('hex') }] },
        dataSources: sources?.dataSources ?? [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
        links: BENCH_LINKS,
        batching,
      },
      null,
      2,
    ),
  );
  const { child, stderr } = spawnServer([join(ROOT, 'dist/src/main.js')], { HELPDESK_CONFIG: configFile, NODE_ENV: 'production', PORT: String(port) }, launch);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, stderr);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return {
    name,
    url,
    child,
    request: (s) => ({
      path: '/graphql',
      method: 'POST',
      headers,
      body: JSON.stringify(
        s.customerId === null
          ? { query: LIST, operationName: 'CustomerList', variables: { first: 50 } }
          : { query: DETAIL, operationName: 'CustomerDetailView', variables: { customerId: s.customerId } },
      ),
    }),
  };
}

async function fetchData(t: Target, s: Screen): Promise<unknown> {
  const r = t.request(s);
  const res = await fetch(t.url + r.path, { method: r.method, headers: r.headers, body: r.body });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (res.status !== 200 || body.errors) throw new Error(`${t.name} ${s.name}: ${res.status} ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** The round trips of one request, from the service's /metrics. */
async function statementsOf(t: Target, s: Screen): Promise<number> {
  return (await operationsOf(t, s)).total;
}

/** The round trips of one request, from the service's /metrics: all of them, and the LDAP search pages among them. */
async function operationsOf(t: Target, s: Screen): Promise<{ total: number; ldap: number }> {
  const read = async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const lines = text.split('\n').filter((l) => l.startsWith('helpdesk_datasource_operations_total{'));
    const sum = (xs: string[]) => xs.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    return { total: sum(lines), ldap: sum(lines.filter((l) => l.includes('kind="ldap"'))) };
  };
  const before = await read();
  await fetchData(t, s);
  const after = await read();
  return { total: after.total - before.total, ldap: after.ldap - before.ldap };
}

// ---- load ---------------------------------------------------------------------------------------

/** One load run of a target on a screen (bench/rounds.ts), the target's RSS sampled. */
function load(t: Target, s: Screen, duration: number): Promise<Sample> {
  return loadRun({ name: `${t.name} ${s.name}`, urls: [t.url], pids: [t.child.pid!] }, t.request(s), duration, CONNECTIONS);
}

function log(text: string): void {
  process.stderr.write(text + '\n');
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (args.engine !== 'sqlite') {
    const options = { root: ROOT, scale: SCALE, duration: DURATION, runs: RUNS, connections: CONNECTIONS, out: OUT };
    if (args.engine === 'postgres') {
      const { postgresBench } = await import('./postgres-bench');
      return postgresBench(options);
    }
    if (args.engine === 'znuny-mariadb' || args.engine === 'znuny-postgres') {
      const { znunyBench } = await import('./znuny-bench');
      return znunyBench({ ...options, engine: args.engine, reseed: args.reseed, generateOnly: args['generate-only'] });
    }
    throw new Error(`--engine must be sqlite, postgres, znuny-mariadb or znuny-postgres, got '${args.engine}'`);
  }
  const started = Date.now();
  // --only-ldap: the LDAP screens read their own helpdesk file; no dataset, no floor.
  const ds = ONLY_LDAP ? null : await dataset(SCALE);
  const other = ds && COMPARE !== null && COMPARE !== SCALE ? await dataset(COMPARE) : null;
  if (args['generate-only']) return;
  if (args.profile) {
    return profileMain(ds);
  }
  if (args.memory) return memoryMain(ds!);
  const screens: Screen[] = ds
    ? [
        { name: 'list', customerId: null },
        { name: 'detailMedian', customerId: ds.median.customerId },
        { name: 'detailHeavy', customerId: ds.heavy.customerId },
      ]
    : [];
  const targets: Target[] = [];
  let ldap: LdapScreen | null = null;
  let proxy: LatencyProxy | null = null;
  const stop = stopperOf(targets);
  try {
    const sqliteTargets = ds ? ([await startFloor(ds), await startService('service', ds, true), await startService('naive', ds, false)] as const) : null;
    if (sqliteTargets) targets.push(...sqliteTargets);
    // Unused when --only-ldap (no SQLite screens then).
    const [floor, service, naive] = (sqliteTargets ?? []) as [Target, Target, Target];
    // The LDAP screens: the service and the naive service over the helpdesk file of the screen and
    // the directory, once over loopback (detailLdap) and once through the latency proxy (detailLdapRemote).
    let ldapVariants: LdapVariant[] = [];
    let addedLatency: AddedLatency | null = null;
    if (!args['no-ldap']) {
      ldap = await startLdapScreen(ROOT);
      const sourcesAt = (url: string) => ({ database: ldap!.database, dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }, { ...ldap!.source, url }] });
      // The proxy's self-check: what it adds to a round trip, ping-pong against direct (fails when far off).
      addedLatency = await checkedAddedLatency(LDAP_LATENCY, 200);
      log(`latency proxy: ${LDAP_LATENCY} ms configured, adds ${addedLatency.addedMedianMs} ms per round trip (median of 200; p90 ${addedLatency.addedP90Ms} ms)`);
      proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: ldap.slapd.port }, delayMs: LDAP_LATENCY });
      const local = sourcesAt(ldap.slapd.url);
      const remote = sourcesAt(`ldap://${proxy.host}:${proxy.port}`);
      ldapVariants = [
        { screen: { name: 'detailLdap', customerId: LDAP_CUSTOMER }, targets: [await startService('ldap-service', ds, true, {}, local), await startService('ldap-naive', ds, false, {}, local)] },
        { screen: { name: 'detailLdapRemote', customerId: LDAP_CUSTOMER }, targets: [await startService('ldap-remote-service', ds, true, {}, remote), await startService('ldap-remote-naive', ds, false, {}, remote)] },
      ];
      for (const v of ldapVariants) targets.push(...v.targets);
    }
    const scaled = other ? await startService(`service-x${other.scale}`, other, true) : null;
    if (scaled) targets.push(scaled);
    const scaledScreens: Screen[] = other
      ? [
          { name: 'detailMedian', customerId: other.median.customerId },
          { name: 'detailHeavy', customerId: other.heavy.customerId },
        ]
      : [];

    // Same data, and the round trips of one request.
    const checks: Record<string, { sameData: boolean; difference: string | null; sql: number; naiveSql: number }> = {};
    for (const s of screens) {
      const [f, sv, nv] = await Promise.all([fetchData(floor, s), fetchData(service, s), fetchData(naive, s)]);
      const difference = firstDifference(sv, f) ?? firstDifference(nv, sv);
      if (difference) log(`!! ${s.name}: the service and the floor differ at ${difference}`);
      checks[s.name] = { sameData: difference === null, difference, sql: await statementsOf(service, s), naiveSql: await statementsOf(naive, s) };
    }

    // The LDAP screens: the naive service answers as the service does, and through the proxy both as over loopback.
    const ldapChecks: Record<string, LdapCheck> = {};
    let loopbackAnswer: unknown = undefined;
    for (const { screen, targets: [ls, ln] } of ldapVariants) {
      const [a, b] = await Promise.all([fetchData(ls, screen), fetchData(ln, screen)]);
      const difference = firstDifference(b, a) ?? (loopbackAnswer === undefined ? null : firstDifference(a, loopbackAnswer));
      if (difference) log(`!! ${screen.name}: the naive service, the service${loopbackAnswer === undefined ? '' : ' and the loopback service'} differ at ${difference}`);
      loopbackAnswer ??= a;
      const users = (a as { customer?: { customerUsers?: { totalCount?: number } } }).customer?.customerUsers?.totalCount ?? 0;
      if (users === 0) throw new Error(`${screen.name}: the directory customer has no customer users`);
      const [ops, naiveOps] = [await operationsOf(ls, screen), await operationsOf(ln, screen)];
      if (ops.ldap === 0 || naiveOps.ldap === 0) throw new Error(`${screen.name}: a request sent no LDAP search (${ops.ldap} / ${naiveOps.ldap}): the directory is not measured`);
      ldapChecks[screen.name] = { sameData: difference === null, difference, sql: ops.total, naiveSql: naiveOps.total, searches: ops.ldap, naiveSearches: naiveOps.ldap, customerUsers: users };
    }

    // Warm-up, then the paired rounds (bench/rounds.ts): in each round and screen the floor and the
    // service back to back (floor first in odd rounds, service first in even ones), then the naive
    // service and the other scale; each LDAP screen's two services alternate the same way.
    for (const s of screens) for (const t of [floor, service, naive]) await load(t, s, 1);
    for (const v of ldapVariants) for (const t of v.targets) await load(t, v.screen, 1);
    if (scaled) for (const s of scaledScreens) await load(scaled, s, 1);
    proxy?.resetStats();
    const samples: Record<string, Record<string, Sample[]>> = {};
    const pairs: Record<string, PairedRound[]> = {};
    const ldapPairs: Record<string, LdapPair[]> = Object.fromEntries(ldapVariants.map((v) => [v.screen.name, []]));
    const add = (screen: string, target: string, sample: Sample) => ((samples[screen] ??= {})[target] ??= []).push(sample);
    const serviceRssAfterRun: number[] = [];
    const perRound = screens.length * (3 + (scaled ? 1 : 0)) + 2 * ldapVariants.length;
    const progress = progressLog('rounds', RUNS * perRound);
    const line = (run: number, screen: string, target: string, x: Sample) =>
      progress.log(`round ${run}/${RUNS} ${screen.padEnd(12)} ${target.padEnd(12)} ${x.rps.toFixed(0).padStart(6)} req/s  p50 ${x.p50.toFixed(2)} ms  p99 ${x.p99.toFixed(2)} ms`);
    try {
      for (let run = 1; run <= RUNS; run++) {
        for (const s of screens) {
          const loadAvg = loadAverage();
          const got: Record<string, Sample> = {};
          for (const t of [...pairOrder(run, floor, service), naive]) {
            const sample = (got[t.name] = await load(t, s, DURATION));
            add(s.name, t.name, sample);
            line(run, s.name, t.name, sample);
            progress.increment();
          }
          const pair = pairedRound(run, loadAvg, got.floor!, got.service!);
          (pairs[s.name] ??= []).push(pair);
          progress.log(`round ${run}/${RUNS} ${s.name.padEnd(12)} service/floor ${pair.ratio.toFixed(2)} (load average ${loadAvg.toFixed(2)}, ${pair.first} first)`);
          if (scaled) {
            const ss = scaledScreens.find((x) => x.name === s.name);
            if (ss) {
              const sample = await load(scaled, ss, DURATION);
              add(s.name, scaled.name, sample);
              line(run, s.name, `x${other!.scale}`, sample);
            }
            progress.increment();
          }
        }
        for (const { screen, targets: ldapTargets } of ldapVariants) {
          const loadAvg = loadAverage();
          const got: Sample[] = [];
          for (const t of pairOrder(run, ldapTargets[0], ldapTargets[1])) {
            const sample = await load(t, screen, DURATION);
            got[ldapTargets.indexOf(t)] = sample;
            add(screen.name, t.name, sample);
            line(run, screen.name, t.name, sample);
            progress.increment();
          }
          // The pair here is the service and the naive service: the ratio is service / naive req/s.
          ldapPairs[screen.name]!.push({
            round: run, first: run % 2 === 1 ? 'service' : 'naive', loadAvg,
            serviceRps: Math.round(got[0]!.rps), naiveRps: Math.round(got[1]!.rps), ratio: round(got[0]!.rps / got[1]!.rps, 4),
          });
        }
        if (sqliteTargets) serviceRssAfterRun.push(rssMb(service.child.pid!) ?? NaN);
      }
    } finally {
      progress.stop();
    }

    const med = (screen: string, target: string, key: keyof Sample) => median(samples[screen]![target]!.map((x) => x[key] as number));
    const result: Record<string, any> = {
      generatedAt: new Date().toISOString(),
      machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version },
      params: ds
        ? { scale: SCALE, ...ds.params, durationS: DURATION, runs: RUNS, connections: CONNECTIONS, method: 'paired rounds' }
        : { onlyLdap: true, durationS: DURATION, runs: RUNS, connections: CONNECTIONS, method: 'paired rounds' },
      ...(ds && { customers: { median: ds.median, heavy: ds.heavy } }),
      screens: {},
    };
    for (const s of screens) {
      const serviceRps = med(s.name, 'service', 'rps');
      const floorRps = med(s.name, 'floor', 'rps');
      const paired = pairedStats(pairs[s.name]!);
      result.screens[s.name] = {
        floorRps: round(floorRps, 0),
        serviceRps: round(serviceRps, 0),
        naiveRps: round(med(s.name, 'naive', 'rps'), 0),
        // The median of the rounds' paired ratios (the target's measure); the ratio of the medians beside it.
        ratioToFloor: paired.median,
        pairedRatioMin: paired.min,
        pairedRatioMax: paired.max,
        ratioOfMedians: round(serviceRps / floorRps),
        sqlStatements: checks[s.name]!.sql,
        naiveSqlStatements: checks[s.name]!.naiveSql,
        p50Ms: round(med(s.name, 'service', 'p50')),
        p99Ms: round(med(s.name, 'service', 'p99')),
        floorP50Ms: round(med(s.name, 'floor', 'p50')),
        floorP99Ms: round(med(s.name, 'floor', 'p99')),
        naiveP50Ms: round(med(s.name, 'naive', 'p50')),
        naiveP99Ms: round(med(s.name, 'naive', 'p99')),
        naiveToServiceP50: round(med(s.name, 'naive', 'p50') / med(s.name, 'service', 'p50')),
        sameData: checks[s.name]!.sameData,
        ...(checks[s.name]!.difference && { difference: checks[s.name]!.difference }),
        rounds: pairs[s.name],
      };
    }
    for (const { screen, targets: [ls, ln] } of ldapVariants) {
      const check = ldapChecks[screen.name]!;
      const serviceRps = med(screen.name, ls.name, 'rps');
      const naiveRps = med(screen.name, ln.name, 'rps');
      const ldapPaired = pairedStats(ldapPairs[screen.name]!);
      const held = screen.name === 'detailLdapRemote' ? proxy?.stats() : undefined;
      const remote =
        held && addedLatency
          ? {
              latencyMs: LDAP_LATENCY,
              addedLatencyMs: addedLatency.addedMedianMs,
              addedLatencyP90Ms: addedLatency.addedP90Ms,
              heldUnderLoadMs: { median: held.heldMedianMs, p99: held.heldP99Ms, chunks: held.chunks },
            }
          : null;
      result.screens[screen.name] = {
        customerId: LDAP_CUSTOMER,
        customerUsers: check.customerUsers,
        // Through the proxy: the configured delay, what it measurably adds to a round trip (its
        // self-check, median and p90), and how long it held the directory's answers under load.
        ...remote,
        serviceRps: round(serviceRps, 0),
        naiveRps: round(naiveRps, 0),
        // The median of the rounds' paired service / naive ratios.
        serviceToNaiveRps: ldapPaired.median,
        pairedRatioMin: ldapPaired.min,
        pairedRatioMax: ldapPaired.max,
        sqlAndSearches: check.sql,
        naiveSqlAndSearches: check.naiveSql,
        searches: check.searches,
        naiveSearches: check.naiveSearches,
        p50Ms: round(med(screen.name, ls.name, 'p50')),
        p99Ms: round(med(screen.name, ls.name, 'p99')),
        naiveP50Ms: round(med(screen.name, ln.name, 'p50')),
        naiveP99Ms: round(med(screen.name, ln.name, 'p99')),
        naiveToServiceP50: round(med(screen.name, ln.name, 'p50') / med(screen.name, ls.name, 'p50')),
        sameData: check.sameData,
        ...(check.difference && { difference: check.difference }),
        rounds: ldapPairs[screen.name],
      };
    }
    if (screens.length > 0) {
      // RSS under load: the peak of each measured service window (sampled every 100 ms); the median of
      // those peaks is reported as rssMb (GC timing makes single peaks noisy), the largest beside it as rssMaxMb.
      const peaks = screens.flatMap((s) => samples[s.name]!.service!.map((x) => x.rssMaxMb ?? 0));
      result.rssMb = round(median(peaks), 1);
      result.rssMaxMb = round(Math.max(...peaks), 1);
      result.rssPeakByScreenMb = Object.fromEntries(screens.map((s) => [s.name, samples[s.name]!.service!.map((x) => round(x.rssMaxMb ?? 0, 1))]));
      result.rssAfterEachRunMb = serviceRssAfterRun.map((x) => round(x, 1));
      result.rssGrowthMb = round(serviceRssAfterRun[serviceRssAfterRun.length - 1]! - serviceRssAfterRun[0]!, 1);
    }

    if (scaled && other) {
      result.scaleComparison = { scale: other.scale, customers: { median: other.median, heavy: other.heavy }, screens: {} };
      for (const s of scaledScreens) {
        const p50 = med(s.name, scaled.name, 'p50');
        result.scaleComparison.screens[s.name] = {
          p50Ms: round(p50),
          p99Ms: round(med(s.name, scaled.name, 'p99')),
          rps: round(med(s.name, scaled.name, 'rps'), 0),
          baseP50Ms: round(med(s.name, 'service', 'p50')),
          p50Ratio: round(p50 / med(s.name, 'service', 'p50')),
        };
      }
    } else if (SCALE !== 1 && ds) {
      // A separate --scale run: compare with the default-scale results file, if any.
      const baseFile = join(ROOT, 'bench/results.json');
      if (existsSync(baseFile)) {
        const base = JSON.parse(readFileSync(baseFile, 'utf8'));
        result.scaleComparison = { against: 'bench/results.json', note: 'separate invocations: noisier than --compare-scale', screens: {} };
        for (const name of ['detailMedian', 'detailHeavy']) {
          const baseP50 = base.screens?.[name]?.p50Ms;
          if (typeof baseP50 === 'number') {
            result.scaleComparison.screens[name] = { p50Ms: result.screens[name].p50Ms, baseP50Ms: baseP50, p50Ratio: round(result.screens[name].p50Ms / baseP50) };
          }
        }
      }
    }

    const worstRatio = Math.min(...screens.map((s) => result.screens[s.name].ratioToFloor));
    const ldapResult = result.screens.detailLdap as { serviceToNaiveRps: number; sameData: boolean } | undefined;
    const remoteResult = result.screens.detailLdapRemote as { serviceToNaiveRps: number; sameData: boolean; addedLatencyMs: number } | undefined;
    result.targets = {
      ...(screens.length > 0 && {
        serviceVsFloor: { target: '≥ 0.65 × floor req/s on every screen, by the median of paired rounds', worst: worstRatio, met: worstRatio >= 0.65 },
      }),
      ...(ldapResult && {
        naiveOnLdap: { target: 'naive ≥ 1.5 × slower than the service on detailLdap (req/s)', value: ldapResult.serviceToNaiveRps, met: ldapResult.serviceToNaiveRps >= 1.5 },
      }),
      ...(remoteResult && {
        naiveOnRemoteLdap: {
          target: `naive ≥ 2 × slower than the service on detailLdap through a ${LDAP_LATENCY} ms proxy (req/s)`,
          value: remoteResult.serviceToNaiveRps,
          addedLatencyMs: remoteResult.addedLatencyMs,
          met: remoteResult.serviceToNaiveRps >= 2,
        },
      }),
      ...(screens.length > 0 && {
        rss: {
          target: '≤ 150 MB under load (median of the windows\' peaks; the largest peak beside it), no growth',
          rssMb: result.rssMb,
          rssMaxMb: result.rssMaxMb,
          growthMb: result.rssGrowthMb,
          met: result.rssMb <= 150 && result.rssGrowthMb <= 10,
        },
      }),
      ...(result.scaleComparison && {
        scale: {
          target: `detail p50 at ${result.scaleComparison.scale ?? SCALE}× ≤ 1.3 × default`,
          ratios: Object.fromEntries(Object.entries(result.scaleComparison.screens).map(([k, v]: [string, any]) => [k, v.p50Ratio])),
          met: Object.values(result.scaleComparison.screens).every((v: any) => v.p50Ratio <= 1.3),
        },
      }),
      sameData: { met: screens.every((s) => result.screens[s.name].sameData) && (ldapResult?.sameData ?? true) && (remoteResult?.sameData ?? true) },
    };
    result.seconds = Math.round((Date.now() - started) / 1000);

    // The other engines' figures (`--engine postgres`, `znuny-mariadb`, `znuny-postgres`) live beside these in the same file: keep them.
    const previous = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
    const kept = Object.fromEntries(['postgres', 'znunyMariadb', 'znunyPostgres'].filter((k) => previous[k] !== undefined).map((k) => [k, previous[k]]));
    writeFileSync(OUT, JSON.stringify({ ...result, ...kept }, null, 2) + '\n');
    printTable(result);
    log(`wrote ${OUT}`);
  } finally {
    stop();
    await proxy?.close();
    await ldap?.dispose();
  }
}

/** One LDAP screen: where its two services read the directory (loopback or through the latency proxy). */
interface LdapVariant {
  readonly screen: Screen;
  /** The service and the naive service. */
  readonly targets: readonly [Target, Target];
}

/** The checks of an LDAP screen: same data, and the round trips of one request (all, and the LDAP search pages among them). */
interface LdapCheck {
  readonly sameData: boolean;
  readonly difference: string | null;
  readonly sql: number;
  readonly naiveSql: number;
  readonly searches: number;
  readonly naiveSearches: number;
  readonly customerUsers: number;
}

/** One paired round of an LDAP screen: the service and the naive service. */
interface LdapPair {
  readonly round: number;
  readonly first: 'service' | 'naive';
  readonly loadAvg: number;
  readonly serviceRps: number;
  readonly naiveRps: number;
  readonly ratio: number;
}

// ---- profile ------------------------------------------------------------------------------------

const PROFILES = join(DATA, 'profiles');

/**
 * `--profile`: floor and service run with the profiling preload; for each screen each target is
 * warmed up, then profiled during one load run of --duration seconds. Writes
 * bench/data/profiles/<screen>-<target>.cpuprofile and bench/data/profiles/summary.json, and
 * prints per screen the CPU microseconds per request of each part (SQL, execution, ...).
 */
async function profileMain(ds: Dataset | null): Promise<void> {
  mkdirSync(PROFILES, { recursive: true });
  const outFile = (target: string) => join(PROFILES, `${target}.current.cpuprofile`);
  const launch = (target: string): Launch => ({ nodeArgs: ['-r', join(ROOT, 'dist/bench/profile-preload.js')], env: { BENCH_PROFILE_OUT: outFile(target) } });
  const targets: Target[] = [];
  let ldap: LdapScreen | null = null;
  const stop = stopperOf(targets);
  // With --only-ldap: the service and the naive service on the loopback LDAP screen.
  const screens: Screen[] = ds
    ? [
        { name: 'list', customerId: null },
        { name: 'detailMedian', customerId: ds.median.customerId },
        { name: 'detailHeavy', customerId: ds.heavy.customerId },
      ]
    : [{ name: 'detailLdap', customerId: LDAP_CUSTOMER }];
  const summary: Record<string, Record<string, { requests: number; busyMsPerRequest: number; usPerRequest: Record<string, number>; share: Record<string, number> }>> = {};
  try {
    if (ds) targets.push(await startFloor(ds, launch('floor')), await startService('service', ds, true, launch('service')));
    else {
      ldap = await startLdapScreen(ROOT);
      const sources = { database: ldap.database, dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }, { ...ldap.source, url: ldap.slapd.url }] };
      targets.push(await startService('ldap-service', null, true, launch('ldap-service'), sources), await startService('ldap-naive', null, false, launch('ldap-naive'), sources));
    }
    for (const s of screens) {
      for (const t of targets) {
        await load(t, s, 1);
        rmSync(outFile(t.name), { force: true });
        t.child.kill('SIGUSR2');
        await new Promise((r) => setTimeout(r, 200));
        const sample = await load(t, s, DURATION);
        t.child.kill('SIGUSR2');
        for (let i = 0; i < 300 && !existsSync(outFile(t.name)); i++) await new Promise((r) => setTimeout(r, 100));
        const file = join(PROFILES, `${s.name}-${t.name}.cpuprofile`);
        renameSync(outFile(t.name), file);
        const requests = Math.round(sample.rps * DURATION);
        const { busyMs, byPart } = analyzeProfile(file);
        (summary[s.name] ??= {})[t.name] = {
          requests,
          busyMsPerRequest: round(busyMs / requests, 3),
          usPerRequest: Object.fromEntries(PARTS.map((p) => [p, round((byPart[p] / requests) * 1000, 0)])),
          share: Object.fromEntries(PARTS.map((p) => [p, round(byPart[p] / busyMs, 3)])),
        };
        log(`profiled ${s.name} ${t.name}: ${sample.rps.toFixed(0)} req/s, ${(busyMs / requests).toFixed(3)} ms CPU per request → ${file}`);
      }
    }
  } finally {
    stop();
    await ldap?.dispose();
  }
  writeFileSync(join(PROFILES, 'summary.json'), JSON.stringify({ generatedAt: new Date().toISOString(), durationS: DURATION, connections: CONNECTIONS, screens: summary }, null, 2) + '\n');
  console.log('\nCPU per request in µs (share of busy CPU), from V8 CPU profiles under load:');
  console.log(`| screen | target | CPU ms/req | ${PARTS.join(' | ')} |`);
  console.log(`|---|---|---:|${PARTS.map(() => '---:').join('|')}|`);
  for (const [screen, byTarget] of Object.entries(summary)) {
    for (const [target, x] of Object.entries(byTarget)) {
      console.log(`| ${screen} | ${target} | ${x.busyMsPerRequest} | ${PARTS.map((p) => `${x.usPerRequest[p]} (${Math.round(x.share[p]! * 100)} %)`).join(' | ')} |`);
    }
  }
  log(`wrote ${join(PROFILES, 'summary.json')}`);
}

// ---- memory -------------------------------------------------------------------------------------

/** The V8 heap spaces' committed sizes, MB, from the service's own /metrics (prom-client's default metrics). */
async function heapSpaces(t: Target): Promise<Record<string, number>> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^helpdesk_nodejs_heap_space_size_total_bytes\{space="(\w+)"\} (\d+)/gm)) {
    if (Number(m[2]) > 0) out[m[1]!] = round(Number(m[2]) / 1e6, 1);
  }
  return out;
}

/**
 * `--memory`: fresh services (as npm start runs it, and with the `--node-option`s when given), each
 * loaded with the list and the median detail view in turn for --runs windows of --duration
 * seconds, the services alternating window by window. After each window: its RSS peak, req/s and
 * the committed size of each V8 space (the young generation is "new", promoted objects "old").
 * docs/performance.md ("Memory") reads these.
 */
async function memoryMain(ds: Dataset): Promise<void> {
  // The service as npm start runs it (V8's defaults) first: the other's req/s are paired with its.
  const settings: { name: string; nodeArgs: readonly string[] }[] = [{ name: 'V8 defaults', nodeArgs: [] }];
  if (args['node-option']?.length) settings.push({ name: args['node-option'].join(' '), nodeArgs: args['node-option'] });
  const screens: Screen[] = [
    { name: 'list', customerId: null },
    { name: 'detailMedian', customerId: ds.median.customerId },
  ];
  const targets: Target[] = [];
  const stop = stopperOf(targets);
  const windows: Record<string, { screen: string; rps: number; rssPeakMb: number; spacesMb: Record<string, number> }[]> = {};
  try {
    for (const [i, s] of settings.entries()) targets.push(await startService(`memory-${i}`, ds, true, { nodeArgs: s.nodeArgs }));
    for (let w = 0; w < RUNS; w++) {
      const screen = screens[w % screens.length]!;
      for (const [i, t] of targets.entries()) {
        const x = await load(t, screen, DURATION);
        const row = { screen: screen.name, rps: round(x.rps, 0), rssPeakMb: round(x.rssMaxMb ?? NaN, 1), spacesMb: await heapSpaces(t) };
        (windows[settings[i]!.name] ??= []).push(row);
        log(`window ${w + 1} ${settings[i]!.name} ${screen.name}: ${row.rps} req/s, RSS peak ${row.rssPeakMb} MB, ${Object.entries(row.spacesMb).map(([k, v]) => `${k} ${v}`).join(', ')} MB`);
      }
    }
  } finally {
    stop();
  }
  const summary = Object.fromEntries(
    Object.entries(windows).map(([name, rows]) => {
      const peaks = rows.map((r) => r.rssPeakMb);
      // req/s against the default service's in the same window (paired, as the bench's rounds).
      const rpsRatio = round(median(rows.map((r, w) => r.rps / windows[settings[0]!.name]![w]!.rps)), 3);
      return [name, { rssPeakMedianMb: round(median(peaks), 1), rssPeakMinMb: Math.min(...peaks), rssPeakMaxMb: Math.max(...peaks), rpsRatioToDefault: rpsRatio }];
    }),
  );
  writeFileSync(OUT, JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, loadAverage: round(loadAverage(), 2), durationS: DURATION, connections: CONNECTIONS, summary, windows }, null, 2) + '\n');
  console.log(table([['setting', 'RSS peak median', 'min', 'max', 'req/s / V8 defaults\' (median)'], ...Object.entries(summary).map(([n, x]) => [n, `${x.rssPeakMedianMb} MB`, `${x.rssPeakMinMb} MB`, `${x.rssPeakMaxMb} MB`, String(x.rpsRatioToDefault)])]));
  log(`wrote ${OUT}`);
}

function printTable(r: Record<string, any>): void {
  const rows: string[][] = [['screen', 'floor req/s', 'service req/s', 'naive req/s', 'service/floor', 'paired range', 'naive/service p50', 'p50 ms', 'p99 ms', 'SQL', 'naive SQL', 'same data']];
  for (const [name, s] of Object.entries(r.screens) as [string, any][]) {
    if (name === 'detailLdap' || name === 'detailLdapRemote') continue;
    rows.push([name, s.floorRps, s.serviceRps, s.naiveRps, s.ratioToFloor, `${s.pairedRatioMin}–${s.pairedRatioMax}`, s.naiveToServiceP50, s.p50Ms, s.p99Ms, s.sqlStatements, s.naiveSqlStatements, s.sameData ? 'yes' : 'NO'].map(String));
  }
  const all = Object.values(r.screens).flatMap((s: any) => (s.rounds ?? []) as { loadAvg: number }[]);
  if (rows.length > 1) {
    console.log(`\nx${r.params.scale}: ${r.params.customers} customers, ${r.params.users} users, ${r.params.tickets} tickets; ${r.params.runs} paired rounds × ${r.params.durationS} s, ${r.params.connections} connections; req/s and latencies are medians, service/floor the median of the rounds' paired ratios (load average ${loadRange(all)})`);
    console.log(table(rows));
  } else {
    console.log(`\nthe LDAP screens only: ${r.params.runs} paired rounds × ${r.params.durationS} s, ${r.params.connections} connections; req/s and latencies are medians, service/naive the median of the rounds' paired ratios (load average ${loadRange(all)})`);
  }
  for (const name of ['detailLdap', 'detailLdapRemote']) {
    const l = r.screens[name];
    if (!l) continue;
    const where = l.latencyMs === undefined ? '' : `, through a ${l.latencyMs} ms proxy adding ${l.addedLatencyMs} ms per round trip (held ${l.heldUnderLoadMs.median} ms median, ${l.heldUnderLoadMs.p99} ms p99 under load)`;
    console.log(
      `\n${name} (${l.customerUsers} customer users from the directory${where}): service ${l.serviceRps} req/s, naive ${l.naiveRps} req/s (${l.serviceToNaiveRps}×, rounds ${l.pairedRatioMin}–${l.pairedRatioMax}); ` +
        `p50 ${l.p50Ms} / ${l.naiveP50Ms} ms; statements and searches ${l.sqlAndSearches} / ${l.naiveSqlAndSearches}, of them LDAP searches ${l.searches} / ${l.naiveSearches}; same data ${l.sameData ? 'yes' : 'NO'}`,
    );
  }
  if (r.rssAfterEachRunMb) {
    console.log(`\nservice RSS under load: ${r.rssMb} MB median of the windows' peaks, ${r.rssMaxMb} MB largest; after each round: ${r.rssAfterEachRunMb.join(', ')} MB; growth ${r.rssGrowthMb} MB`);
  }
  if (r.scaleComparison) {
    for (const [name, s] of Object.entries(r.scaleComparison.screens) as [string, any][]) {
      console.log(`${name} p50 at x${r.scaleComparison.scale ?? r.params.scale}: ${s.p50Ms} ms vs ${s.baseP50Ms} ms at x1 → ${s.p50Ratio}×`);
    }
  }
  console.log('\ntargets:');
  for (const [name, t] of Object.entries(r.targets) as [string, any][]) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${name}: ${JSON.stringify({ ...t, met: undefined })}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
