import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DETAIL_SQL, LIST_SQL } from '../../bench/floor-sqlite-sql';
import { openStore } from '../../src/composition/adapter-factory';
import { generateDataset } from '../../src/seed/generate';
import { startTestApp, testDatabase, type TestApp } from '../helpers/test-app';

// The SQLite floor of the benchmark runs the service's own statements (bench/floor-sqlite-sql.ts):
// here both screens run through the service, every statement it prepares and runs is recorded,
// and the floor's texts must be exactly those, in the service's order.

const op = (file: string) => readFileSync(join(__dirname, '../../schema/operations', `${file}.graphql`), 'utf8');

let dir: string;
let t: TestApp;
let customerId: string;
const ran: string[] = [];
const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<'all' | 'get' | 'run', (...a: unknown[]) => unknown>;
const originals = { all: statement.all, get: statement.get, run: statement.run };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helpdesk-floor-sql-'));
  const database = await testDatabase(dir);
  const store = openStore({ database, label: 'seed', maxPageSize: 100 });
  try {
    const summary = await generateDataset(store.seedWriter, { customers: 60, users: 400, tickets: 3000, seed: 11 });
    customerId = summary.heaviestCustomerIds[0]!;
  } finally {
    await store.close();
  }
  t = await startTestApp({ database });
  for (const m of ['all', 'get', 'run'] as const) {
    statement[m] = function (this: { source: string }, ...args: unknown[]) {
      ran.push(this.source);
      return originals[m].apply(this, args);
    };
  }
}, 60_000);

afterAll(async () => {
  Object.assign(statement, originals);
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function statementsOf(query: string, operationName: string, variables: Record<string, unknown>): Promise<string[]> {
  ran.length = 0;
  const result = await t.http(query, variables, { operationName });
  expect(result.errors).toBeUndefined();
  return [...ran];
}

test('the floor runs the statement the service runs for CustomerList(first: 50)', async () => {
  expect(await statementsOf(op('CustomerList'), 'CustomerList', { first: 50 })).toEqual([LIST_SQL]);
});

test("the floor runs the five statements the service runs for the heaviest customer's CustomerDetailView", async () => {
  const { customer, counts, widgets, users, usersByLogin } = DETAIL_SQL;
  expect(await statementsOf(op('CustomerDetailView'), 'CustomerDetailView', { customerId })).toEqual([customer, counts, widgets, users, usersByLogin]);
});
