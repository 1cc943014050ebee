/**
 * `npm run bench:live`: live subscriptions under load. Starts the built service (its own process,
 * a temp SQLite database), opens `--connections` graphql-ws connections holding `--subscribers`
 * LiveCustomerDetail subscriptions over `--customers` customers, and sends `--rate` ticket writes
 * per second for `--duration` seconds over HTTP. Reports write-to-push latency (from sending the
 * write to the first push showing it, so an upper bound of the commit-to-push time), pushes, SQL
 * statements per push tick (for this run and for one subscriber per customer), the service's peak
 * RSS, and whether every subscriber's last push equals the final state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const num = (name: string, fallback: number) => (args.has(name) ? Number(args.get(name)) : fallback);
const SUBSCRIBERS = num('subscribers', 1000);
const CUSTOMERS = num('customers', 10);
const CONNECTIONS = num('connections', 20);
const RATE = num('rate', 50);
const DURATION = num('duration', 30);
const COALESCE_MS = num('coalesce', 250);
const TICKETS_PER_CUSTOMER = 8;
const OUT = args.get('out') ?? join(__dirname, '../../bench/live-results.json');

const TOKEN = 'bench-live-token-0123456789abcdef';
const SELECTION = `customerId
    name
    ticketCounts { open closed escalated pendingReminder total }
    escalatedTickets(first: 10) { totalCount nodes { number title } }
    openTickets(first: 10) { totalCount nodes { number title state } }
    customerUsers(first: 25) { totalCount nodes { login ticketCounts { open closed } } }`;
const SUBSCRIPTION = `subscription LiveCustomerDetail($customerId: ID!) { customerChanged(customerId: $customerId) { ${SELECTION} } }`;
const QUERY = `query CustomerNow($customerId: ID!) { customer(customerId: $customerId) { ${SELECTION} } }`;

interface Service {
  child: ChildProcess;
  url: string;
}

function startService(dir: string): Promise<Service> {
  const config = {
    listen: { host: '127.0.0.1', port: 0 },
    database: join(dir, 'helpdesk.db'),
    auth: { tokens: [{ name: 'bench', role: 'agent', sha256: createHash('sha256').update(TOKEN).digest('hex') }] },
    dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
    live: { coalesceMs: COALESCE_MS },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(process.execPath, [join(__dirname, '../src/main.js')], {
    cwd: dir,
    env: { ...process.env, HELPDESK_CONFIG: join(dir, 'config.json'), LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(out)?.[1] ?? /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out)?.[1];
      if (url) resolve({ child, url });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`service exited ${code}:\n${out}`)));
  });
}

async function gql(service: Service, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function metrics(service: Service): Promise<Map<string, number>> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const [name, value] = line.split(/ (?=[^ ]+$)/);
    const base = name!.replace(/\{.*\}$/, '');
    out.set(name!, Number(value));
    if (base !== name) out.set(base, (out.get(base) ?? 0) + Number(value));
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, polls = 3000): Promise<void> {
  for (let i = 0; i < polls; i++) {
    if (await cond()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Subscriber {
  customer: number;
  last: any;
  pushes: number;
  /** Per ticket number: the highest write sequence seen. */
  seen: Map<string, number>;
}

interface RunResult {
  subscribers: number;
  writes: number;
  pushes: number;
  ticks: number;
  statementsPerTick: number;
  p50: number;
  p99: number;
  maxLatency: number;
  samples: number;
  peakRssMb: number;
  peakHeapMb: number;
  finalStateOk: boolean;
  mismatches: number;
}

