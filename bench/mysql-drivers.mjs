// Measures the two MariaDB / MySQL drivers (mysql2, mariadb) on the Znuny source's statement
// shapes: a keyed lookup of 25 customer users with one placeholder per key, a grouped ticket count
// over a derived key table, and a multi-row read of 100 tickets; each with text (client-side
// bound) and prepared (server-side bound) statements where the driver has both.
// Usage: node bench/mysql-drivers.mjs --url mysql://USER:PASSWORD@HOST:PORT/DB [--seconds 5] [--concurrency 8]
import { parseArgs } from 'node:util';
import * as mariadb from 'mariadb';
import mysql from 'mysql2/promise';

const { values } = parseArgs({ options: { url: { type: 'string' }, seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '8' } } });
if (!values.url) {
  console.error('usage: node bench/mysql-drivers.mjs --url mysql://...');
  process.exit(2);
}
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const url = new URL(values.url);
const options = { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: url.pathname.slice(1) };

const setup = await mysql.createConnection({ ...options, multipleStatements: true });
await setup.query(`DROP TABLE IF EXISTS bench_user, bench_ticket;
  CREATE TABLE bench_user (id INT AUTO_INCREMENT PRIMARY KEY, login VARCHAR(200) NOT NULL UNIQUE, email VARCHAR(150), first_name VARCHAR(100),
    last_name VARCHAR(100), customer_id VARCHAR(150), change_time DATETIME) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
  CREATE TABLE bench_ticket (id BIGINT AUTO_INCREMENT PRIMARY KEY, tn VARCHAR(50), title VARCHAR(255), customer_id VARCHAR(150), state_id SMALLINT,
    escalation_time INT, create_time DATETIME, KEY (customer_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;`);
for (let i = 0; i < 20; i++) {
  await setup.query(`INSERT INTO bench_user (login, email, first_name, last_name, customer_id, change_time) VALUES ?`, [
    Array.from({ length: 1000 }, (_, j) => [`u${i * 1000 + j}`, `u${i * 1000 + j}@example.com`, 'First', 'Last', `c${(i * 1000 + j) % 1000}`, new Date()]),
  ]);
  await setup.query(`INSERT INTO bench_ticket (tn, title, customer_id, state_id, escalation_time, create_time) VALUES ?`, [
    Array.from({ length: 1000 }, (_, j) => [`${i * 1000 + j}`, 'A ticket title', `c${(i * 1000 + j) % 100}`, 1 + (j % 9), j % 5 === 0 ? 1 : 0, new Date()]),
  ]);
}
await setup.end();

const keys = () => Array.from({ length: 25 }, () => `U${Math.floor(Math.random() * 20000)}`);
const LOOKUP = (n) => `SELECT id, login, email, first_name, last_name, customer_id, change_time FROM bench_user WHERE login IN (${Array(n).fill('?').join(', ')})`;
const COUNTS = `SELECT o.k, COUNT(t.id) AS total, SUM(CASE WHEN t.state_id IN (1, 4, 6) THEN 1 ELSE 0 END) AS open
  FROM (SELECT ? AS k UNION ALL SELECT ? UNION ALL SELECT ?) o JOIN bench_ticket t ON t.customer_id = o.k GROUP BY o.k`;
const PAGE = `SELECT id, tn, title, customer_id, state_id, escalation_time, create_time FROM bench_ticket WHERE customer_id = ? ORDER BY create_time DESC, id DESC LIMIT 100`;
const customer = () => `c${Math.floor(Math.random() * 100)}`;

async function measure(name, op) {
  let count = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      await op();
      count++;
    }
  }));
  return { name, perSecond: Math.round(count / SECONDS) };
}

const results = [];
const m2 = mysql.createPool({ ...options, connectionLimit: CONCURRENCY, dateStrings: true });
for (const [mode, run] of [['text', (sql, p) => m2.query(sql, p)], ['prepared', (sql, p) => m2.execute(sql, p)]]) {
  results.push(await measure(`mysql2 ${mode}: lookup of 25`, () => run(LOOKUP(25), keys())));
  results.push(await measure(`mysql2 ${mode}: counts of 3`, () => run(COUNTS, [customer(), customer(), customer()])));
  results.push(await measure(`mysql2 ${mode}: page of 100`, () => run(PAGE, [customer()])));
}
await m2.end();
const md = mariadb.createPool({ ...options, connectionLimit: CONCURRENCY, dateStrings: true });
for (const [mode, run] of [['text', (sql, p) => md.query(sql, p)], ['prepared', (sql, p) => md.execute(sql, p)]]) {
  results.push(await measure(`mariadb ${mode}: lookup of 25`, () => run(LOOKUP(25), keys())));
  results.push(await measure(`mariadb ${mode}: counts of 3`, () => run(COUNTS, [customer(), customer(), customer()])));
  results.push(await measure(`mariadb ${mode}: page of 100`, () => run(PAGE, [customer()])));
}
await md.end();
for (const r of results) console.log(`${r.name.padEnd(36)} ${String(r.perSecond).padStart(7)}/s`);
