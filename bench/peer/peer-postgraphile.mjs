/**
 * The peer of the PostgreSQL list screen: PostGraphile v5 (Amber preset, grafserv on node:http)
 * over the tables the bench seeded. The open and closed counts are computed columns, SQL functions
 * `customer_open(c customer)` / `customer_closed(c customer)` over the kept counts (`ticket_count`),
 * which the bench creates in its throw-away database (never in the service's migrations).
 *
 * Usage: node bench/peer/peer-postgraphile.mjs <postgres url> <port>   (ready when GET / answers: Ruru, its GraphiQL)
 * Plain ESM: PostGraphile v5 is ESM only and the bench is compiled to CommonJS. Its packages are
 * bench/peer's own (package.json beside this file), installed by the bench on first use.
 */
import { createServer } from 'node:http';

// PostGraphile v5 declares Node >= 22; on this machine's Node 20 the one thing it misses is
// Promise.withResolvers (Node 22), shimmed here before PostGraphile loads.
Promise.withResolvers ??= function withResolvers() {
  let resolve, reject;
  const promise = new this((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
};
const { postgraphile } = await import('postgraphile');
const { makePgService } = await import('postgraphile/adaptors/pg');
const { grafserv } = await import('postgraphile/grafserv/node');
const { PostGraphileAmberPreset } = await import('postgraphile/presets/amber');

const [url, port] = process.argv.slice(2);
if (!url || !port) throw new Error('usage: peer-postgraphile.mjs <postgres url> <port>');

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: url, schemas: ['public'], poolConfig: { max: 10 } })],
  grafserv: { port: Number(port), graphiql: true },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(Number(port), '127.0.0.1');
const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
