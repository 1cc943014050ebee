/**
 * `npm run bench -- --engine znuny-mariadb` / `--engine znuny-postgres`: the service over an
 * existing Znuny helpdesk's database (a read-only `znuny` source, `"tickets": "znuny"`) against
 * a hand-written floor on the same database (bench/floor-server-znuny.ts), on three screens: the
 * customer list, the detail view of the median customer and of the heaviest (about 100,000
 * tickets at the default scale).
 *
 * The database: a private MariaDB or PostgreSQL (bench/servers.ts) in bench/data/<engine>-x<scale>/,
 * seeded once by the Znuny seed writer (adapters/znuny/znuny-seed-writer.ts, the same as
 * `npm run seed -- --znuny`) with 1,000 customers, 20,000 customer users and 1,000,000 tickets
 * per unit of `--scale`, and kept: a later run reuses it when its parameters match and it is at
 * most three days old (escalations and reminders were placed around the seeding time);
 * `--reseed` seeds it again. Measured in paired rounds (bench/rounds.ts); the floor's and the
 * service's answers are compared once per run. Writes `znunyMariadb` / `znunyPostgres` into the
 * results file beside the other engines' figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ZnunySeedWriter, openZnunySeedExec } from '../adapters/znuny/znuny-seed-writer';
import { generateDataset } from '../src/seed/generate';
import { progressBar, progressLog } from '../src/seed/progress';
import { BENCH_LINKS } from './bench-config';
import {
  firstDifference, loadAverage, loadRange, loadRun, median, pairedRound, pairedStats, pairOrder, round, roundRps, table,
  type LoadRequest, type PairedRound, type Sample,
} from './rounds';
import { freePort, startMariadb, startPostgres, type BenchServer } from './servers';

export interface ZnunyBenchOptions {
  readonly root: string;
  readonly scale: number;
  readonly duration: number;
  readonly runs: number;
  readonly connections: number;
  readonly out: string;
  readonly engine: 'znuny-mariadb' | 'znuny-postgres';
  /** Seed the kept database again even when it matches. */
  readonly reseed: boolean;
  /** Only seed (or check) the kept database, then stop. */
  readonly generateOnly?: boolean;
}

interface Screen {
  readonly name: 'list' | 'detailMedian' | 'detailHeavy';
  readonly customerId: string | null;
}

interface Target {
  readonly name: 'floor' | 'service';
  readonly url: string;
  readonly child: ChildProcess;
  request(s: Screen): LoadRequest;
}

/** What bench/data/<engine>-x<scale>/dataset.json says of the kept database. */
interface DatasetMeta {
  readonly params: Record<string, number>;
  readonly seededAt: string;
  readonly seedSeconds: number;
  readonly archivedTickets: number;
  readonly dynamicFieldValues: number;
}

const DATABASE = 'znuny';
/** The service's statement timeout in the bench (see the service's configuration below). */
const STATEMENT_TIMEOUT_MS = 60_000;
/** A window holds at least this many requests (two per connection); the heaviest screen answers about a request a second or less. */
const MIN_REQUESTS = 20;
/** The longest warm-up run, seconds. */
const MAX_WARM_S = 30;
const MAX_AGE_MS = 3 * 86_400_000;
const log = (text: string) => process.stderr.write(text + '\n');

