/**
 * `npm run bench -- --engine postgres`: the same screens (list, detailMedian, detailHeavy) and
 * targets (hand-written floor, service, service with batching off) on PostgreSQL, with the same
 * generated dataset, plus the service as two replicas on the same database. Starts its own
 * throw-away PostgreSQL (bench/servers.ts: initdb + pg_ctl on a free loopback port), seeds it with
 * the PostgreSQL seed writer, and writes `"postgres": { "screens": { ... } }` into the results file
 * beside the SQLite figures. Measured in paired rounds (bench/rounds.ts): per round and screen the
 * floor and the service back to back (alternating which goes first), PostGraphile right after the
 * service on the list (so the service / PostGraphile ratio is paired too), then the naive service
 * and two replicas.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { OPEN_STATE_TYPES } from '../src/domain/tickets';
import { generateDataset } from '../src/seed/generate';
import { openStore } from '../src/composition/adapter-factory';
import { progressBar, progressLog } from '../src/seed/progress';
import { BENCH_LINKS } from './bench-config';
import { loadAverage, loadRange, loadRun, median, pairedRound, pairedStats, pairOrder, round, table, type PairedRound, type Sample } from './rounds';
import { freePort, startPostgres } from './servers';

/** What the engine part needs from bench/run.ts's options. */
export interface PostgresBenchOptions {
  readonly root: string;
  readonly scale: number;
  readonly duration: number;
  readonly runs: number;
  readonly connections: number;
  readonly out: string;
}

interface Target {
  readonly name: string;
  readonly urls: readonly string[];
  readonly children: readonly ChildProcess[];
  readonly graphql: boolean;
  readonly token: string;
}

interface Screen {
  readonly name: 'list' | 'detailMedian' | 'detailHeavy';
  readonly customerId: string | null;
}

/** The list screen for the peer: the first 50 valid customers in the service's order, with the total and the two counts. */
const PEER_LIST = `{
  allCustomers(first: 50, condition: { valid: "VALID" }, orderBy: [NAME_SORT_ASC, CUSTOMER_KEY_ASC]) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id customerId name city country valid open closed } }
  }
}`;
interface PeerList {
  allCustomers: { totalCount: number; edges: { node: { customerId: string; name: string; open: number; closed: number } }[] };
}
interface ServiceList {
  customers: { totalCount: number; edges: { node: { customerId: string; name: string; ticketCounts: { open: number; closed: number } } }[] };
}

const log = (text: string) => process.stderr.write(text + '\n');

/**
 * Installs the peer (bench/peer: PostGraphile v5, its own package and lockfile) on first use:
 * it declares Node >= 22, and the service's own `npm install` should not carry it.
 */
function installPeer(dir: string): void {
  if (existsSync(join(dir, 'node_modules', 'postgraphile'))) return;
  console.log('installing the PostGraphile peer into bench/peer (first run only)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci in ${dir} failed (exit ${r.status}): the PostgreSQL bench needs the npm registry once for its peer`);
}

async function spawnHealthy(args: string[], env: NodeJS.ProcessEnv, url: string, root: string, probe = '/readyz'): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}: ${err}`);
    if (await fetch(url + probe).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready: ${err}`);
}

