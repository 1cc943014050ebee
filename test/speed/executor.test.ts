import type { ApolloServer } from '@apollo/server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApollo } from '../../src/graphql/apollo';
import { createContext, type Context } from '../../src/graphql/context';
import { createExecution, type Execution } from '../../src/graphql/execution';
import { appExecutableSchema } from '../../src/graphql/schema';
import { createLogger } from '../../src/log/logger';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Compiled execution (graphql-jit behind Apollo's gateway executor) answers exactly as graphql-js:
// the shipped operations and error cases run through both and must give the same responses.

const op = (name: string) => readFileSync(join(__dirname, '../../schema/operations', `${name}.graphql`), 'utf8');

describe('compiled execution', () => {
  let t: TestApp;
  let interpreted: ApolloServer<Context>;
  let compiled: ApolloServer<Context>;
  let execution: Execution;
  let stats: NonNullable<Execution['stats']>;

  beforeAll(async () => {
    t = await startTestApp({ http: false, prepare: (app) => loadFixture(app) });
    const options = { metrics: t.app.metrics, logger: createLogger('silent'), introspection: true, limits: t.app.config.limits };
    interpreted = createApollo({ ...options, execution: 'reference' });
    await interpreted.start();
    // The same server as the service's, with an executor whose counters the test reads (LRU of 3).
    execution = createExecution(appExecutableSchema('compiled'), { maxDocuments: 3 });
    stats = execution.stats!;
    compiled = createApollo({ ...options, execution });
    await compiled.start();
  });
  afterAll(async () => {
    await compiled?.stop();
    await interpreted?.stop();
    await t?.close();
  });

  async function both(query: string, variables: Record<string, unknown> = {}, role: 'agent' | 'reader' = 'reader') {
    const run = async (server: ApolloServer<Context>) => {
      const r = await server.executeOperation({ query, variables }, { contextValue: createContext(t.app, role, 'test') });
      if (r.body.kind !== 'single') throw new Error('incremental');
      const body = JSON.parse(JSON.stringify(r.body.singleResult)) as { errors?: { extensions?: Record<string, unknown> }[] };
      for (const e of body.errors ?? []) delete e.extensions?.requestId;
      return { status: r.http.status ?? 200, body };
    };
    return { compiled: await run(compiled), interpreted: await run(interpreted) };
  }

  test('the shipped screens give the same data, compiled once per document', async () => {
    const before = { ...stats };
    const customers = await both(op('CustomerList'), { first: 10 });
    expect(customers.compiled).toEqual(customers.interpreted);
    expect((customers.compiled.body as any).data.customers.edges.length).toBeGreaterThan(0);
    const detail = await both(op('CustomerDetailView'), { customerId: 'ACME' });
    expect(detail.compiled).toEqual(detail.interpreted);
    expect((detail.compiled.body as any).data.customer.customerId).toBe('ACME');
    const again = await both(op('CustomerDetailView'), { customerId: 'acme' });
    expect(again.compiled).toEqual(again.interpreted);
    expect(stats.compiled - before.compiled).toBe(2);
    expect(stats.compiledRuns - before.compiledRuns).toBe(3);
  });

  test('errors keep their codes, fields, paths and masking; variable errors stay 400', async () => {
    for (const [query, variables] of [
      ['{ customers(first: 2, last: 2) { totalCount } }', {}],
      ['{ customers(dataSource: "nope") { totalCount } }', {}],
      ['{ customers(first: 1, after: "bm90IGEgY3Vyc29y") { totalCount } }', {}],
      ['query($id: ID!) { customer(customerId: $id) { name } }', {}],
      ['query($n: Int) { customers(first: $n) { totalCount } }', { n: 'many' }],
      ['{ node(id: "WyJDdXN0b21lciIsImxvY2FsIiwiOTk5OTkiXQ") { id } }', {}],
    ] as const) {
      const r = await both(query, variables);
      expect(r.compiled).toEqual(r.interpreted);
      expect(r.compiled.body.errors?.length ?? 0).toBe(r.interpreted.body.errors?.length ?? 0);
    }
    const bad = await both('{ customers(first: 2, last: 2) { totalCount } }');
    expect(bad.compiled.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'last' });
    const coercion = await both('query($n: Int) { customers(first: $n) { totalCount } }', { n: 'many' });
    expect(coercion.compiled.status).toBe(400);
  });

  test('mutations, role checks and introspection run as before (interpreted)', async () => {
    const before = stats.interpretedRuns;
    const create = 'mutation { createCustomer(input: {dataSource: "local", customerId: "X1", name: "X One", country: "NL"}) { customerId } }';
    const forbidden = await both(create, {}, 'reader');
    expect(forbidden.compiled).toEqual(forbidden.interpreted);
    expect(forbidden.compiled.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const intro = await both('{ __schema { queryType { name } } }');
    expect(intro.compiled).toEqual(intro.interpreted);
    expect(stats.interpretedRuns - before).toBe(1); // the forbidden mutation never executes
    const r = await compiled.executeOperation({ query: create }, { contextValue: createContext(t.app, 'agent', 'test') });
    expect(r.body.kind === 'single' && r.body.singleResult.data).toEqual({ createCustomer: { customerId: 'X1' } });
    expect(stats.interpretedRuns - before).toBe(2);
  });

  test('the cache of compiled documents is bounded', async () => {
    for (let i = 1; i <= 6; i++) await both(`{ customers(first: ${i}) { totalCount } }`);
    expect(stats.cached).toBe(3);
  });
});