async function run(service: Service, tickets: string[][], subscribers: number, connections: number, duration: number, statementsPerWrite: number): Promise<RunResult> {
  const clients: Client[] = Array.from({ length: connections }, () =>
    createClient({ url: service.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${TOKEN}` } }),
  );
  const writes = new Map<string, { seq: number; sentAt: number }[]>();
  const latencies: number[] = [];
  const subs: Subscriber[] = [];
  const disposers: (() => void)[] = [];
  let pushes = 0;
  for (let i = 0; i < subscribers; i++) {
    const sub: Subscriber = { customer: i % tickets.length, last: null, pushes: 0, seen: new Map() };
    subs.push(sub);
    disposers.push(
      clients[i % connections]!.subscribe(
        { query: SUBSCRIPTION, variables: { customerId: `C${String(sub.customer).padStart(2, '0')}` } },
        {
          next: (result) => {
            const now = performance.now();
            pushes++;
            sub.pushes++;
            sub.last = (result.data as any)?.customerChanged;
            for (const t of sub.last?.openTickets.nodes ?? []) {
              const seq = Number(/^w(\d+)$/.exec(t.title)?.[1] ?? 0);
              const before = sub.seen.get(t.number) ?? 0;
              if (seq <= before) continue;
              sub.seen.set(t.number, seq);
              for (const w of writes.get(t.number) ?? []) if (w.seq > before && w.seq <= seq) latencies.push(now - w.sentAt);
            }
          },
          error: (e) => console.error('subscription error', e),
          complete: () => undefined,
        },
      ),
    );
  }
  await waitFor(async () => (await metrics(service)).get('helpdesk_live_subscriptions') === subscribers, `${subscribers} subscriptions`);
  const before = await metrics(service);
  let peakRss = before.get('helpdesk_process_resident_memory_bytes') ?? 0;
  let peakHeap = before.get('helpdesk_nodejs_heap_size_used_bytes') ?? 0;
  const rssSampler = setInterval(() => {
    metrics(service).then((m) => {
      peakRss = Math.max(peakRss, m.get('helpdesk_process_resident_memory_bytes') ?? 0);
      peakHeap = Math.max(peakHeap, m.get('helpdesk_nodejs_heap_size_used_bytes') ?? 0);
    }, () => undefined);
  }, 500);

  // Writes at a steady rate: each sets a ticket's title to its sequence number.
  let seq = 0;
  const inFlight = new Set<Promise<unknown>>();
  const total = Math.round(RATE * duration);
  const start = performance.now();
  while (seq < total) {
    const due = start + (seq * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const s = ++seq;
    const customer = tickets[s % tickets.length]!;
    const number = customer[Math.floor(s / tickets.length) % customer.length]!;
    const list = writes.get(number) ?? [];
    list.push({ seq: s, sentAt: performance.now() });
    writes.set(number, list);
    const p = gql(service, `mutation($n: String!, $t: String!) { updateTicket(number: $n, input: { title: $t }) { number } }`, { n: number, t: `w${s}` });
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => undefined);
  }
  await Promise.all(inFlight);

  // The final state: every subscriber's last push must equal what a query reads now.
  const finals = await Promise.all(tickets.map((_, c) => gql(service, QUERY, { customerId: `C${String(c).padStart(2, '0')}` })));
  const expected = finals.map((f) => JSON.stringify(f.customer));
  let mismatches = 0;
  try {
    await waitFor(() => subs.every((s) => JSON.stringify(s.last) === expected[s.customer]), 'every subscriber to show the final state', 500);
  } catch {
    mismatches = subs.filter((s) => JSON.stringify(s.last) !== expected[s.customer]).length;
  }
  const after = await metrics(service);
  clearInterval(rssSampler);
  peakRss = Math.max(peakRss, after.get('helpdesk_process_resident_memory_bytes') ?? 0);
  for (const d of disposers) d();
  await Promise.all(clients.map((c) => c.dispose()));
  await waitFor(async () => (await metrics(service)).get('helpdesk_live_subscriptions') === 0, 'the subscriptions to end');

  const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const ticks = delta('helpdesk_live_ticks_total');
  const statements = delta('helpdesk_datasource_operations_total') - total * statementsPerWrite;
  latencies.sort((a, b) => a - b);
  return {
    subscribers,
    writes: total,
    pushes,
    ticks,
    statementsPerTick: ticks ? statements / ticks : NaN,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    maxLatency: latencies.at(-1) ?? NaN,
    samples: latencies.length,
    peakRssMb: peakRss / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
    finalStateOk: mismatches === 0,
    mismatches,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-live-'));
  const service = await startService(dir);
  try {
    // The dataset: customers with users and open tickets.
    const tickets: string[][] = [];
    for (let c = 0; c < CUSTOMERS; c++) {
      const id = `C${String(c).padStart(2, '0')}`;
      await gql(service, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customerId } }`, { i: { dataSource: 'local', customerId: id, name: `Customer ${id}`, country: 'DE' } });
      for (let u = 0; u < 3; u++) {
        await gql(service, `mutation($i: CreateCustomerUserInput!) { createCustomerUser(input: $i) { login } }`, {
          i: { dataSource: 'local', login: `${id.toLowerCase()}-u${u}`, firstName: 'User', lastName: `${u}`, email: `${id.toLowerCase()}-u${u}@example.com`, customerId: id },
        });
      }
      const numbers: string[] = [];
      for (let t = 0; t < TICKETS_PER_CUSTOMER; t++) {
        const d = await gql(service, `mutation($i: CreateTicketInput!) { createTicket(input: $i) { number } }`, { i: { title: 'w0', state: 'open', customerUserLogin: `${id.toLowerCase()}-u${t % 3}` } });
        numbers.push(d.createTicket.number);
      }
      tickets.push(numbers);
    }
    // Statements of one write, with a live watcher present (a change then also resolves a
    // ticket's customer user to its customers: one statement per write), subtracted from the
    // run's statements; the watcher's customer is not written, so no tick runs.
    await gql(service, `mutation { createCustomer(input: { dataSource: "local", customerId: "IDLE", name: "Idle", country: "DE" }) { customerId } }`);
    const idle = createClient({ url: service.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${TOKEN}` } });
    idle.subscribe({ query: SUBSCRIPTION, variables: { customerId: 'IDLE' } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await waitFor(async () => (await metrics(service)).get('helpdesk_live_subscriptions') === 1, 'the idle watcher');
    const m0 = await metrics(service);
    const probe = 50;
    for (let i = 0; i < probe; i++) await gql(service, `mutation($n: String!) { updateTicket(number: $n, input: { title: "w0" }) { number } }`, { n: tickets[i % CUSTOMERS]![0] });
    const statementsPerWrite = ((await metrics(service)).get('helpdesk_datasource_operations_total')! - m0.get('helpdesk_datasource_operations_total')!) / probe;
    await idle.dispose();
    await waitFor(async () => (await metrics(service)).get('helpdesk_live_subscriptions') === 0, 'the idle watcher to end');

    console.log(`bench:live: ${CUSTOMERS} customers, ${RATE} writes/s, coalesce ${COALESCE_MS} ms; ${statementsPerWrite} statements per write`);
    const small = await run(service, tickets, CUSTOMERS, 1, Math.min(DURATION, 10), statementsPerWrite);
    const big = await run(service, tickets, SUBSCRIBERS, CONNECTIONS, DURATION, statementsPerWrite);
    const rows = [small, big].map((r) => ({
      subscribers: r.subscribers,
      writes: r.writes,
      pushes: r.pushes,
      ticks: r.ticks,
      'statements/tick': r.statementsPerTick.toFixed(2),
      'p50 ms': r.p50.toFixed(1),
      'p99 ms': r.p99.toFixed(1),
      'max ms': r.maxLatency.toFixed(1),
      'peak RSS MB': r.peakRssMb.toFixed(0),
      'peak heap MB': r.peakHeapMb.toFixed(0),
      'final state': r.finalStateOk ? 'all equal' : `${r.mismatches} differ`,
    }));
    console.table(rows);
    const targets = {
      p99: big.p99 <= COALESCE_MS + 100,
      // The same bound with 100 times the subscribers (loader batches may split once or twice per tick).
      statementsIndependent: big.statementsPerTick <= small.statementsPerTick * 1.25,
      rss: big.peakRssMb <= 200,
      finalState: big.finalStateOk && small.finalStateOk,
    };
    console.log('targets:', targets);
    writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), config: { SUBSCRIBERS, CUSTOMERS, CONNECTIONS, RATE, DURATION, COALESCE_MS }, statementsPerWrite, runs: [small, big], targets }, null, 2) + '\n');
    if (!Object.values(targets).every(Boolean)) process.exitCode = 1;
  } finally {
    service.child.kill('SIGTERM');
    await new Promise((r) => service.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
