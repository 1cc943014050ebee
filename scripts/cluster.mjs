#!/usr/bin/env node
// Runs N service replicas on one machine, on consecutive ports, sharing one PostgreSQL database.
//
//   npm run cluster -- --replicas 2 [--port 4000] [--database postgres://USER:PASSWORD@HOST:PORT/DB]
//
// The database comes from --database, else from DATABASE or the HELPDESK_CONFIG file (which the
// replicas read as usual; PORT is set per replica). A replica that dies is started again after a
// second. SIGTERM or SIGINT stops every replica (each drains its requests) and then exits.
// Needs `npm run build` first (npm run cluster does it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist/src/main.js');

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '2' },
    port: { type: 'string', default: process.env.PORT ?? '4000' },
    database: { type: 'string' },
  },
});
const replicas = Number(values.replicas);
const basePort = Number(values.port);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) fail('--replicas must be a whole number from 1 to 64');
if (!Number.isInteger(basePort) || basePort < 1 || basePort + replicas - 1 > 65535) fail('--port must leave room for every replica below 65536');
if (!existsSync(MAIN)) fail(`${MAIN} is missing; run npm run build first`);
const database = values.database ?? process.env.DATABASE;
if (database !== undefined && !/^postgres(ql)?:\/\//i.test(database)) fail('replicas share a PostgreSQL database: --database (or DATABASE) must be a postgres:// URL');
if (database === undefined && !process.env.HELPDESK_CONFIG) fail('name the shared database: --database postgres://..., DATABASE, or a HELPDESK_CONFIG file with "database"');

function fail(message) {
  console.error(`cluster: ${message}`);
  process.exit(2);
}

const children = new Array(replicas).fill(null);
let stopping = false;

function start(i) {
  const port = basePort + i;
  const env = { ...process.env, PORT: String(port), ...(database !== undefined && { DATABASE: database }) };
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children[i] = child;
  const prefix = `[replica ${i + 1} :${port}] `;
  const relay = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) if (line.trim()) out.write(prefix + line + '\n');
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.once('exit', (code, signal) => {
    children[i] = null;
    if (stopping) return;
    console.error(`${prefix}exited (${code ?? signal}); starting it again in 1 s`);
    setTimeout(() => !stopping && start(i), 1000);
  });
}

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`cluster: ${signal}: stopping ${children.filter(Boolean).length} replicas`);
  await Promise.all(
    children.filter(Boolean).map((child) => new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    })),
  );
  console.log('cluster: stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
for (let i = 0; i < replicas; i++) start(i);
console.log(`cluster: ${replicas} replicas on 127.0.0.1:${basePort}-${basePort + replicas - 1} (health: GET /readyz on each)`);
