import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { operationCost } from '../../src/graphql/limits';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const OPERATIONS_DIR = join(__dirname, '../../schema/operations');

/** Every operation of the contract's documents, with the variables a frontend would send. */
function contractOperations(): { file: string; name: string; text: string; variables: Record<string, unknown> }[] {
  const variablesFor: Record<string, Record<string, unknown>> = {
    CustomerBusinessCard: { customerId: 'ACME' },
    CustomerDetailView: { customerId: 'ACME' },
    ZnunyCustomerDetail: { customerId: 'ACME' },
    CustomerList: { first: 100 },
    CustomerUserDetail: { login: 'jdoe' },
    CustomerListsBackward: { customerId: 'ACME', last: 5 },
    NodeLookup: { id: 'not-a-known-id' },
    NodesLookup: { ids: ['not-a-known-id'] },
  };
  const out = [];
  for (const file of readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql'))) {
    const text = readFileSync(join(OPERATIONS_DIR, file), 'utf8');
    for (const def of parse(text).definitions) {
      if (def.kind === 'OperationDefinition' && def.name) out.push({ file, name: def.name.value, text, variables: variablesFor[def.name.value] ?? {} });
    }
  }
  return out;
}

async function post(t: TestApp, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}`, ...headers },
    body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

function codes(r: { json: any }): string[] {
  return (r.json?.errors ?? []).map((e: any) => e.extensions?.code);
}

describe('request limits (defaults)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  /** A request that must be refused before any data source is touched. */
  async function refused(query: string, variables: Record<string, unknown> | undefined, code: string): Promise<void> {
    const { result, operations } = await t.countOperations(() => t.http(query, variables));
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(result.data ?? null).toBeNull();
    expect(result.status).toBe(400);
    expect(operations).toBe(0);
  }

  test('the contract operations stay within the default limits and run', async () => {
    const limits = t.app.config.limits;
    const ops = contractOperations();
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const { buildAppSchema } = await import('../../src/graphql/schema');
    const schema = buildAppSchema();
    for (const op of ops) {
      const doc = parse(op.text);
      const operation = doc.definitions.find((d) => d.kind === 'OperationDefinition' && d.name?.value === op.name) as never;
      const cost = operationCost(schema, doc, operation, op.variables, limits.maxPageSize);
      if (process.env.SHOW_COST) console.log(op.name, cost);
      // Headroom: each contract operation costs at most half the limit.
      expect({ op: op.name, ok: cost <= limits.maxCost / 2 }).toEqual({ op: op.name, ok: true });
      if (doc.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'mutation')) continue;
      const r = await t.http(op.text, op.variables, { operationName: op.name });
      expect({ op: op.name, status: r.status, errors: r.errors }).toEqual({ op: op.name, status: 200, errors: undefined });
    }
  });

  test('depth over the limit is GRAPHQL_VALIDATION_FAILED, also through fragments', async () => {
    const limit = t.app.config.limits.maxDepth;
    let inner = 'customerId';
    // customer > customerUsers > nodes > customer > customerUsers > nodes ...
    for (let i = 0; i < limit; i++) inner = `customerUsers { nodes { customer { ${inner} } } }`;
    await refused(`{ customer(customerId: "ACME") { ${inner} } }`, undefined, 'GRAPHQL_VALIDATION_FAILED');
    const viaFragments = `query { customer(customerId: "ACME") { ...A } }
      fragment A on Customer { customerUsers { nodes { customer { ...B } } } }
      fragment B on Customer { customerUsers { nodes { customer { ...C } } } }
      fragment C on Customer { customerUsers { nodes { customer { ...D } } } }
      fragment D on Customer { customerUsers { nodes { customer { ...E } } } }
      fragment E on Customer { customerUsers { nodes { customer { customerId } } } }`;
    await refused(viaFragments, undefined, 'GRAPHQL_VALIDATION_FAILED');
    // Just under the limit runs.
    let ok = 'customerId';
    for (let i = 0; i < Math.floor((limit - 1) / 3); i++) ok = `customerUsers(first: 1) { nodes { customer { ${ok} } } }`;
    const r = await t.http(`{ customer(customerId: "ACME") { ${ok} } }`);
    expect(r.errors).toBeUndefined();
  });

  test('introspection has its own depth bound: the standard query runs, a deeper one is refused', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const standard = await t.http(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    expect(standard.errors).toBeUndefined();
    expect(standard.data.__schema.queryType.name).toBe('Query');
    // ofType chains (not limited by graphql-js's own rule on nested fields/interfaces/possibleTypes).
    let inner = 'name';
    for (let i = 0; i < t.app.config.limits.maxIntrospectionDepth; i++) inner = `ofType { ${inner} }`;
    await refused(`{ __type(name: "Customer") { fields { type { ${inner} } } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED');
    // The introspection bound does not lift the data bound of the same document.
    let data = 'customerId';
    for (let i = 0; i < t.app.config.limits.maxDepth; i++) data = `customerUsers { nodes { customer { ${data} } } }`;
    await refused(`{ __schema { queryType { name } } customer(customerId: "ACME") { ${data} } }`, undefined, 'GRAPHQL_VALIDATION_FAILED');
  });

  test('aliases and directives over the limit are refused', async () => {
    const { maxAliases, maxDirectives } = t.app.config.limits;
    const aliases = Array.from({ length: maxAliases + 1 }, (_, i) => `a${i}: customer(customerId: "ACME") { name }`).join(' ');
    await refused(`{ ${aliases} }`, undefined, 'GRAPHQL_VALIDATION_FAILED');
    const directives = Array.from({ length: maxDirectives + 1 }, () => '... @include(if: true) { name }').join(' ');
    await refused(`{ customer(customerId: "ACME") { ${directives} } }`, undefined, 'GRAPHQL_VALIDATION_FAILED');
    const fine = Array.from({ length: maxAliases }, (_, i) => `a${i}: __typename`).join(' ');
    expect((await t.http(`{ ${fine} }`)).errors).toBeUndefined();
  });

  test('documents over the token limit are GRAPHQL_PARSE_FAILED', async () => {
    const fields = Array.from({ length: t.app.config.limits.maxTokens }, () => '__typename').join(' ');
    await refused(`{ ${fields} }`, undefined, 'GRAPHQL_PARSE_FAILED');
  });

  test('cost counts page sizes from literals, variables and defaults', async () => {
    const nested = (first: string) =>
      `query Q($n: Int = 100) { customers(first: ${first}) { nodes { customerUsers(first: ${first}) { nodes { tickets(first: ${first}) { nodes { number title } } } } } } }`;
    await refused(nested('100'), undefined, 'GRAPHQL_VALIDATION_FAILED');
    await refused(nested('$n'), { n: 100 }, 'GRAPHQL_VALIDATION_FAILED');
    await refused(nested('$n'), undefined, 'GRAPHQL_VALIDATION_FAILED'); // the variable's default
    // The same document with small pages is cheap and runs.
    const small = await t.http(nested('$n'), { n: 2 });
    expect(small.errors).toBeUndefined();
    expect(small.data.customers.nodes.length).toBe(2);
    // Without `first`, the argument's default (customers 50, customerUsers 25, tickets 25) counts.
    await refused(`{ customers { nodes { customerUsers { nodes { tickets { nodes { number title state } } } } } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED');
  });

  test('first beyond the page size limit is BAD_USER_INPUT', async () => {
    const r = await t.http(`{ customers(first: ${t.app.config.limits.maxPageSize + 1}) { nodes { name } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.field).toBe('first');
  });

  test('a body over maxBodyBytes is 413 and nothing runs', async () => {
    const max = t.app.config.limits.maxBodyBytes;
    const body = JSON.stringify({ query: '{ customers { totalCount } }', variables: { pad: 'x'.repeat(max) } });
    const { result, operations } = await t.countOperations(() => post(t, body));
    expect(result.status).toBe(413);
    expect(operations).toBe(0);
    // Chunked (no content-length) is counted while reading.
    const chunked = await t.countOperations(async () => {
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(Math.ceil(max / 10))));
          c.close();
        },
      });
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}` },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      // The answer itself, read while the rest of the body is still being sent (not a reset).
      return res.status;
    });
    expect(chunked.result).toBe(413);
    expect(chunked.operations).toBe(0);
  });

  test('batched requests are refused', async () => {
    const q = { query: '{ customers { totalCount } }' };
    const { result, operations } = await t.countOperations(() => post(t, JSON.stringify([q, q])));
    expect(result.status).toBe(400);
    expect(operations).toBe(0);
    expect(JSON.stringify(result.json)).toMatch(/batch/i);
  });

  test('CSRF: a GET query with a bearer token runs (a browser never sends one by itself); a text/plain POST runs nothing', async () => {
    const get = await t.countOperations(() =>
      fetch(`${t.url}/graphql?query=${encodeURIComponent('{ customers { totalCount } }')}`, { headers: { authorization: `Bearer ${TOKENS.agent}` } }),
    );
    expect(get.result.status).toBe(200);
    expect(get.operations).toBe(1); // the page with its total: one statement
    const form = await t.countOperations(() =>
      post(t, JSON.stringify({ query: 'mutation { createTicket(input: {title: "x", customerId: "ACME"}) { number } }' }), { 'content-type': 'text/plain' }),
    );
    expect(form.result.status).toBe(400);
    expect(form.operations).toBe(0);
    // Without the token nothing reaches GraphQL.
    const anonymous = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ customers { totalCount } }')}`);
    expect(anonymous.status).toBe(401);
  });

  test('outside production, introspection and suggestions are on', async () => {
    expect((await t.http('{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
    const r = await t.http('{ customerz { totalCount } }');
    expect(r.errors?.[0]?.message).toMatch(/Did you mean/);
  });
});

describe('request limits in production', () => {
  test('introspection and field suggestions are off unless configured', async () => {
    const t = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const intro = await t.countOperations(() => t.http('{ __schema { types { name } } }'));
      expect(intro.result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(intro.operations).toBe(0);
      const typo = await t.http('{ customerz { totalCount } }');
      expect(typo.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean|customers/);
    } finally {
      await t.close();
    }
    const on = await startTestApp({ env: { NODE_ENV: 'production' }, config: { limits: { introspection: true, fieldSuggestions: true } } });
    try {
      expect((await on.http('{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
      expect((await on.http('{ customerz { totalCount } }')).errors?.[0]?.message).toMatch(/Did you mean/);
    } finally {
      await on.close();
    }
  });

  test('configured limits replace the defaults', async () => {
    const t = await startTestApp({ config: { limits: { maxDepth: 3, maxAliases: 1, maxCost: 10 } } });
    try {
      expect((await t.http('{ customer(customerId: "x") { customerUsers { nodes { login } } } }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await t.http('{ a: __typename b: __typename }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await t.http('{ customers(first: 5) { nodes { name city } } }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await t.http('{ customers(first: 2) { nodes { name } } }')).errors).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
