#!/usr/bin/env node
// Load run: generates a dataset, starts the built service on it (production mode) and drives a
// mixed workload over loopback with autocannon for a fixed time: customer lists, detail views,
// business cards, customer user details, ticket creation and updates. Prints req/s, p50/p99,
// errors and the server's RSS.
//
//   npm run load -- [--duration 20] [--connections 8] [--customers 1000] [--users 10000] [--tickets 100000] [--json]
//   npm run load -- --ldap    also configures a directory (a local slapd with the OpenLDAP fixture)
//                             and SIGKILLs it halfway: requests served by SQLite alone must all succeed.
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist/src/main.js');
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = option('duration', 20);
const CONNECTIONS = option('connections', 8);
const SIZE = { customers: option('customers', 1000), users: option('users', 10000), tickets: option('tickets', 100000) };
const JSON_OUT = process.argv.includes('--json');
const WITH_LDAP = process.argv.includes('--ldap');
const say = JSON_OUT ? () => {} : (...a) => console.error(...a);

if (!existsSync(MAIN)) {
  console.error(`load: ${MAIN} is missing; run npm run build first`);
  process.exit(2);
}
const operation = (file, name) => {
  const text = readFileSync(join(ROOT, 'schema/operations', file), 'utf8');
  return { text, name };
};
const Q = {
  list: operation('CustomerList.graphql', 'CustomerList'),
  detail: operation('CustomerDetailView.graphql', 'CustomerDetailView'),
  card: operation('CustomerBusinessCard.graphql', 'CustomerBusinessCard'),
  user: operation('CustomerUserDetail.graphql', 'CustomerUserDetail'),
  mutations: operation('Mutations.graphql', null),
};

