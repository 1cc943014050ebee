import { connect } from 'node:net';
import fc from 'fast-check';
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isCompositeType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLSchema,
} from 'graphql';
import { Validity } from '../../src/domain/records';
import { buildAppSchema } from '../../src/graphql/schema';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';
import { fingerprint } from '../helpers/fingerprint';
import { countRows, helpdeskSql } from '../helpers/helpdesk-sql';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

/** Codes of the contract a hostile request may get; INTERNAL_SERVER_ERROR would mean a crash path. */
const CLIENT_CODES = new Set([
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'READ_ONLY_DATA_SOURCE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** LDAP filter and SQL metacharacters, wildcards and escapes. */
const METACHARACTERS = [
  '*',
  '%',
  '_',
  'ACM_',
  'acme%',
  'A*',
  ')(uid=*)',
  '*)(|(objectClass=*))',
  'admin)(&)',
  '\\2a',
  '\\',
  "' OR '1'='1",
  "ACME' --",
  '" OR ""="',
  '"; DROP TABLE customer; --',
  '1; SELECT * FROM ticket',
  "%' OR 1=1 --",
  '../../etc/passwd',
  '${jndi:ldap://x}',
];

let tried = 0;

interface Sent {
  status: number;
  text: string;
  json: any;
}

async function send(t: TestApp, body: string | Buffer | Uint8Array, headers: Record<string, string> = {}): Promise<Sent> {
  tried++;
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}`, ...headers },
    body: body as never,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

const gql = (t: TestApp, query: string, variables?: unknown, headers?: Record<string, string>) => send(t, JSON.stringify({ query, variables }), headers);

/**
 * Sends a POST with exactly these header bytes over a plain socket (fetch refuses header values
 * it considers invalid, e.g. a NUL, so those would never reach the server).
 */
function sendRaw(t: TestApp, body: string, headers: Record<string, string>): Promise<Sent> {
  tried++;
  const url = new URL(t.url);
  const all: Record<string, string> = { host: url.host, 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}`, ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  const head = `POST /graphql HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)])));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      const bodyStart = raw.indexOf('\r\n\r\n');
      let text = bodyStart < 0 ? '' : raw.slice(bodyStart + 4);
      // A chunked answer: keep the JSON between the chunk sizes.
      if (/transfer-encoding: chunked/i.test(raw.slice(0, bodyStart))) text = text.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      resolve({ status, text, json });
    });
  });
}

/** No 5xx, a JSON body, and every error carries a client code of the contract. */
function assertHandled(r: Sent, label: string): string[] {
  expect({ label, status: r.status < 500, json: r.json !== null }).toEqual({ label, status: true, json: true });
  const codes: string[] = (r.json.errors ?? []).map((e: any) => e.extensions?.code);
  for (const code of codes) expect({ label, code, known: CLIENT_CODES.has(code) }).toEqual({ label, code, known: true });
  return codes;
}

describe('hostile input', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  let before: string;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
    schema = buildAppSchema();
    before = await fingerprint(t.app);
  });
  afterAll(async () => {
    // Nothing crashed: the same process still answers.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    await t.close();
    if (process.env.HOSTILE_REPORT) console.log(`hostile inputs tried: ${tried}`);
  });

  type Case = [label: string, body: () => string | Buffer | Uint8Array, status: number, code: string];
  const deep = (n: number) => '{ customer(customerId: "ACME") { '.concat('customerUsers(first: 1) { nodes { customer { '.repeat(n), 'name', ' } } }'.repeat(n), ' } }');
  const json = (query: string, variables?: unknown) => () => JSON.stringify({ query, variables });
  const CASES: Case[] = [
    // Malformed JSON and envelopes.
    ['truncated JSON', () => '{"query": "{ __typename', 400, 'BAD_REQUEST'],
    ['empty body', () => '', 400, 'BAD_REQUEST'],
    ['JSON null', () => 'null', 400, 'BAD_REQUEST'],
    ['JSON string', () => '"{ __typename }"', 400, 'BAD_REQUEST'],
    ['JSON number', () => '42', 400, 'BAD_REQUEST'],
    ['empty object', () => '{}', 400, 'BAD_REQUEST'],
    ['query is a number', () => '{"query": 5}', 400, 'BAD_REQUEST'],
    ['query is an object', () => '{"query": {"a": 1}}', 400, 'BAD_REQUEST'],
    ['variables is a string', () => '{"query": "{ __typename }", "variables": "{}"}', 400, 'BAD_REQUEST'],
    ['variables is an array', () => '{"query": "{ __typename }", "variables": [1]}', 400, 'BAD_REQUEST'],
    ['operationName is a number', () => '{"query": "{ __typename }", "operationName": 1}', 400, 'BAD_REQUEST'],
    ['batched array', () => '[{"query": "{ __typename }"}]', 400, 'BAD_REQUEST'],
    ['100k nested arrays', () => '['.repeat(100_000), 400, 'BAD_REQUEST'],
    ['100k nested objects in variables', () => `{"query": "{ __typename }", "variables": {"a": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`, 200, ''],
    ['duplicate keys', () => '{"query": "mutation { __typename }", "query": "{ __typename }"}', 200, ''],
    ['persisted query hash only', () => '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}', 200, 'PERSISTED_QUERY_NOT_SUPPORTED'],
    // Invalid UTF-8, control characters and NUL.
    ['invalid UTF-8 bytes', () => Buffer.concat([Buffer.from('{"query": "{ customer(customerId: \\"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('\\") { name } }"}')]), 400, 'BAD_REQUEST'],
    ['lone surrogate escape', json('query($id: ID!) { customer(customerId: $id) { name } }', { id: '\ud800' }), 200, ''],
    ['NUL in a document', () => JSON.stringify({ query: '{ __typename \u0000 }' }), 400, 'GRAPHQL_PARSE_FAILED'],
    ['NUL in a lookup', json('query($id: ID!) { customer(customerId: $id) { name } }', { id: 'ACME\u0000' }), 200, ''],
    ['control characters in a name', json('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { name } }', { i: { dataSource: 'local', customerId: 'CTRL', name: 'a\u0007b\u001b[31m', country: 'DE' } }), 200, 'BAD_USER_INPUT'],
    ['NUL in a ticket title', json('mutation($i: CreateTicketInput!) { createTicket(input: $i) { title } }', { i: { title: 'x\u0000y', customerId: 'ACME' } }), 200, 'BAD_USER_INPUT'],
    ['NUL in a customer id', json('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { name } }', { i: { dataSource: 'local', customerId: 'N\u0000L', name: 'Nul', country: 'DE' } }), 200, 'BAD_USER_INPUT'],
    // Wrong variable types.
    ['Int given a string', json('query($n: Int) { customers(first: $n) { totalCount } }', { n: 'ten' }), 400, 'BAD_USER_INPUT'],
    ['Int given a float', json('query($n: Int) { customers(first: $n) { totalCount } }', { n: 1.5 }), 400, 'BAD_USER_INPUT'],
    ['Int out of 32-bit range', json('query($n: Int) { customers(first: $n) { totalCount } }', { n: 1e12 }), 400, 'BAD_USER_INPUT'],
    ['negative first', json('query($n: Int) { customers(first: $n) { totalCount } }', { n: -1 }), 200, 'BAD_USER_INPUT'],
    ['ID given an object', json('query($id: ID!) { customer(customerId: $id) { name } }', { id: { $ne: null } }), 400, 'BAD_USER_INPUT'],
    ['ID given an array', json('query($id: ID!) { customer(customerId: $id) { name } }', { id: ['ACME'] }), 400, 'BAD_USER_INPUT'],
    ['required variable missing', json('query($id: ID!) { customer(customerId: $id) { name } }', {}), 400, 'BAD_USER_INPUT'],
    ['null for a non-null variable', json('query($id: ID!) { customer(customerId: $id) { name } }', { id: null }), 400, 'BAD_USER_INPUT'],
    ['unknown enum value', json('query($v: [Validity!]) { customers(valid: $v) { totalCount } }', { v: ['DELETED'] }), 400, 'BAD_USER_INPUT'],
    ['unknown input field', json('mutation($i: CreateTicketInput!) { createTicket(input: $i) { title } }', { i: { title: 'x', customerId: 'ACME', id: 1 } }), 400, 'BAD_USER_INPUT'],
    ['prototype pollution keys', json('mutation($i: CreateTicketInput!) { createTicket(input: $i) { title } }', JSON.parse('{"i": {"title": "x", "customerId": "ACME", "__proto__": {"admin": true}}}')), 400, 'BAD_USER_INPUT'],
    ['DateTime given garbage', json('mutation($i: UpdateTicketInput!) { updateTicket(number: "x", input: $i) { title } }', { i: { pendingUntil: 'yesterday' } }), 400, 'BAD_USER_INPUT'],
    ['forged cursor', json('{ customers(after: "eyJ4IjoxfQ==") { totalCount } }'), 200, 'BAD_USER_INPUT'],
    ['cursor of SQL', json(`{ customers(after: "${Buffer.from("' OR 1=1 --").toString('base64')}") { totalCount } }`), 200, 'BAD_USER_INPUT'],
    // Huge strings.
    ['900 kB customer id lookup', json('query($id: ID!) { customer(customerId: $id) { name } }', { id: 'A'.repeat(900_000) }), 200, ''],
    ['900 kB customer name', json('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { name } }', { i: { dataSource: 'local', customerId: 'HUGE', name: 'n'.repeat(900_000), country: 'DE' } }), 200, 'BAD_USER_INPUT'],
    ['900 kB search', json('query($s: String) { customers(search: $s) { totalCount } }', { s: '%'.repeat(900_000) }), 200, ''],
    ['body over the limit', () => JSON.stringify({ query: '{ __typename }', variables: { s: 'x'.repeat(1_100_000) } }), 413, 'BAD_REQUEST'],
    ['100k-character string literal', () => JSON.stringify({ query: `{ customer(customerId: "${'x'.repeat(100_000)}") { name } }` }), 200, ''],
    // Deep and wide documents.
    ['depth 13', () => JSON.stringify({ query: deep(4) }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['depth 300', () => JSON.stringify({ query: deep(100) }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['depth 5000 (token limit)', () => JSON.stringify({ query: deep(2000) }), 400, 'GRAPHQL_PARSE_FAILED'],
    ['deep list literal', () => JSON.stringify({ query: `{ customers(valid: ${'['.repeat(5000)}VALID${']'.repeat(5000)}) { totalCount } }` }), 400, 'GRAPHQL_PARSE_FAILED'],
    ['deep list literal within the token limit', () => JSON.stringify({ query: `{ customers(valid: ${'['.repeat(500)}VALID${']'.repeat(500)}) { totalCount } }` }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['1000 fields wide', () => JSON.stringify({ query: `{ customers(first: 100) { nodes { ${'name '.repeat(1000)} } } }` }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['50k tokens wide', () => JSON.stringify({ query: `{ ${'__typename '.repeat(50_000)} }` }), 400, 'GRAPHQL_PARSE_FAILED'],
    ['1000 operations', () => JSON.stringify({ query: Array.from({ length: 1000 }, (_, i) => `query Q${i} { __typename }`).join('\n'), operationName: 'Q1' }), 400, 'GRAPHQL_PARSE_FAILED'],
    // Fragment cycles and fan-out.
    ['fragment cycle', () => JSON.stringify({ query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['self-referencing fragment', () => JSON.stringify({ query: '{ customers { nodes { ...C } } } fragment C on Customer { name ...C }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'exponential fragment fan-out',
      () => {
        const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Customer { name ...F${i + 1} ...F${i + 1} }`).join('\n');
        return JSON.stringify({ query: `{ customers(first: 1) { nodes { ...F0 } } } ${fragments} fragment F30 on Customer { customerId }` });
      },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['unknown fragment', () => JSON.stringify({ query: '{ ...Missing }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    // Alias and directive floods.
    ['alias flood 31', () => JSON.stringify({ query: `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: customers(first: 1) { totalCount }`).join(' ')} }` }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['alias flood 2000', () => JSON.stringify({ query: `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }), 400, 'GRAPHQL_PARSE_FAILED'],
    ['aliased mutations', () => JSON.stringify({ query: `mutation { ${Array.from({ length: 40 }, (_, i) => `t${i}: createTicket(input: {title: "x", customerId: "ACME"}) { number }`).join(' ')} }` }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['directive flood', () => JSON.stringify({ query: `{ ${Array.from({ length: 25 }, () => '... @include(if: true) { __typename }').join(' ')} }` }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['repeated directive', () => JSON.stringify({ query: `{ __typename ${'@skip(if: false) '.repeat(10)} }` }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['unknown directive', () => JSON.stringify({ query: '{ __typename @exec(cmd: "rm -rf /") }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    // Operations.
    ['subscription', () => JSON.stringify({ query: 'subscription { __typename }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['unknown operation name', () => JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }), 500 - 100, 'OPERATION_RESOLUTION_FAILURE'],
    ['two anonymous operations', () => JSON.stringify({ query: '{ __typename } { __typename }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['first over the page limit', () => JSON.stringify({ query: '{ customers(first: 101) { totalCount } }' }), 200, 'BAD_USER_INPUT'],
  ];

  test.each(CASES)('%s', async (label, body, status, code) => {
    const start = await fingerprint(t.app);
    const r = await send(t, body());
    const codes = assertHandled(r, label);
    expect({ label, status: r.status }).toEqual({ label, status });
    if (code) expect({ label, codes: [...new Set(codes)] }).toEqual({ label, codes: [code] });
    else expect({ label, codes }).toEqual({ label, codes: [] });
    if (code) expect(r.json.data ?? null).toBeNull();
    expect(await fingerprint(t.app)).toBe(start);
  });

  test('hostile headers: unknown, malformed and oversized tokens, wrong content types', async () => {
    const query = JSON.stringify({ query: '{ customers { totalCount } }' });
    const cases: [Record<string, string>, number, string][] = [
      [{ authorization: 'Bearer ' + 'x'.repeat(600) }, 401, 'UNAUTHENTICATED'],
      [{ authorization: 'Basic YWRtaW46YWRtaW4=' }, 401, 'UNAUTHENTICATED'],
      // A NUL in a header value: refused by the HTTP parser, answered as a malformed request.
      [{ authorization: `Bearer ${TOKENS.agent}\u0000` }, 400, 'BAD_REQUEST'],
      [{ authorization: `Bearer ${TOKENS.agent.toUpperCase()}` }, 401, 'UNAUTHENTICATED'],
      [{ authorization: 'Bearer *' }, 401, 'UNAUTHENTICATED'],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 400, 'BAD_REQUEST'],
      [{ 'content-type': 'multipart/form-data; boundary=x' }, 400, 'BAD_REQUEST'],
      [{ 'idempotency-key': '' }, 400, 'BAD_REQUEST'],
      [{ 'idempotency-key': 'k\u00e9y' }, 400, 'BAD_REQUEST'],
    ];
    for (const [headers, status, code] of cases) {
      const r = await sendRaw(t, query, headers);
      expect({ headers, status: r.status }).toEqual({ headers, status });
      expect({ headers, code: r.json?.errors?.[0]?.extensions?.code }).toEqual({ headers, code });
    }
    // A deeply nested variables object under an Idempotency-Key (the key's fingerprint hashes the variables).
    const deepVars = `{"query": "mutation { __typename }", "variables": {"a": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`;
    const r = await send(t, deepVars, { 'idempotency-key': 'deep-variables' });
    expect(r.status).toBeLessThan(500);
    expect(r.json?.errors?.[0]?.extensions?.code ?? 'none').not.toBe('INTERNAL_SERVER_ERROR');
    expect(await fingerprint(t.app)).toBe(before);
  });

  describe('LDAP and SQL metacharacters in every argument', () => {
    /** A selection for a field's type: scalars and enums as they are, objects and interfaces by __typename. */
    const selectionFor = (field: GraphQLField<unknown, unknown>) => (isCompositeType(getNamedType(field.type)) ? '{ __typename }' : '');
    const isText = (a: GraphQLArgument | GraphQLInputField) => {
      const named = getNamedType(a.type);
      return (named.name === 'String' || named.name === 'ID') && !isListType(isNonNullType(a.type) ? a.type.ofType : a.type);
    };

    test('queries: lookups find nothing, searches are literal, nothing changes', async () => {
      const query = schema.getQueryType()!;
      const defaults: Record<string, string> = { customerId: 'ACME', login: 'jdoe', number: 'none', id: 'local' };
      let cases = 0;
      for (const field of Object.values(query.getFields())) {
        for (const arg of field.args.filter(isText)) {
          for (const payload of METACHARACTERS) {
            const others = field.args.filter((a) => a !== arg && isNonNullType(a.type)).map((a) => `${a.name}: ${JSON.stringify(defaults[a.name] ?? 'x')}`);
            const doc = `query($v: ${arg.type.toString()}) { r: ${field.name}(${[`${arg.name}: $v`, ...others].join(', ')}) ${selectionFor(field)} }`;
            const r = await gql(t, doc, { v: payload });
            const codes = assertHandled(r, `${field.name}(${arg.name}: ${payload})`);
            for (const c of codes) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(c);
            // A lookup by a metacharacter id never finds a record of the fixture.
            if (['customer', 'customerUser', 'ticket'].includes(field.name) && codes.length === 0) expect({ payload, r: r.json.data.r }).toEqual({ payload, r: null });
            cases++;
          }
        }
      }
      expect(cases).toBeGreaterThanOrEqual(8 * METACHARACTERS.length);
      // Searches match literally: the count equals a literal, case-insensitive substring count.
      const all = FIXTURE_CUSTOMERS.filter((c) => c.valid === Validity.VALID);
      const users = FIXTURE_CUSTOMER_USERS.filter((u) => u.valid === Validity.VALID);
      for (const payload of METACHARACTERS) {
        const p = payload.toLowerCase();
        const customers = await gql(t, 'query($s: String) { customers(search: $s) { totalCount } }', { s: payload });
        expect({ payload, n: customers.json.data.customers.totalCount }).toEqual({ payload, n: all.filter((c) => `${c.customerId}\u0001${c.name}`.toLowerCase().includes(p)).length });
        const people = await gql(t, 'query($s: String) { customerUsers(search: $s) { totalCount } }', { s: payload });
        expect({ payload, n: people.json.data.customerUsers.totalCount }).toEqual({
          payload,
          n: users.filter((u) => [u.login, u.email, u.firstName, u.lastName].some((f) => f.toLowerCase().includes(p))).length,
        });
      }
      expect(await fingerprint(t.app)).toBe(before);
    });

    test('mutations: refused with a contract code and no change, or stored literally', async () => {
      const mutation = schema.getMutationType()!;
      let n = 0;
      let refused = 0;
      let stored = 0;
      for (const field of Object.values(mutation.getFields())) {
        // Every injection point: a text argument, or a text field of an input argument.
        const points: { arg: GraphQLArgument; inputField?: GraphQLInputField }[] = [];
        for (const arg of field.args) {
          const named = getNamedType(arg.type);
          if (isText(arg)) points.push({ arg });
          else if (isInputObjectType(named)) for (const f of Object.values(named.getFields())) if (isText(f)) points.push({ arg, inputField: f });
        }
        for (const point of points) {
          for (const payload of METACHARACTERS) {
            const i = ++n;
            // Fresh targets for updates, so that an accepted change (e.g. a rename) does not affect other cases.
            const local = t.app.sources.get('local');
            const customer = await local.createCustomer({ customerId: `MC${i}`, name: `Meta ${i}`, valid: Validity.VALID, street: null, zip: null, city: null, countryCode: 'DE', url: null, comment: null });
            const user = await local.createCustomerUser({
              login: `mu${i}`, email: `mu${i}@example.com`, title: null, firstName: 'M', lastName: `U${i}`, phone: null, mobile: null, street: null, zip: null, city: null,
              countryCode: null, comment: null, valid: Validity.VALID, customerId: customer.customerId, additionalCustomerIds: [],
            });
            const ticket = await t.app.ticketService.create({ title: `mt${i}`, customerId: customer.customerId }, new Date());
            const base: Record<string, Record<string, unknown>> = {
              createCustomer: { input: { dataSource: 'local', customerId: `NEW${i}`, name: `New ${i}`, country: 'DE' } },
              updateCustomer: { customerId: customer.customerId, input: {} },
              createCustomerUser: { input: { dataSource: 'local', login: `new${i}`, email: `new${i}@example.com`, firstName: 'N', lastName: 'U', customerId: customer.customerId } },
              updateCustomerUser: { login: user.login, input: {} },
              createTicket: { input: { title: `new ${i}`, customerId: customer.customerId } },
              updateTicket: { number: ticket.number, input: {} },
            };
            const variables = structuredClone(base[field.name]!);
            if (point.inputField) (variables[point.arg.name] as Record<string, unknown>)[point.inputField.name] = payload;
            else variables[point.arg.name] = payload;
            const returned = getNamedType(field.type);
            const echo = point.inputField?.name ?? point.arg.name;
            const echoes = isObjectType(returned) && isScalarType(getNamedType(returned.getFields()[echo]?.type ?? field.type)) && returned.getFields()[echo];
            const decl = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
            const doc = `mutation(${decl}) { r: ${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')}) { __typename ${echoes ? echo : ''} } }`;
            const start = await fingerprint(t.app);
            const r = await gql(t, doc, variables);
            const label = `${field.name}.${echo} = ${payload}`;
            const codes = assertHandled(r, label);
            if (codes.length > 0) {
              for (const c of codes) expect({ label, c, ok: ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT'].includes(c) }).toEqual({ label, c, ok: true });
              expect(await fingerprint(t.app)).toBe(start);
              refused++;
            } else {
              // Accepted: the value is stored as given (trimmed), not interpreted.
              if (echoes) expect({ label, value: r.json.data.r[echo] }).toEqual({ label, value: payload.trim() });
              stored++;
            }
          }
        }
      }
      expect(n).toBeGreaterThan(20 * METACHARACTERS.length);
      expect(refused).toBeGreaterThan(0);
      expect(stored).toBeGreaterThan(0);
      // The tables are intact (no statement was injected).
      if (!t.app.store.capabilities.remote) expect(await helpdeskSql(t.app).rows(`PRAGMA integrity_check`)).toEqual([{ integrity_check: 'ok' }]);
      for (const table of ['customer', 'ticket', 'customer_user']) {
        expect(await countRows(t.app, `SELECT count(*) AS n FROM ${table}`)).toBeGreaterThan(0);
      }
    }, 400_000);
  });

  describe('property-based fuzzing', () => {
    const WORDS = [
      '{', '}', '(', ')', '[', ']', ':', '...', '$v', '$n', '$v: ID!', '$n: Int', '@include(if: $b)', '@skip(if: true)', 'query', 'fragment F on Customer',
      'on', 'customer', 'customers', 'customerUser', 'customerUsers', 'ticket', 'tickets', 'openTickets', 'nodes', 'name', 'customerId', 'login', 'totalCount',
      'ticketCounts', 'open', 'first:', 'after:', 'search:', 'valid:', 'customerId:', 'login:', 'number:', '100', '-1', '1e9', '"ACME"', '"*"', '"%"', '"\\u0000"', 'null',
      'true', 'VALID', '__typename', '__schema', 'types', 'a:', 'b:', '#', ',', '"""', '\\', '$', '!', '=', '|', '&',
    ];
    const documents = fc.oneof(
      fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }).map((w) => w.join(' ')),
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    const variables = fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('v', 'n', 'b', 'x'), fc.jsonValue({ maxDepth: 4 })), fc.jsonValue({ maxDepth: 3 }));

    test('random documents and variables (reader and agent): no 5xx, contract codes only, no change', async () => {
      const start = await fingerprint(t.app);
      await fc.assert(
        fc.asyncProperty(documents, variables, fc.boolean(), async (query, vars, asReader) => {
          const r = await send(t, JSON.stringify({ query, variables: vars }), asReader ? { authorization: `Bearer ${TOKENS.reader}` } : {});
          assertHandled(r, query.slice(0, 80));
        }),
        { numRuns: 400, seed: 20261125 },
      );
      expect(await fingerprint(t.app)).toBe(start);
    }, 400_000);

    test('random bytes as the body: no 5xx', async () => {
      const start = await fingerprint(t.app);
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
          const r = await send(t, Buffer.from(bytes));
          expect(r.status).toBeLessThan(500);
        }),
        { numRuns: 200, seed: 42 },
      );
      expect(await fingerprint(t.app)).toBe(start);
    }, 60_000);

    test('random variables for every contract operation: no 5xx, no INTERNAL_SERVER_ERROR', async () => {
      const { readdirSync, readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const dir = join(__dirname, '../../schema/operations');
      const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
      const names = [...text.matchAll(/^(?:query|mutation) (\w+)/gm)].map((m) => m[1]!);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names), fc.dictionary(fc.constantFrom('customerId', 'login', 'number', 'input', 'first', 'after', 'search'), fc.jsonValue({ maxDepth: 3 })), async (operationName, vars) => {
          // As a reader: mutations are refused before they run, so the data stays as it is.
          const r = await send(t, JSON.stringify({ query: text, operationName, variables: vars }), { authorization: `Bearer ${TOKENS.reader}` });
          assertHandled(r, operationName);
        }),
        { numRuns: 300, seed: 7 },
      );
    }, 60_000);
  });
});
