/**
 * What compiled execution buys, in process (no HTTP): the bench's list and detail screens run
 * through Apollo with graphql-js and with graphql-jit, alternating rounds, on the bench dataset.
 *
 *   node dist/bench/execution.js [--rounds N] [--requests N]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/composition/app';
import { loadConfig, sha256Hex } from '../src/config/config';
import { createApollo } from '../src/graphql/apollo';
import { createContext } from '../src/graphql/context';
import { createLogger } from '../src/log/logger';
import { BENCH_LINKS } from './bench-config';

const ROOT = resolve(__dirname, '../..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '400' } } });

async function main(): Promise<void> {
  const database = join(ROOT, 'bench/data/helpdesk-x1.db');
  const config = loadConfig({
    env: { NODE_ENV: 'production' },
    cwd: ROOT,
    raw: {
      listen: { host: '127.0.0.1', port: 0 },
      database,
      auth: { tokens: [{ name: 'bench', role: 'reader', sha256: sha256Hex('bench-token-0123456789') }] },
      dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
      links: BENCH_LINKS,
    },
  });
  const app = await createApp(config, { logger: createLogger('silent') });
  const meta = { metrics: app.metrics, logger: createLogger('silent'), introspection: false, limits: config.limits };
  const servers = { interpreted: createApollo({ ...meta, execution: 'interpreted' }), compiled: createApollo({ ...meta, execution: 'compiled' }) };
  await Promise.all(Object.values(servers).map((s) => s.start()));
  const op = (name: string) => readFileSync(join(ROOT, 'schema/operations', `${name}.graphql`), 'utf8');
  const median = JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8')).customers.median.customerId as string;
  const screens: Record<string, { query: string; variables: Record<string, unknown> }> = {
    list: { query: op('CustomerList'), variables: { first: 50 } },
    detailMedian: { query: op('CustomerDetailView'), variables: { customerId: median } },
  };
  const results: Record<string, Record<string, number[]>> = {};
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [screen, request] of Object.entries(screens)) {
      for (const [name, server] of Object.entries(servers)) {
        // CPU time, not wall time: on a shared machine other processes stretch wall time.
        const started = process.cpuUsage();
        for (let i = 0; i < Number(values.requests); i++) {
          const r = await server.executeOperation(request, { contextValue: createContext(app, 'reader', 'bench') });
          if (r.body.kind !== 'single' || r.body.singleResult.errors) throw new Error(`${screen} ${name}: ${JSON.stringify(r.body)}`);
        }
        const used = process.cpuUsage(started);
        ((results[screen] ??= {})[name] ??= []).push((used.user + used.system) / 1000 / Number(values.requests));
      }
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('| screen | graphql-js CPU ms/request | graphql-jit CPU ms/request | saved |');
  console.log('|---|---:|---:|---:|');
  for (const [screen, r] of Object.entries(results)) {
    const a = med(r.interpreted!);
    const b = med(r.compiled!);
    console.log(`| ${screen} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${Math.round((1 - b / a) * 100)} % |`);
  }
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  await app.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
