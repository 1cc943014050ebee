// Measures the two PostgreSQL drivers (pg, postgres) on the benchmark's statement shapes: keyed
// lookups bound as one array, a keyset list page with its total, and a write transaction.
// Usage: node bench/pg-drivers.mjs --url postgres://USER:PASSWORD@HOST:PORT/DB [--seconds 5] [--concurrency 8]
import { parseArgs } from 'node:util';
import pg from 'pg';
import postgres from 'postgres';

const { values } = parseArgs({ options: { url: { type: 'string' }, seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '8' } } });
if (!values.url) {
  console.error('usage: node bench/pg-drivers.mjs --url postgres://...');
  process.exit(2);
}
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);

const setup = new pg.Client({ connectionString: values.url });
await setup.connect();
await setup.query(`DROP TABLE IF EXISTS bench_customer; CREATE TABLE bench_customer (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_key text NOT NULL UNIQUE, name_sort text COLLATE "C" NOT NULL,
  valid text NOT NULL, payload text);
  INSERT INTO bench_customer (customer_key, name_sort, valid, payload)
    SELECT 'c' || i, md5(i::text), CASE WHEN i % 10 = 0 THEN 'INVALID' ELSE 'VALID' END, repeat('x', 100) FROM generate_series(1, 20000) i;
  CREATE INDEX bench_customer_order ON bench_customer (valid, name_sort, customer_key); ANALYZE bench_customer;`);
await setup.end();

const keys = () => Array.from({ length: 25 }, () => `c${1 + Math.floor(Math.random() * 20000)}`);
const LOOKUP = `SELECT k.idx, c.* FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN bench_customer c ON c.customer_key = k.key`;
const LIST = `SELECT (SELECT count(*) FROM bench_customer WHERE valid = ANY($1::text[])) AS total, p.* FROM (SELECT 1) o LEFT JOIN LATERAL (
  SELECT * FROM bench_customer WHERE valid = ANY($1::text[]) AND (name_sort, customer_key) > ($2, $3) ORDER BY name_sort, customer_key LIMIT 26) p ON true`;
const WRITE = `UPDATE bench_customer SET payload = $2 WHERE customer_key = $1`;

async function measure(name, op) {
  let count = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      await op();
      count++;
    }
  }));
  return Math.round(count / SECONDS);
}

const results = {};
{
  const pool = new pg.Pool({ connectionString: values.url, max: CONCURRENCY });
  const q = (text, params, name) => pool.query({ text, values: params, name });
  results.pg = {
    lookup25: await measure('lookup', () => q(LOOKUP, [keys()], 'lookup')),
    listPage: await measure('list', () => q(LIST, [['VALID'], Math.random().toString(16).slice(2), ''], 'list')),
    writeTx: await measure('write', async () => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query({ text: WRITE, values: [keys()[0], String(Math.random())], name: 'write' });
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    }),
  };
  await pool.end();
}
{
  const sql = postgres(values.url, { max: CONCURRENCY, prepare: true, onnotice: () => {} });
  results.postgres = {
    lookup25: await measure('lookup', () => sql.unsafe(LOOKUP, [keys()], { prepare: true })),
    listPage: await measure('list', () => sql.unsafe(LIST, [['VALID'], Math.random().toString(16).slice(2), ''], { prepare: true })),
    writeTx: await measure('write', () =>
      sql.begin((tx) => tx.unsafe(WRITE, [keys()[0], String(Math.random())], { prepare: true }))),
  };
  await sql.end();
}
console.log(JSON.stringify({ seconds: SECONDS, concurrency: CONCURRENCY, opsPerSecond: results }, null, 2));