const dir = mkdtempSync(join(tmpdir(), 'helpdesk-load-'));
const database = join(dir, 'helpdesk.db');
let server;
const cleanups = [];
try {
  say(`generating ${SIZE.customers} customers, ${SIZE.users} users, ${SIZE.tickets} tickets ...`);
  execFileSync(process.execPath, [join(ROOT, 'dist/src/seed/seed-cli.js'), '--customers', String(SIZE.customers), '--users', String(SIZE.users), '--tickets', String(SIZE.tickets), '--out', database], { stdio: 'pipe' });
  const db = new Database(database, { readonly: true });
  const customerIds = db.prepare(`SELECT customer_id AS id FROM customer WHERE valid = 'VALID' ORDER BY random() LIMIT 500`).all().map((r) => r.id);
  const logins = db.prepare(`SELECT login FROM customer_user WHERE valid = 'VALID' ORDER BY random() LIMIT 500`).all().map((r) => r.login);
  const numbers = db.prepare(`SELECT number FROM ticket ORDER BY random() LIMIT 500`).all().map((r) => r.number);
  db.close();

  let slapd = null;
  if (WITH_LDAP) {
    // The test suite's slapd helper, transpiled on the fly (dist/load/ keeps its relative fixture path).
    const { build } = await import('esbuild');
    const outfile = join(ROOT, 'dist/load/slapd.cjs');
    await build({ entryPoints: [join(ROOT, 'test/ldap/slapd.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error' });
    const helper = createRequire(import.meta.url)(outfile);
    helper.assertSlapdInstalled();
    slapd = await helper.startSlapd({ ldif: helper.layoutLdif('openldap') });
    cleanups.push(() => slapd.dispose());
    say(`directory: ${slapd.url}`);
  }
  const directory = slapd && {
    id: 'directory', name: 'Corporate directory', kind: 'ldap', url: slapd.url, bindDN: 'cn=reader,dc=example,dc=com', bindPassword: 'reader-secret',
    timeoutMs: 1000, preset: 'openldap',
    customers: { baseDN: 'ou=customers,dc=example,dc=com', filter: '(objectClass=organization)' },
    customerUsers: { baseDN: 'ou=people,dc=example,dc=com', filter: '(objectClass=inetOrgPerson)' },
  };
  const token = randomBytes(24).toString('base64url');
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({
    listen: { host: '127.0.0.1', port: 0 },
    database,
    auth: { tokens: [{ name: 'load', role: 'agent', sha256: createHash('sha256').update(token).digest('hex') }] },
    dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }, ...(directory ? [directory] : [])],
  }));
  server = spawn(process.execPath, [MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HELPDESK_CONFIG: configFile, NODE_ENV: 'production', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (c) => {
      out += c;
      const m = /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(out);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });

  const pick = (a) => a[Math.floor(Math.random() * a.length)];
  const MIX = [
    ['list', 20, () => ({ query: Q.list.text, operationName: 'CustomerList', variables: { first: 50, search: Math.random() < 0.3 ? pick(customerIds).slice(0, 3) : null } })],
    ['detail', 20, () => ({ query: Q.detail.text, operationName: 'CustomerDetailView', variables: { customerId: pick(customerIds) } })],
    ['card', 30, () => ({ query: Q.card.text, operationName: 'CustomerBusinessCard', variables: { customerId: pick(customerIds) } })],
    ['user', 10, () => ({ query: Q.user.text, operationName: 'CustomerUserDetail', variables: { login: pick(logins) } })],
    ['createTicket', 12, () => ({ query: Q.mutations.text, operationName: 'CreateTicket', variables: { input: { title: `load ${randomUUID()}`, customerUserLogin: pick(logins) } } })],
    ['updateTicket', 8, () => ({ query: Q.mutations.text, operationName: 'UpdateTicket', variables: { number: pick(numbers), input: { title: `updated ${randomUUID()}`, priority: '4 high' } } })],
  ];
  if (slapd) {
    // With a directory configured, lists and detail views merge its records (LDAP-backed); the
    // rest is served by SQLite alone (lookups of database records stop at the first source).
    MIX.push(['localList', 10, () => ({ query: Q.list.text, operationName: 'CustomerList', variables: { first: 50 } })]);
    MIX.push(['directoryCard', 10, () => ({ query: Q.card.text, operationName: 'CustomerBusinessCard', variables: { customerId: pick(['ACME', 'globex', 'INITECH']) } })]);
    const localList = MIX.find((m) => m[0] === 'localList');
    localList[2] = () => ({ query: '{ customers(dataSource: "local", first: 50) { totalCount nodes { customerId name city ticketCounts { open closed } } } }' });
  }
  const LDAP_BACKED = new Set(slapd ? ['list', 'detail', 'directoryCard'] : []);
  const totalWeight = MIX.reduce((s, m) => s + m[1], 0);
  const byKind = Object.fromEntries(MIX.map(([k]) => [k, { requests: 0, graphqlErrors: 0, ...(slapd && { sqliteOnly: !LDAP_BACKED.has(k), afterKill: 0, errorsAfterKill: 0 }) }]));
  let directoryKilled = false;
  if (slapd) {
    setTimeout(() => {
      directoryKilled = true;
      process.kill(slapd.pid(), 'SIGKILL');
      say('directory killed (SIGKILL)');
    }, (DURATION * 1000) / 2).unref();
  }
  let graphqlErrors = 0;
  const errorSamples = [];

  let rssMax = 0;
  const rss = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0);
      rssMax = Math.max(rssMax, kb);
      return kb;
    } catch {
      return 0;
    }
  };
  const rssStart = rss();
  const sampler = setInterval(rss, 200);

  say(`driving ${url}/graphql for ${DURATION}s with ${CONNECTIONS} connections ...`);
  const result = await autocannon({
    url: `${url}/graphql`,
    connections: CONNECTIONS,
    duration: DURATION,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest(req, context) {
          let r = Math.random() * totalWeight;
          const [kind, , body] = MIX.find((m) => (r -= m[1]) < 0) ?? MIX[0];
          context.kind = kind;
          return { ...req, body: JSON.stringify(body()) };
        },
        onResponse(status, body, context) {
          const kind = byKind[context.kind];
          kind.requests++;
          if (directoryKilled && slapd) kind.afterKill++;
          if (status === 200 && !body.includes('"errors"')) return;
          kind.graphqlErrors++;
          if (directoryKilled && slapd) kind.errorsAfterKill++;
          if (slapd && LDAP_BACKED.has(context.kind) && status === 200) {
            // Expected once the directory is gone, as DATA_SOURCE_UNAVAILABLE only.
            const codes = (JSON.parse(body).errors ?? []).map((e) => e.extensions?.code);
            if (codes.every((c) => c === 'DATA_SOURCE_UNAVAILABLE')) return;
          }
          graphqlErrors++;
          if (errorSamples.length < 5) errorSamples.push(`${context.kind} ${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  });
  clearInterval(sampler);
  const rssEnd = rss();
  const summary = {
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    dataset: SIZE,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: { transport: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, graphql: graphqlErrors },
    rssMB: { start: Math.round(rssStart / 1024), max: Math.round(rssMax / 1024), end: Math.round(rssEnd / 1024) },
    byKind,
    errorSamples,
  };
  if (slapd) {
    const sqliteOnly = Object.values(byKind).filter((k) => k.sqliteOnly);
    summary.directoryKilledHalfway = {
      sqliteOnlyRequests: sqliteOnly.reduce((s, k) => s + k.requests, 0),
      sqliteOnlyAfterKill: sqliteOnly.reduce((s, k) => s + k.afterKill, 0),
      sqliteOnlyErrors: sqliteOnly.reduce((s, k) => s + k.graphqlErrors, 0),
      ldapBackedErrorsAfterKill: Object.values(byKind).filter((k) => !k.sqliteOnly).reduce((s, k) => s + k.errorsAfterKill, 0),
    };
  }
  if (JSON_OUT) console.log(JSON.stringify(summary));
  else {
    console.log(`\nload: ${summary.requests} requests in ${DURATION}s over ${CONNECTIONS} connections`);
    console.log(`  ${summary.reqPerSec} req/s   p50 ${summary.latencyMs.p50} ms   p99 ${summary.latencyMs.p99} ms   max ${summary.latencyMs.max} ms`);
    console.log(`  errors: transport ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, unexpected GraphQL errors ${graphqlErrors}`);
    console.log(`  server RSS: start ${summary.rssMB.start} MB, max ${summary.rssMB.max} MB, end ${summary.rssMB.end} MB`);
    console.table(Object.fromEntries(Object.entries(byKind)));
    if (errorSamples.length) console.log('error samples:\n' + errorSamples.join('\n'));
    if (summary.directoryKilledHalfway) {
      const d = summary.directoryKilledHalfway;
      const rate = d.sqliteOnlyRequests ? (100 * (d.sqliteOnlyRequests - d.sqliteOnlyErrors)) / d.sqliteOnlyRequests : 0;
      console.log(`  directory SIGKILLed halfway: SQLite-only requests ${d.sqliteOnlyRequests} (${d.sqliteOnlyAfterKill} after the kill), ${rate.toFixed(2)} % successful; LDAP-backed errors after the kill ${d.ldapBackedErrorsAfterKill}`);
    }
  }
  if (summary.directoryKilledHalfway && summary.directoryKilledHalfway.sqliteOnlyErrors > 0) process.exitCode = 1;
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  for (const c of cleanups) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