export async function postgresBench(o: PostgresBenchOptions): Promise<void> {
  const started = Date.now();
  const op = (name: string) => readFileSync(join(o.root, 'schema/operations', `${name}.graphql`), 'utf8');
  const LIST = op('CustomerList');
  const DETAIL = op('CustomerDetailView');
  const params = { customers: 1000 * o.scale, users: 20000 * o.scale, tickets: 200000 * o.scale, seed: 42, skew: 1.1 };
  const server = await startPostgres();
  const children: ChildProcess[] = [];
  try {
    const url = await server.createDatabase('bench');
    const db = new URL(url).pathname.slice(1);
    log(`postgres: seeding the x${o.scale} dataset (${params.customers} customers, ${params.users} users, ${params.tickets} tickets) …`);
    const seedStarted = Date.now();
    const store = openStore({ database: url, label: 'bench', maxPageSize: 100, pool: { size: 2, statementTimeoutMs: 600_000, connectTimeoutMs: 10_000 } });
    const bar = progressBar('seeding tickets', params.tickets);
    try {
      await generateDataset(store.seedWriter, { ...params, onTickets: (n) => bar.update(n, n === params.tickets ? 'counts' : undefined) });
    } finally {
      bar.stop();
      await store.close();
    }
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    log(`  done in ${seedSeconds.toFixed(1)} s`);
    await server.sql(db, 'VACUUM ANALYZE');
    const byTickets = await server.sql<{ customerId: string; tickets: number }>(
      db,
      `SELECT c.customer_id AS "customerId", coalesce((SELECT sum(n) FROM ticket_count k WHERE k.owner = 'c' AND k.owner_key = c.customer_key), 0)::int AS tickets
       FROM customer c WHERE c.valid = 'VALID' ORDER BY tickets, c.customer_key`,
    );
    const medianCustomer = byTickets[Math.floor(byTickets.length / 2)]!;
    const heavy = byTickets[byTickets.length - 1]!;
    const screens: Screen[] = [
      { name: 'list', customerId: null },
      { name: 'detailMedian', customerId: medianCustomer.customerId },
      { name: 'detailHeavy', customerId: heavy.customerId },
    ];

    const token = randomBytes(24).toString('base64url');
    const DATA = join(o.root, 'bench/data');
    mkdirSync(DATA, { recursive: true });
    const service = async (name: string, batching: boolean, replicas: number): Promise<Target> => {
      const configFile = join(DATA, `service-postgres-${name}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          listen: { host: '127.0.0.1', port: 0 },
          database: url,
          auth: { tokens: [{ name: 'bench', role: 'reader', sha256: createHash('sha256').update(token).digest('hex') }] },
          dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
          links: BENCH_LINKS,
          batching,
        }),
      );
      const urls: string[] = [];
      const mine: ChildProcess[] = [];
      for (let i = 0; i < replicas; i++) {
        const port = await freePort();
        const u = `http://127.0.0.1:${port}`;
        const child = await spawnHealthy([join(o.root, 'dist/src/main.js')], { HELPDESK_CONFIG: configFile, NODE_ENV: 'production', PORT: String(port) }, u, o.root);
        children.push(child);
        mine.push(child);
        urls.push(u);
      }
      return { name, urls, children: mine, graphql: true, token };
    };
    const floorPort = await freePort();
    const floorUrl = `http://127.0.0.1:${floorPort}`;
    const floorChild = await spawnHealthy([join(o.root, 'dist/bench/floor-server-postgres.js'), url, String(floorPort)], {}, floorUrl, o.root, '/healthz');
    children.push(floorChild);
    const floor: Target = { name: 'floor', urls: [floorUrl], children: [floorChild], graphql: false, token };
    // The peer: PostGraphile v5 on the list screen, its open/closed counts computed columns over the
    // kept counts, created here in the throw-away database only.
    const open = OPEN_STATE_TYPES.map((t) => `'${t}'`).join(', ');
    await server.sql(
      db,
      `CREATE FUNCTION customer_open(c customer) RETURNS int LANGUAGE sql STABLE AS $$
         SELECT coalesce(sum(n), 0)::int FROM ticket_count WHERE owner = 'c' AND owner_key = c.customer_key AND state_type IN (${open}) $$;
       CREATE FUNCTION customer_closed(c customer) RETURNS int LANGUAGE sql STABLE AS $$
         SELECT coalesce(sum(n), 0)::int FROM ticket_count WHERE owner = 'c' AND owner_key = c.customer_key AND state_type NOT IN (${open}) $$;`,
    );
    const peerPort = await freePort();
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    installPeer(join(o.root, 'bench/peer'));
    const peerChild = await spawnHealthy([join(o.root, 'bench/peer/peer-postgraphile.mjs'), url, String(peerPort)], { GRAPHILE_ENV: 'production' }, peerUrl, o.root, '/');
    children.push(peerChild);
    const peer: Target = { name: 'peer', urls: [peerUrl], children: [peerChild], graphql: true, token };
    const svc = await service('service', true, 1);
    const naive = await service('naive', false, 1);
    const two = await service('replicas2', true, 2);

    const request = (t: Target, s: Screen) =>
      t === peer
        ? { path: '/graphql', method: 'POST' as const, headers: { 'content-type': 'application/json' } as Record<string, string>, body: JSON.stringify({ query: PEER_LIST }) }
        : t.graphql
        ? {
            path: '/graphql',
            method: 'POST' as const,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` } as Record<string, string>,
            body: JSON.stringify(
              s.customerId === null
                ? { query: LIST, operationName: 'CustomerList', variables: { first: 50 } }
                : { query: DETAIL, operationName: 'CustomerDetailView', variables: { customerId: s.customerId } },
            ),
          }
        : { path: s.customerId === null ? '/list' : `/detail?customerId=${encodeURIComponent(s.customerId)}`, method: 'GET' as const, headers: {} as Record<string, string>, body: undefined };
    const fetchData = async (t: Target, s: Screen, i = 0) => {
      const r = request(t, s);
      const res = await fetch(t.urls[i]! + r.path, { method: r.method, headers: r.headers, body: r.body });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      if (res.status !== 200 || body.errors) throw new Error(`${t.name} ${s.name}: ${res.status} ${JSON.stringify(body.errors ?? body)}`);
      return body.data;
    };
    const statementsOf = async (t: Target, s: Screen) => {
      const read = async () =>
        (await (await fetch(`${t.urls[0]}/metrics`)).text())
          .split('\n')
          .filter((l) => l.startsWith('helpdesk_datasource_operations_total{'))
          .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      const before = await read();
      await fetchData(t, s);
      return (await read()) - before;
    };
    /** One load run (bench/rounds.ts); a target with several replicas gets the connections split over them, req/s summed; RSS of the first process sampled. */
    const load = (t: Target, s: Screen, duration: number) =>
      loadRun({ name: `${t.name} ${s.name}`, urls: t.urls, pids: t.children.map((c) => c.pid!) }, request(t, s), duration, o.connections);

    // Same data, peer against service: the same customers in the same order, names, open and closed counts, total.
    const peerData = (await fetchData(peer, screens[0]!)) as PeerList;
    const serviceData = (await fetchData(svc, screens[0]!)) as ServiceList;
    const peerRows = peerData.allCustomers.edges.map((e) => [e.node.customerId, e.node.name, e.node.open, e.node.closed]);
    const serviceRows = serviceData.customers.edges.map((e) => [e.node.customerId, e.node.name, e.node.ticketCounts.open, e.node.ticketCounts.closed]);
    const peerSame = isDeepStrictEqual(peerRows, serviceRows) && peerData.allCustomers.totalCount === serviceData.customers.totalCount && peerRows.length === 50;
    if (!peerSame) log(`!! postgres list: PostGraphile and the service differ`);
    const checks: Record<string, { sameData: boolean; difference: string | null; sql: number; naiveSql: number }> = {};
    for (const s of screens) {
      const [f, sv, nv, a, b] = await Promise.all([fetchData(floor, s), fetchData(svc, s), fetchData(naive, s), fetchData(two, s, 0), fetchData(two, s, 1)]);
      const difference = [[sv, f], [nv, sv], [a, sv], [b, sv]].some(([x, y]) => !isDeepStrictEqual(x, y)) ? 'service, floor, naive or replicas differ' : null;
      if (difference) log(`!! postgres ${s.name}: ${difference}`);
      checks[s.name] = { sameData: difference === null, difference, sql: await statementsOf(svc, s), naiveSql: await statementsOf(naive, s) };
    }
    const targets = [floor, svc, naive, two, peer];
    const targetsOf = (s: Screen) => (s.name === 'list' ? targets : targets.filter((t) => t !== peer));
    for (const s of screens) for (const t of targetsOf(s)) await load(t, s, 1);
    const samples: Record<string, Record<string, Sample[]>> = {};
    const pairs: Record<string, PairedRound[]> = {};
    const peerPairs: { round: number; loadAvg: number; serviceRps: number; peerRps: number; ratio: number }[] = [];
    const progress = progressLog('postgres rounds', o.runs * screens.reduce((n, s) => n + targetsOf(s).length, 0));
    try {
      for (let run = 1; run <= o.runs; run++) {
        for (const s of screens) {
          const loadAvg = loadAverage();
          // Floor and service back to back (ABBA); on the list PostGraphile on the service's other side.
          const [a, b] = pairOrder(run, floor, svc);
          const order = s.name === 'list' ? (run % 2 === 1 ? [a, b, peer] : [peer, a, b]) : [a, b];
          const got: Record<string, Sample> = {};
          for (const t of [...order, naive, two]) {
            const sample = (got[t.name] = await load(t, s, o.duration));
            ((samples[s.name] ??= {})[t.name] ??= []).push(sample);
            progress.log(`postgres round ${run}/${o.runs} ${s.name.padEnd(12)} ${t.name.padEnd(9)} ${sample.rps.toFixed(0).padStart(6)} req/s  p50 ${sample.p50.toFixed(2)} ms  p99 ${sample.p99.toFixed(2)} ms`);
            progress.increment();
          }
          const pair = pairedRound(run, loadAvg, got.floor!, got.service!);
          (pairs[s.name] ??= []).push(pair);
          progress.log(`postgres round ${run}/${o.runs} ${s.name.padEnd(12)} service/floor ${pair.ratio.toFixed(2)} (load average ${loadAvg.toFixed(2)}, ${pair.first} first)`);
          if (got.peer) {
            peerPairs.push({ round: run, loadAvg, serviceRps: Math.round(got.service!.rps), peerRps: Math.round(got.peer.rps), ratio: round(got.service!.rps / got.peer.rps, 4) });
          }
        }
      }
    } finally {
      progress.stop();
    }
    const med = (screen: string, target: string, key: 'rps' | 'p50' | 'p99') => median(samples[screen]![target]!.map((x) => x[key]));
    const result: Record<string, any> = {
      engine: 'postgres',
      generatedAt: new Date().toISOString(),
      machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version },
      params: { scale: o.scale, ...params, durationS: o.duration, runs: o.runs, connections: o.connections, method: 'paired rounds', seedSeconds: round(seedSeconds, 1) },
      customers: { median: medianCustomer, heavy },
      screens: {},
    };
    for (const s of screens) {
      const floorRps = med(s.name, 'floor', 'rps');
      const serviceRps = med(s.name, 'service', 'rps');
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
        naiveToServiceP50: round(med(s.name, 'naive', 'p50') / med(s.name, 'service', 'p50')),
        p50Ms: round(med(s.name, 'service', 'p50')),
        p99Ms: round(med(s.name, 'service', 'p99')),
        floorP50Ms: round(med(s.name, 'floor', 'p50')),
        floorP99Ms: round(med(s.name, 'floor', 'p99')),
        naiveP50Ms: round(med(s.name, 'naive', 'p50')),
        naiveP99Ms: round(med(s.name, 'naive', 'p99')),
        sqlStatements: checks[s.name]!.sql,
        naiveSqlStatements: checks[s.name]!.naiveSql,
        sameData: checks[s.name]!.sameData,
        twoReplicasRps: round(med(s.name, 'replicas2', 'rps'), 0),
        twoReplicasP50Ms: round(med(s.name, 'replicas2', 'p50')),
        twoReplicasToOne: round(med(s.name, 'replicas2', 'rps') / serviceRps),
        rounds: pairs[s.name],
      };
    }
    Object.assign(result.screens.list, {
      peer: 'PostGraphile v5 (Amber preset, grafserv on node:http); open and closed as computed columns',
      peerRps: round(med('list', 'peer', 'rps'), 0),
      peerP50Ms: round(med('list', 'peer', 'p50')),
      peerP99Ms: round(med('list', 'peer', 'p99')),
      // The median of the rounds' paired service / PostGraphile ratios.
      serviceToPeer: pairedStats(peerPairs).median,
      peerSameData: peerSame,
      peerRounds: peerPairs,
    });
    const worst = Math.min(...screens.map((s) => result.screens[s.name].ratioToFloor));
    result.targets = {
      serviceVsFloor: { target: '≥ 0.65 × floor req/s on every screen, by the median of paired rounds', worst, met: worst >= 0.65 },
      serviceVsPeer: { target: 'service ≥ PostGraphile on the list, by the median of paired rounds', value: result.screens.list.serviceToPeer, met: result.screens.list.serviceToPeer >= 1 },
      sameData: { met: screens.every((s) => result.screens[s.name].sameData) && peerSame },
    };
    result.seconds = Math.round((Date.now() - started) / 1000);
    const existing = existsSync(o.out) ? JSON.parse(readFileSync(o.out, 'utf8')) : {};
    writeFileSync(o.out, JSON.stringify({ ...existing, postgres: result }, null, 2) + '\n');
    const rows = [['screen (PostgreSQL)', 'floor req/s', 'service req/s', 'naive req/s', 'PostGraphile req/s', 'service/floor', 'paired range', 'naive/service p50', 'p50 ms', 'p99 ms', 'SQL', '2 replicas req/s', 'same data']];
    for (const s of screens) {
      const x = result.screens[s.name];
      rows.push([s.name, x.floorRps, x.serviceRps, x.naiveRps, x.peerRps ?? '–', x.ratioToFloor, `${x.pairedRatioMin}–${x.pairedRatioMax}`, x.naiveToServiceP50, x.p50Ms, x.p99Ms, x.sqlStatements, x.twoReplicasRps, x.sameData ? 'yes' : 'NO'].map(String));
    }
    console.log(`\n${o.runs} paired rounds × ${o.duration} s, ${o.connections} connections; req/s and latencies are medians, service/floor the median of the rounds' paired ratios (load average ${loadRange(screens.flatMap((s) => pairs[s.name]!))})`);
    console.log(table(rows));
    console.log(`service / PostGraphile on the list: ${result.screens.list.serviceToPeer} (median of paired rounds)`);
    for (const [name, t] of Object.entries(result.targets) as [string, any][]) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${name}: ${JSON.stringify({ ...t, met: undefined })}`);
    log(`wrote postgres figures into ${o.out}; PostGraphile same data as the service on the list: ${peerSame ? 'yes' : 'NO'}`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await server.stop();
  }
}