async function spawnHealthy(root: string, args: string[], env: NodeJS.ProcessEnv, url: string, probe: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}: ${err}`);
    if (await fetch(url + probe).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`${url} did not become ready within 120 s: ${err}`);
}

/** The kept database of this engine and scale: reused when it matches, seeded (again) otherwise. */
async function database(o: ZnunyBenchOptions, server: BenchServer, dir: string, params: Record<string, number>): Promise<{ meta: DatasetMeta; reused: boolean }> {
  const metaFile = join(dir, 'dataset.json');
  const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as DatasetMeta) : null;
  const fresh = meta !== null && isDeepStrictEqual(meta.params, params) && Date.now() - Date.parse(meta.seededAt) < MAX_AGE_MS;
  if (fresh && !o.reseed && (await server.hasDatabase(DATABASE))) return { meta: meta!, reused: true };
  rmSync(metaFile, { force: true });
  await server.dropDatabase(DATABASE);
  const url = await server.createDatabase(DATABASE);
  log(`${o.engine}: seeding ${params.customers} customers, ${params.users} customer users, ${params.tickets} tickets …`);
  const started = Date.now();
  const now = new Date();
  const exec = await openZnunySeedExec(url);
  const bar = progressBar('seeding: tables', params.tickets!);
  try {
    const writer = new ZnunySeedWriter(exec, {
      now,
      onPhase: (phase) => {
        if (phase === 'tickets') bar.restart(params.tickets!, 'seeding: tickets');
        else bar.update(phase === 'indexes' || phase === 'statistics' ? params.tickets! : 0, `seeding: ${phase}`);
      },
    });
    await generateDataset(writer, {
      customers: params.customers!, users: params.users!, tickets: params.tickets!, seed: params.seed, skew: params.skew, now,
      onTickets: (n) => bar.update(n),
    });
    bar.stop();
    const seeded: DatasetMeta = {
      params, seededAt: now.toISOString(), seedSeconds: round((Date.now() - started) / 1000, 1), ...writer.written,
    };
    writeFileSync(metaFile, JSON.stringify(seeded, null, 2) + '\n');
    log(`  seeded in ${seeded.seedSeconds} s`);
    return { meta: seeded, reused: false };
  } finally {
    bar.stop();
    await exec.close();
  }
}

export async function znunyBench(o: ZnunyBenchOptions): Promise<void> {
  const started = Date.now();
  const mariadb = o.engine === 'znuny-mariadb';
  const key = mariadb ? 'znunyMariadb' : 'znunyPostgres';
  const params = { customers: Math.round(1000 * o.scale), users: Math.round(20000 * o.scale), tickets: Math.round(1_000_000 * o.scale), seed: 42, skew: 0.9 };
  const DATA = join(o.root, 'bench/data');
  const dir = join(DATA, `${o.engine}-x${o.scale}`);
  mkdirSync(DATA, { recursive: true });
  log(`${o.engine}: starting a private ${mariadb ? 'MariaDB' : 'PostgreSQL'} in ${dir} …`);
  const server = mariadb ? await startMariadb({ dir }) : await startPostgres({ dir, sharedBuffers: '512MB' });
  const children: ChildProcess[] = [];
  try {
    const { meta, reused } = await database(o, server, dir, params);
    if (reused) log(`${o.engine}: reusing the database seeded ${meta.seededAt} (${meta.seedSeconds} s to seed); --reseed seeds it again`);
    if (o.generateOnly) return;
    const url = server.url(DATABASE);
    // The median and the heaviest valid customer by the tickets the service counts (archived ones are in no count).
    const byTickets = (
      await server.sql<{ customerId: string; tickets: number | string; stored: number | string }>(
        DATABASE,
        `SELECT c.customer_id AS ${mariadb ? 'customerId' : '"customerId"'}, SUM(CASE WHEN t.archive_flag = 0 THEN 1 ELSE 0 END) AS tickets, COUNT(t.id) AS stored
         FROM customer_company c LEFT JOIN ticket t ON t.customer_id = c.customer_id
         WHERE c.valid_id = 1 GROUP BY c.customer_id ORDER BY tickets, c.customer_id`,
      )
    ).map((r) => ({ customerId: r.customerId, tickets: Number(r.tickets ?? 0), stored: Number(r.stored) }));
    const medianCustomer = byTickets[Math.floor(byTickets.length / 2)]!;
    const heavy = byTickets[byTickets.length - 1]!;
    const screens: Screen[] = [
      { name: 'list', customerId: null },
      { name: 'detailMedian', customerId: medianCustomer.customerId },
      { name: 'detailHeavy', customerId: heavy.customerId },
    ];
    log(`${o.engine}: median customer ${medianCustomer.customerId} (${medianCustomer.tickets} tickets), heaviest ${heavy.customerId} (${heavy.tickets}; ${heavy.stored} with the archived)`);

    // The floor and the service.
    const op = (name: string) => readFileSync(join(o.root, 'schema/operations', `${name}.graphql`), 'utf8');
    const LIST = op('CustomerList');
    const DETAIL = op('CustomerDetailView');
    const floorPort = await freePort();
    const floorUrl = `http://127.0.0.1:${floorPort}`;
    const floorChild = await spawnHealthy(o.root, [join(o.root, 'dist/bench/floor-server-znuny.js'), url, String(floorPort)], {}, floorUrl, '/healthz');
    children.push(floorChild);
    const floor: Target = {
      name: 'floor',
      url: floorUrl,
      child: floorChild,
      request: (s) => ({ path: s.customerId === null ? '/list' : `/detail?customerId=${encodeURIComponent(s.customerId)}`, method: 'GET', headers: {} }),
    };
    const token = randomBytes(24).toString('base64url');
    const servicePort = await freePort();
    const configFile = join(DATA, `service-${o.engine}.json`);
    const ownDatabase = join(DATA, `service-${o.engine}.db`);
    for (const f of [ownDatabase, `${ownDatabase}-wal`, `${ownDatabase}-shm`]) rmSync(f, { force: true });
    writeFileSync(
      configFile,
      JSON.stringify(
        {
          listen: { host: '127.0.0.1', port: servicePort },
          // The service's own state (idempotency keys, ...); customers, customer users and tickets are Znuny's.
          database: ownDatabase,
          auth: { tokens: [{ name: 'bench', role: 'reader', sha256: createHash('sha256').update(token).digest('hex') }] },
          // A statement timeout of a minute instead of the default 5 s: under ten concurrent requests the
          // heaviest customer's statements queue on two cores for longer than that.
          dataSources: [{ id: 'znuny', name: 'Znuny', kind: 'znuny', url, readOnly: true, pool: { size: 10, statementTimeoutMs: STATEMENT_TIMEOUT_MS, connectTimeoutMs: 5000 } }],
          tickets: 'znuny',
          links: BENCH_LINKS,
        },
        null,
        2,
      ),
    );
    const serviceUrl = `http://127.0.0.1:${servicePort}`;
    const serviceChild = await spawnHealthy(o.root, [join(o.root, 'dist/src/main.js')], { HELPDESK_CONFIG: configFile, NODE_ENV: 'production', PORT: String(servicePort) }, serviceUrl, '/readyz');
    children.push(serviceChild);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const graphql = (query: string, operationName: string, variables: Record<string, unknown>): LoadRequest => ({
      path: '/graphql', method: 'POST', headers, body: JSON.stringify({ query, operationName, variables }),
    });
    const service: Target = {
      name: 'service',
      url: serviceUrl,
      child: serviceChild,
      request: (s) => (s.customerId === null ? graphql(LIST, 'CustomerList', { first: 50 }) : graphql(DETAIL, 'CustomerDetailView', { customerId: s.customerId })),
    };

    const fetchData = async (t: Target, r: LoadRequest) => {
      const res = await fetch(t.url + r.path, { method: r.method, headers: r.headers, body: r.body });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      if (res.status !== 200 || body.errors) throw new Error(`${t.name}: ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 1000)}`);
      return body.data;
    };
    /** The statements of one request, from the service's /metrics (the fewest of three: the watch's polls run beside). */
    const statementsOf = async (r: LoadRequest) => {
      const read = async () =>
        (await (await fetch(`${serviceUrl}/metrics`)).text())
          .split('\n')
          .filter((l) => l.startsWith('helpdesk_datasource_operations_total{'))
          .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = await read();
        await fetchData(service, r);
        counts.push((await read()) - before);
      }
      return Math.min(...counts);
    };

    // Same data, once per run; the round trips of one request.
    const checks: Record<string, { sameData: boolean; difference: string | null; sql: number }> = {};
    for (const s of screens) {
      const [f, sv] = await Promise.all([fetchData(floor, floor.request(s)), fetchData(service, service.request(s))]);
      const difference = firstDifference(sv, f);
      if (difference) log(`!! ${o.engine} ${s.name}: the service and the floor differ at ${difference}`);
      checks[s.name] = { sameData: difference === null, difference, sql: await statementsOf(service.request(s)) };
    }
    // The detail view with dynamic fields, service only (no floor): its round trips.
    const znunyDetailSql = existsSync(join(o.root, 'schema/operations/ZnunyCustomerDetail.graphql'))
      ? await statementsOf(graphql(op('ZnunyCustomerDetail'), 'ZnunyCustomerDetail', { customerId: heavy.customerId }))
      : null;

    const load = (t: Target, s: Screen, duration: number | { amount: number }) =>
      loadRun({ name: `${t.name} ${s.name}`, urls: [t.url], pids: [t.child.pid!] }, t.request(s), duration, o.connections, STATEMENT_TIMEOUT_MS / 1000);
    // Warm-up (the kept database's pages come back into the server's cache): two requests, then a
    // load run long enough for a few requests at 10 connections. The screens' costs differ by a
    // thousand times (the heaviest customer's counts and lists read 80,000 tickets), so each
    // screen's windows are a number of requests rather than seconds: what the floor answered in
    // --duration seconds during the warm-up, at least MIN_REQUESTS; floor and service answer the
    // same number in a round, and a window's req/s is that number over its time.
    const amount: Record<string, number> = {};
    for (const s of screens) {
      let slowest = 0;
      for (const t of [floor, service]) {
        const t0 = Date.now();
        for (let i = 0; i < 2; i++) await fetchData(t, t.request(s));
        slowest = Math.max(slowest, (Date.now() - t0) / 2000);
      }
      const warm = Math.min(MAX_WARM_S, Math.max(2, Math.ceil(slowest * 10)));
      const rps: Record<string, number> = {};
      for (const t of [floor, service]) rps[t.name] = (await load(t, s, warm)).rps;
      amount[s.name] = Math.max(MIN_REQUESTS, Math.round(rps.floor! * o.duration));
      log(`${o.engine}: ${s.name} warmed up (floor ${rps.floor!.toFixed(1)}, service ${rps.service!.toFixed(1)} req/s at ${o.connections} connections): windows of ${amount[s.name]} requests`);
    }
    const samples: Record<string, Record<string, Sample[]>> = {};
    const pairs: Record<string, PairedRound[]> = {};
    const progress = progressLog(`${o.engine} rounds`, o.runs * screens.length * 2);
    try {
      for (let run = 1; run <= o.runs; run++) {
        for (const s of screens) {
          const loadAvg = loadAverage();
          const got: Record<string, Sample> = {};
          for (const t of pairOrder(run, floor, service)) {
            const sample = (got[t.name] = await load(t, s, { amount: amount[s.name]! }));
            ((samples[s.name] ??= {})[t.name] ??= []).push(sample);
            progress.log(`${o.engine} round ${run}/${o.runs} ${s.name.padEnd(12)} ${t.name.padEnd(8)} ${String(roundRps(sample.rps)).padStart(6)} req/s  p50 ${sample.p50.toFixed(2)} ms  p99 ${sample.p99.toFixed(2)} ms`);
            progress.increment();
          }
          const pair = pairedRound(run, loadAvg, got.floor!, got.service!);
          (pairs[s.name] ??= []).push(pair);
          progress.log(`${o.engine} round ${run}/${o.runs} ${s.name.padEnd(12)} service/floor ${pair.ratio.toFixed(2)} (load average ${loadAvg.toFixed(2)}, ${pair.first} first)`);
        }
      }
    } finally {
      progress.stop();
    }

    const med = (screen: string, target: string, k: 'rps' | 'p50' | 'p99') => median(samples[screen]![target]!.map((x) => x[k]));
    const result: Record<string, any> = {
      engine: o.engine,
      generatedAt: new Date().toISOString(),
      machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version },
      params: {
        scale: o.scale, ...params, durationS: o.duration, requestsPerWindow: amount, runs: o.runs, connections: o.connections, method: 'paired rounds',
        serviceStatementTimeoutMs: STATEMENT_TIMEOUT_MS,
      },
      dataset: { ...meta, reused },
      customers: { median: medianCustomer, heavy },
      screens: {},
    };
    for (const s of screens) {
      const paired = pairedStats(pairs[s.name]!);
      result.screens[s.name] = {
        floorRps: roundRps(med(s.name, 'floor', 'rps')),
        serviceRps: roundRps(med(s.name, 'service', 'rps')),
        // The median of the rounds' paired ratios (the target's measure); the ratio of the medians beside it.
        ratioToFloor: paired.median,
        pairedRatioMin: paired.min,
        pairedRatioMax: paired.max,
        ratioOfMedians: round(med(s.name, 'service', 'rps') / med(s.name, 'floor', 'rps')),
        p50Ms: round(med(s.name, 'service', 'p50')),
        p99Ms: round(med(s.name, 'service', 'p99')),
        floorP50Ms: round(med(s.name, 'floor', 'p50')),
        floorP99Ms: round(med(s.name, 'floor', 'p99')),
        sqlStatements: checks[s.name]!.sql,
        sameData: checks[s.name]!.sameData,
        ...(checks[s.name]!.difference && { difference: checks[s.name]!.difference }),
        rounds: pairs[s.name],
      };
    }
    if (znunyDetailSql !== null) result.screens.detailHeavy.znunyCustomerDetailSqlStatements = znunyDetailSql;
    const peaks = screens.flatMap((s) => samples[s.name]!.service!.map((x) => x.rssMaxMb ?? 0));
    result.rssMb = round(median(peaks), 1);
    result.rssMaxMb = round(Math.max(...peaks), 1);
    const worst = Math.min(...screens.map((s) => result.screens[s.name].ratioToFloor));
    result.targets = {
      serviceVsFloor: { target: '≥ 0.65 × floor req/s on every screen, by the median of paired rounds', worst, met: worst >= 0.65 },
      sameData: { met: screens.every((s) => result.screens[s.name].sameData) },
    };
    result.seconds = Math.round((Date.now() - started) / 1000);
    const existing = existsSync(o.out) ? JSON.parse(readFileSync(o.out, 'utf8')) : {};
    writeFileSync(o.out, JSON.stringify({ ...existing, [key]: result }, null, 2) + '\n');

    const rows = [['screen', 'floor req/s', 'service req/s', 'service/floor', 'paired range', 'p50 ms', 'p99 ms', 'floor p50 ms', 'SQL', 'same data']];
    for (const s of screens) {
      const x = result.screens[s.name];
      rows.push([s.name, x.floorRps, x.serviceRps, x.ratioToFloor, `${x.pairedRatioMin}–${x.pairedRatioMax}`, x.p50Ms, x.p99Ms, x.floorP50Ms, x.sqlStatements, x.sameData ? 'yes' : 'NO'].map(String));
    }
    console.log(
      `\n${o.engine}: ${params.customers} customers, ${params.users} customer users, ${params.tickets} tickets (median customer ${medianCustomer.tickets}, heaviest ${heavy.tickets}); ` +
        `${o.runs} paired rounds, windows of ${screens.map((s) => amount[s.name]).join(' / ')} requests, ${o.connections} connections; req/s and latencies are medians, service/floor the median of the rounds' paired ratios (load average ${loadRange(screens.flatMap((s) => pairs[s.name]!))})`,
    );
    console.log(table(rows));
    console.log(`service RSS under load: ${result.rssMb} MB median of the windows' peaks, ${result.rssMaxMb} MB largest`);
    if (znunyDetailSql !== null) console.log(`ZnunyCustomerDetail (with dynamic fields) of the heaviest customer: ${znunyDetailSql} statements`);
    for (const [name, t] of Object.entries(result.targets) as [string, any][]) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${name}: ${JSON.stringify({ ...t, met: undefined })}`);
    log(`wrote ${key} into ${o.out}`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await server.stop();
  }
}
