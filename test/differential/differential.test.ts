import type { ApolloServer } from '@apollo/server';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInterfaceType, isObjectType, isUnionType, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { App } from '../../src/composition/app';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import { createApollo } from '../../src/graphql/apollo';
import { createContext, type AppServices, type Context } from '../../src/graphql/context';
import { base64urlJson, createExecution, type Execution } from '../../src/graphql/execution';
import { EncodingCache } from '../../src/graphql/execution/encoding-cache';
import { appExecutableSchema } from '../../src/graphql/schema';
import { createLogger } from '../../src/log/logger';
import { DataSourceRegistry } from '../../src/registry/data-source-registry';
import { loadFixture } from '../helpers/fixture-tickets';
import { CONTRACT_DIR } from '../helpers/contract';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Compiled execution (graphql-jit, direct resolvers, synchronous resolveType: the fast path of
// src/graphql/execution) must answer every request exactly as reference execution (graphql-js
// on the schema as type-graphql built it). Each case runs through both, each on its own app
// with the same data and the same frozen clock, and the whole responses are compared: status,
// data, and every error's message, path, locations and extensions (the request id aside).
// Mutations run on both apps in the same order, so the two stay equal.

const ROOT = join(__dirname, '../..');

/** The contract's operations: the repository's own copy (contract/, held equal to ../shared/contract by test/unit/contract-copy.test.ts). */
function contractDir(): string | null {
  return existsSync(join(CONTRACT_DIR, 'operations')) ? CONTRACT_DIR : null;
}

/** One operation of a document file. */
interface Operation {
  readonly file: string;
  readonly name: string;
  readonly kind: OperationDefinitionNode['operation'];
  /** The whole document (its other operations and fragments too), run by operation name. */
  readonly document: string;
}

function operationsIn(dir: string): Operation[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .flatMap((f) => {
      const document = readFileSync(join(dir, f), 'utf8');
      return parse(document).definitions.flatMap((d) =>
        d.kind === Kind.OPERATION_DEFINITION && d.name ? [{ file: join(dir, f), name: d.name.value, kind: d.operation, document }] : [],
      );
    });
}

const CONTRACT = contractDir();
const SHIPPED = operationsIn(join(ROOT, 'schema/operations'));
const CONTRACT_OPERATIONS = CONTRACT
  ? [
      ...operationsIn(join(CONTRACT, 'operations')),
      ...(existsSync(join(CONTRACT, 'additions')) ? readdirSync(join(CONTRACT, 'additions')).sort().flatMap((a) => operationsIn(join(CONTRACT, 'additions', a, 'operations'))) : []),
    ]
  : [];

/** The clock of both apps: frozen, so that records and requests carry the same times in both. */
const NOW = new Date(Date.UTC(2026, 10, 25, 9, 30, 0));

/** A response as compared: everything a client sees but the request id of masked errors. */
interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; path?: unknown; extensions?: Record<string, unknown> }[] };
}

/** Services of a request with some replaced (the app's own object otherwise). */
function servicesWith(app: App, over: Partial<AppServices>): AppServices {
  return new Proxy(app, { get: (target, key) => (key in over ? over[key as keyof AppServices] : Reflect.get(target, key, target)) });
}

/** Every method of `target` fails as a backend that does not answer; properties stay. */
function unavailable<T extends object>(target: T, sourceId: string): T {
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key, t);
      return typeof value === 'function' ? () => Promise.reject(new DataSourceUnavailableError(sourceId)) : value;
    },
  });
}

/** Every Date the methods of `target` answer is an invalid one. */
function invalidDates<T extends object>(target: T): T {
  const spoil = (v: unknown): unknown => {
    if (v instanceof Date) return new Date(Number.NaN);
    if (Array.isArray(v)) return v.map(spoil);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, spoil(x)]));
    if (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, spoil(x)]));
    }
    return v;
  };
  return new Proxy(target, {
    get(t, key) {
      const value = Reflect.get(t, key, t);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const r = (value as (...a: unknown[]) => unknown).apply(t, args);
        return r instanceof Promise ? r.then(spoil) : spoil(r);
      };
    },
  });
}

/** `Type.field` → resolve / subscribe, `Type.resolveType` / `Type.isTypeOf` → function, of every type of a schema. */
function resolversOf(schema: GraphQLSchema): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        out.set(`${type.name}.${field.name}`, field.resolve);
        out.set(`${type.name}.${field.name}#subscribe`, field.subscribe);
      }
    }
    if (isInterfaceType(type) || isUnionType(type)) out.set(`${type.name}.resolveType`, type.resolveType);
    if (isObjectType(type)) out.set(`${type.name}.isTypeOf`, type.isTypeOf);
  }
  return out;
}

/** How a case's request is served: healthy, or with a backend failing. */
type Fault = 'none' | 'store down' | 'directory down' | 'invalid dates';

function servicesFor(app: App, fault: Fault): AppServices {
  switch (fault) {
    case 'none':
      return app;
    case 'store down':
      return servicesWith(app, { tickets: unavailable(app.tickets, 'local') });
    case 'invalid dates':
      return servicesWith(app, { tickets: invalidDates(app.tickets) });
    case 'directory down':
      return servicesWith(app, {
        sources: new DataSourceRegistry(app.sources.sources.map((s) => (s.id === 'directory' ? unavailable(s, 'directory') : s))),
      });
  }
}

/** One side of the comparison: an app and an Apollo server over it with one execution. */
interface Side {
  readonly t: TestApp;
  readonly server: ApolloServer<Context>;
}

async function answer(side: Side, query: string, variables: Record<string, unknown> | undefined, options: { operationName?: string; role?: 'agent' | 'reader'; fault?: Fault }): Promise<Answer> {
  const contextValue = createContext(servicesFor(side.t.app, options.fault ?? 'none'), options.role ?? 'agent', 'differential');
  const r = await side.server.executeOperation({ query, variables, operationName: options.operationName }, { contextValue });
  if (r.body.kind !== 'single') throw new Error('incremental response');
  const body = JSON.parse(JSON.stringify(r.body.singleResult)) as Answer['body'];
  for (const e of body.errors ?? []) delete e.extensions?.requestId;
  return { status: r.http.status ?? 200, body };
}

/** Apps with a local database (the fixture) and a second, read-only source named `directory`. */
async function startApp(directoryDb: string): Promise<TestApp> {
  return startTestApp({
    http: false,
    config: {
      dataSources: [
        { id: 'local', name: 'Helpdesk database', kind: 'sqlite' },
        { id: 'directory', name: 'Directory', kind: 'sqlite', path: directoryDb },
      ],
    },
    prepare: (app) => loadFixture(app, NOW.getTime()),
  });
}

/** The directory's records: a customer of its own with a user, and a copy of a local customer with a user of its own. */
async function writeDirectory(file: string): Promise<void> {
  const d = await startTestApp({ http: false, database: file, config: { dataSources: [{ id: 'directory', name: 'Directory', kind: 'sqlite' }] } });
  try {
    const r1 = await d.exec(`mutation { createCustomer(input: {dataSource: "directory", customerId: "DIRCO", name: "Directory Company", country: "SE", city: "Malmö"}) { customerId } }`);
    const r2 = await d.exec(`mutation { createCustomerUser(input: {dataSource: "directory", login: "dir.user", firstName: "Dag", lastName: "Ir", email: "dag@dir.example", customerId: "DIRCO"}) { login } }`);
    // ACME is in both sources (the local one wins in lists and lookups); one of its users only here.
    const r0 = await d.exec(`mutation { createCustomer(input: {dataSource: "directory", customerId: "ACME", name: "Acme (directory copy)", country: "DE"}) { customerId } }`);
    const r3 = await d.exec(`mutation { createCustomerUser(input: {dataSource: "directory", login: "acme.remote", firstName: "Remote", lastName: "Acme", email: "remote@acme.example", customerId: "ACME"}) { login } }`);
    for (const r of [r1, r2, r0, r3]) expect(r.errors).toBeUndefined();
  } finally {
    await d.close();
  }
}

describe('differential: compiled execution answers exactly as reference execution', () => {
  let dir: string;
  let reference: Side;
  let compiled: Side;
  let execution: Execution;
  /** Every resolver, subscriber and type resolver of the two schemas as built. */
  const atStart: Record<'compiled' | 'reference', Map<string, unknown>> = { compiled: new Map(), reference: new Map() };
  /** How many cases ran, and how many of them executed fields (not refused before execution). */
  const ran = { cases: 0, executed: 0 };

  beforeAll(async () => {
    // Only Date is faked: timers, ticks and I/O run as usual.
    jest.useFakeTimers({ now: NOW, doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    // The schemas as built, before any server or request saw them.
    for (const mode of ['compiled', 'reference'] as const) atStart[mode] = resolversOf(appExecutableSchema(mode).schema);
    dir = mkdtempSync(join(tmpdir(), 'differential-'));
    await writeDirectory(join(dir, 'directory.db'));
    // Each app its own copy: writes to the directory source stay in their app.
    for (const side of ['reference', 'compiled']) copyFileSync(join(dir, 'directory.db'), join(dir, `${side}-directory.db`));
    const [r, c] = [await startApp(join(dir, 'reference-directory.db')), await startApp(join(dir, 'compiled-directory.db'))];
    const options = (t: TestApp) => ({ metrics: t.app.metrics, logger: createLogger('silent'), introspection: true, limits: t.app.config.limits });
    reference = { t: r, server: createApollo({ ...options(r), execution: 'reference' }) };
    execution = createExecution(appExecutableSchema('compiled'));
    compiled = { t: c, server: createApollo({ ...options(c), execution }) };
    await reference.server.start();
    await compiled.server.start();
  }, 60_000);

  afterAll(async () => {
    await compiled?.server.stop();
    await reference?.server.stop();
    await compiled?.t.close();
    await reference?.t.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    jest.useRealTimers();
  });

  /** Runs one case through both and requires the same answer; returns it. */
  async function same(query: string, variables?: Record<string, unknown>, options: { operationName?: string; role?: 'agent' | 'reader'; fault?: Fault } = {}): Promise<Answer> {
    const expected = await answer(reference, query, variables, options);
    const actual = await answer(compiled, query, variables, options);
    const label = `${options.operationName ?? query.slice(0, 60)} ${JSON.stringify(variables ?? {})} ${options.role ?? 'agent'} ${options.fault ?? 'none'}`;
    expect({ case: label, ...actual }).toEqual({ case: label, ...expected });
    ran.cases++;
    if (expected.body.data !== undefined) ran.executed++;
    return expected;
  }

  /** Ids and cursors both apps give (the data is the same). */
  async function ids() {
    const list = await same(`{ customers(first: 50, valid: [VALID, INVALID, INVALID_TEMPORARILY]) { edges { cursor node { id customerId } } }
      customerUsers(first: 50) { edges { cursor node { id login } } } ticket(number: "${await firstTicketNumber()}") { id number } }`);
    const data = list.body.data as {
      customers: { edges: { cursor: string; node: { id: string; customerId: string } }[] };
      customerUsers: { edges: { cursor: string; node: { id: string; login: string } }[] };
      ticket: { id: string };
    };
    const customer = (id: string) => data.customers.edges.find((e) => e.node.customerId === id)!;
    const user = (login: string) => data.customerUsers.edges.find((e) => e.node.login === login)!;
    return { acme: customer('ACME').node.id, dirco: customer('DIRCO').node.id, jdoe: user('jdoe').node.id, dirUser: user('dir.user').node.id, ticket: data.ticket.id, acmeCursor: customer('ACME').cursor, customers: data.customers.edges };
  }

  async function firstTicketNumber(): Promise<string> {
    const r = await same(`{ customer(customerId: "ACME") { tickets(first: 1) { nodes { number } } } }`);
    return (r.body.data as { customer: { tickets: { nodes: { number: string }[] } } }).customer.tickets.nodes[0]!.number;
  }

  /** Variables for the operations of schema/operations and the contract, by operation name. */
  function variablesOf(name: string, known: Awaited<ReturnType<typeof ids>>): Record<string, unknown>[] {
    switch (name) {
      case 'CustomerBusinessCard':
      case 'CustomerDetailView':
      case 'ZnunyCustomerDetail':
      case 'LiveCustomerDetail':
        return [{ customerId: 'ACME' }, { customerId: 'acme' }, { customerId: 'globex' }, { customerId: 'DIRCO' }, { customerId: 'UMBRELLA' }, { customerId: 'NOPE' }];
      case 'CustomerUserDetail':
        return [{ login: 'jdoe' }, { login: 'JDOE' }, { login: 'dir.user' }, { login: 'acme.remote' }, { login: 'old.timer' }, { login: 'nobody' }];
      case 'CustomerList':
        return [{}, { first: 2 }, { first: 2, after: known.acmeCursor }, { last: 2 }, { last: 2, before: known.acmeCursor }, { search: 'acme' }, { search: 'sohne' }, { search: '100%' }, { search: 'Müller' }, { first: 0 }];
      case 'DegradedCustomerList':
        return [{}, { first: 3 }];
      case 'CustomersBackward':
      case 'CustomerUsersBackward':
        return [{ last: 3 }, { last: 2, before: known.acmeCursor }, {}];
      case 'CustomerListsBackward':
        return [{ customerId: 'ACME', last: 2 }, { customerId: 'ACME' }, { customerId: 'globex', last: 1 }];
      case 'NodeLookup':
        return [{ id: known.acme }, { id: known.dirco }, { id: known.jdoe }, { id: known.dirUser }, { id: known.ticket }, { id: 'bm90IGFuIGlk' }, { id: '' }, { id: base64urlJson(['Customer', 'local', '99999']) }];
      case 'NodesLookup':
        return [{ ids: [known.acme, known.jdoe, known.ticket, known.dirco, 'bogus', known.acme] }, { ids: [] }];
      case 'LiveCustomerList':
        return [{ customerIds: ['ACME', 'globex'] }];
      default:
        return [{}];
    }
  }

  test('the contract and the shipped operations are there to run', () => {
    expect(SHIPPED.map((o) => o.name)).toEqual(expect.arrayContaining(['CustomerDetailView', 'CustomerList', 'CustomerUserDetail', 'CreateCustomer', 'NodeLookup', 'NodesLookup', 'DegradedCustomerList']));
    // The repository holds its copy of the contract (contract/), so its operations always run.
    expect(CONTRACT).toBe(CONTRACT_DIR);
    expect(CONTRACT_OPERATIONS.map((o) => o.name)).toEqual(expect.arrayContaining(['CustomerDetailView', 'CustomerList', 'CreateCustomer']));
  });

  test('every query and subscription of schema/operations and of the contract, as agent and reader, healthy and with a failing directory', async () => {
    const known = await ids();
    const queries = [...SHIPPED, ...CONTRACT_OPERATIONS].filter((o) => o.kind !== 'mutation');
    expect(queries.length).toBeGreaterThan(10);
    const schema = appExecutableSchema('reference').schema;
    for (const op of queries) {
      let executed = false;
      for (const variables of variablesOf(op.name, known)) {
        for (const role of ['agent', 'reader'] as const) executed = (await same(op.document, variables, { operationName: op.name, role })).body.data !== undefined || executed;
        await same(op.document, variables, { operationName: op.name, fault: 'directory down' });
      }
      // An operation of this schema ran its fields at least once (one the schema lacks, a contract
      // addition not built yet, is refused by validation alike in both).
      const valid = validate(schema, parse(op.document)).length === 0;
      expect({ operation: `${op.file}#${op.name}`, executed }).toEqual({ operation: `${op.file}#${op.name}`, executed: valid });
    }
  }, 120_000);

  test('fragments on interfaces, node and nodes, typename', async () => {
    const known = await ids();
    const nodeFragments = `
      fragment NodeId on Node { id __typename }
      fragment CustomerCard on Customer { customerId name ticketCounts { open } }
      query Q($id: ID!, $ids: [ID!]!) {
        node(id: $id) { ...NodeId ...CustomerCard ... on CustomerUser { login customer { ...NodeId } } ... on Ticket { number customer { ...CustomerCard } } }
        nodes(ids: $ids) { ...NodeId ... on Node { id } ... on Customer { name customerUsers(first: 2) { nodes { ...NodeId } } } }
      }`;
    for (const id of [known.acme, known.jdoe, known.ticket, known.dirco, known.dirUser, 'bm90IGFuIGlk']) {
      await same(nodeFragments, { id, ids: [id, known.acme, known.ticket, 'WyJUaWNrZXQiLDk5OTk5XQ'] });
      await same(nodeFragments, { id, ids: [id] }, { role: 'reader', fault: 'directory down' });
    }
    await same(`{ customer(customerId: "ACME") { ... on Node { id } ... on Customer { __typename name } tickets(first: 3) { nodes { ... on Node { id } customer { ... on Node { __typename } } } } } }`);
    await same(`{ nodes(ids: []) { id } }`);
  });

  test('@skip and @include, by variable and literal, on fields, fragments and inline fragments', async () => {
    const query = `query Q($a: Boolean!, $b: Boolean = false) {
      customer(customerId: "ACME") {
        name @skip(if: $a)
        city @include(if: $a)
        ...F @include(if: $b)
        ... on Customer @skip(if: $b) { customerId ticketCounts { open @include(if: $a) total } }
        openTickets(first: 2) @include(if: $a) { totalCount nodes { number title @skip(if: true) state @include(if: false) } }
      }
    }
    fragment F on Customer { comment customerUsers(first: 2) { nodes { login @skip(if: $a) } } }`;
    for (const a of [true, false]) for (const b of [true, false, undefined]) await same(query, b === undefined ? { a } : { a, b });
  });

  test('bad variables: wrong types, missing, null for non-null, unknown input fields, a bad DateTime', async () => {
    const list = SHIPPED.find((o) => o.name === 'CustomerList')!;
    const detail = SHIPPED.find((o) => o.name === 'CustomerDetailView')!;
    await same(list.document, { first: 'many' }, { operationName: 'CustomerList' });
    await same(list.document, { first: 2.5 }, { operationName: 'CustomerList' });
    await same(list.document, { first: 2, last: 2 }, { operationName: 'CustomerList' });
    await same(list.document, { first: -1 }, { operationName: 'CustomerList' });
    await same(list.document, { first: 100000 }, { operationName: 'CustomerList' });
    await same(list.document, { after: 'bm90IGEgY3Vyc29y' }, { operationName: 'CustomerList' });
    await same(detail.document, {}, { operationName: 'CustomerDetailView' });
    await same(detail.document, { customerId: null }, { operationName: 'CustomerDetailView' });
    await same(detail.document, { customerId: ['ACME'] }, { operationName: 'CustomerDetailView' });
    await same(`query($v: [Validity!]) { customers(valid: $v) { totalCount } }`, { v: ['NOPE'] });
    await same(`query($v: [Validity!]) { customers(valid: $v) { totalCount } }`, { v: [null] });
    await same(`query($n: String!) { ticket(number: $n) { number } }`, { n: 12 });
    await same(`query($n: String!) { ticket(number: $n) { number } }`, { n: 'no-such-ticket' });
    await same(`{ customers(first: 2) { totalCount } }`, undefined, { operationName: 'Nope' });
    await same(`query A { customers { totalCount } } query B { countries { code } }`);
    // A bad DateTime, as a variable and as a literal, in the inputs of both ticket mutations.
    const create = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { number } }`;
    await same(create, { input: { title: 'Bad date', customerId: 'ACME', escalationAt: 'tomorrow' } });
    await same(create, { input: { title: 'Bad date', customerId: 'ACME', pendingUntil: '2026-11-25 09:30' } });
    await same(create, { input: { title: 'Bad date', customerId: 'ACME', escalationAt: 1764063000000 } });
    await same(`mutation { createTicket(input: {title: "Bad date", customerId: "ACME", escalationAt: "2026-13-45T99:00:00Z"}) { number } }`);
    await same(`mutation { updateTicket(number: "x", input: {pendingUntil: 5}) { number } }`);
  });

  test('store and directory faults: one field failing, sibling fields failing together, lists of every source', async () => {
    const detail = SHIPPED.find((o) => o.name === 'CustomerDetailView')!;
    const user = SHIPPED.find((o) => o.name === 'CustomerUserDetail')!;
    const list = SHIPPED.find((o) => o.name === 'CustomerList')!;
    const degraded = SHIPPED.find((o) => o.name === 'DegradedCustomerList')!;
    for (const fault of ['store down', 'directory down', 'invalid dates'] as const) {
      // One field failing (a non-null field: its customer is nulled).
      await same(`{ customer(customerId: "ACME") { name ticketCounts { open } } }`, undefined, { fault });
      // Two sibling connections over the failing store: one error in graphql-js, and so compiled.
      await same(`{ customer(customerId: "ACME") { name openTickets(first: 2) { totalCount } escalatedTickets(first: 2) { totalCount } } }`, undefined, { fault });
      // Siblings under a non-null list item, and under two nullable roots.
      await same(`{ a: customer(customerId: "ACME") { openTickets(first: 2) { totalCount } tickets(first: 2) { nodes { number createdAt } } }
        b: customer(customerId: "globex") { reminderTickets(first: 1) { totalCount } escalatedTickets(first: 1) { totalCount } } }`, undefined, { fault });
      await same(`{ customers(first: 10) { nodes { customerId ticketCounts { open } openTickets(first: 1) { totalCount } } } }`, undefined, { fault });
      await same(`{ customers(first: 10) { totalCount } customerUsers(first: 10) { totalCount } dataSources { id } }`, undefined, { fault });
      await same(`{ customer(customerId: "DIRCO") { name } customerUser(login: "dir.user") { login customer { name } } }`, undefined, { fault });
      await same(`{ customerUser(login: "jdoe") { login ticketCounts { open } tickets(first: 2) { totalCount } customers { customerId } } }`, undefined, { fault });
      for (const customerId of ['ACME', 'DIRCO', 'MUELLER']) await same(detail.document, { customerId }, { operationName: 'CustomerDetailView', fault });
      for (const login of ['jdoe', 'dir.user']) await same(user.document, { login }, { operationName: 'CustomerUserDetail', fault });
      await same(list.document, { first: 10 }, { operationName: 'CustomerList', fault, role: 'reader' });
      await same(degraded.document, {}, { operationName: 'DegradedCustomerList', fault });
    }
  });

  test('the sibling case is the one where the engines differed: graphql-js reports the first error per nulled parent', async () => {
    const r = await same(`{ customer(customerId: "ACME") { name openTickets(first: 2) { totalCount } escalatedTickets(first: 2) { totalCount } reminderTickets(first: 2) { totalCount } } countries { code } }`, undefined, { fault: 'store down' });
    // The first connection's error (at its first field), not one per connection.
    expect(r.body.errors).toEqual([{ message: "Data source 'local' is unavailable", path: ['customer', 'openTickets', 'totalCount'], locations: expect.any(Array), extensions: { code: 'DATA_SOURCE_UNAVAILABLE' } }]);
    expect((r.body.data as { customer: unknown; countries: unknown[] }).customer).toBeNull();
    expect((r.body.data as { countries: unknown[] }).countries.length).toBeGreaterThan(0);
  });

  test('mutations (every one of schema/operations and the contract), refused and failing ones too, leave both apps equal', async () => {
    const mutations = [...SHIPPED, ...CONTRACT_OPERATIONS].filter((o) => o.kind === 'mutation');
    const run = async (op: (typeof mutations)[number], variables: Record<string, unknown>, role: 'agent' | 'reader' = 'agent') => same(op.document, variables, { operationName: op.name, role });
    const seen = new Set<string>();
    let n = 0;
    for (const op of mutations) {
      n++;
      const customerId = `NEW${n}`;
      const login = `new.user${n}`;
      const inputs: Record<string, Record<string, unknown>[]> = {
        CreateCustomer: [{ input: { dataSource: 'local', customerId, name: `New Company ${n}`, country: 'NL', city: 'Utrecht' } }, { input: { dataSource: 'directory', customerId: 'RO', name: 'Read only', country: 'NL' } }, { input: { dataSource: 'local', customerId: 'ACME', name: 'Taken', country: 'NL' } }, { input: { dataSource: 'local', customerId: 'X', name: 'Bad country', country: 'Atlantis' } }],
        UpdateCustomer: [{ customerId: 'globex', input: { city: `Shelbyville ${n}`, comment: 'moved' } }, { customerId: 'DIRCO', input: { city: 'Lund' } }, { customerId: 'NOPE', input: { city: 'x' } }],
        CreateCustomerUser: [{ input: { dataSource: 'local', login, firstName: 'New', lastName: `User ${n}`, email: `${login}@new.example`, customerId: 'ACME', additionalCustomerIds: ['globex'] } }, { input: { dataSource: 'local', login: 'jdoe', firstName: 'J', lastName: 'D', email: 'j@d.example', customerId: 'ACME' } }],
        UpdateCustomerUser: [{ login: 'asmith', input: { phone: `+31 ${n}` } }, { login: 'dir.user', input: { phone: '1' } }, { login: 'asmith', input: { email: 'not an email' } }],
        CreateTicket: [{ input: { title: `Ticket ${n}`, customerId: 'ACME', customerUserLogin: 'jdoe', state: 'open', escalationAt: '2026-11-26T09:30:00.000Z' } }, { input: { title: 'Nobody', customerId: 'NOPE' } }],
        UpdateTicket: [{ number: await firstTicketNumber(), input: { title: `Renamed ${n}`, state: 'pending reminder', pendingUntil: '2026-11-24T09:30:00Z' } }, { number: 'no-such', input: { title: 'x' } }],
      };
      for (const variables of inputs[op.name] ?? [{}]) {
        await run(op, variables, 'reader');
        await run(op, variables);
      }
      seen.add(op.name);
    }
    expect([...seen].sort()).toEqual(['CreateCustomer', 'CreateCustomerUser', 'CreateTicket', 'UpdateCustomer', 'UpdateCustomerUser', 'UpdateTicket']);
    // The two apps hold the same data after the writes.
    const detail = SHIPPED.find((o) => o.name === 'CustomerDetailView')!;
    for (const customerId of ['ACME', 'globex', 'NEW1']) await same(detail.document, { customerId }, { operationName: 'CustomerDetailView' });
  });

  test('compiled execution did run compiled: the comparison is not between two graphql-js runs', () => {
    expect(execution.stats!.compiledRuns).toBeGreaterThan(100);
    expect(ran.executed).toBeGreaterThan(200);
  });

  test('nothing changes the built schemas after start: resolvers and type resolvers are those of the build', async () => {
    for (const mode of ['compiled', 'reference'] as const) {
      const { schema } = appExecutableSchema(mode);
      expect(resolversOf(schema)).toEqual(atStart[mode]);
      // Another server over the same schema (a second app in the process) changes nothing either.
      const server = createApollo({ metrics: compiled.t.app.metrics, logger: createLogger('silent'), introspection: false, execution: mode });
      await server.start();
      await server.executeOperation({ query: '{ nodes(ids: []) { id } }' }, { contextValue: createContext(compiled.t.app, 'reader', 'x') });
      await server.stop();
      const after = resolversOf(schema);
      expect([...after.keys()]).toEqual([...atStart[mode].keys()]);
      for (const [key, fn] of after) expect([key, fn === atStart[mode].get(key)]).toEqual([key, true]);
    }
    // The modes' schemas differ where compiled execution prepared its own.
    expect(appExecutableSchema('compiled').schema).not.toBe(appExecutableSchema('reference').schema);
    expect(atStart.compiled.get('Node.resolveType')).not.toBe(atStart.reference.get('Node.resolveType'));
  });

  test('the comparison sees a difference: a compiled path that changes one value or adds one error fails it', async () => {
    const gateway = execution.apollo.gateway!;
    const perturbations = {
      value: (r: { data?: unknown }) => ({ ...r, data: JSON.parse(JSON.stringify(r.data).replace('"Acme Corporation"', '"Acme Corp."')) }),
      error: (r: { errors?: readonly unknown[] }) => ({ ...r, errors: [...(r.errors ?? []), ...(r.errors ?? []).slice(-1)] }),
    };
    for (const [what, perturb] of Object.entries(perturbations)) {
      const broken: Execution = {
        ...execution,
        apollo: { gateway: { ...gateway, async load(options) { const loaded = await gateway.load(options); return { executor: async (rc) => perturb((await loaded.executor!(rc)) as never) as never }; } } },
      };
      const server = createApollo({ metrics: compiled.t.app.metrics, logger: createLogger('silent'), introspection: true, limits: compiled.t.app.config.limits, execution: broken });
      await server.start();
      try {
        const query = `{ customer(customerId: "ACME") { name openTickets(first: 2) { totalCount } escalatedTickets(first: 2) { totalCount } } }`;
        const fault = what === 'value' ? 'none' : 'store down';
        const expected = await answer(reference, query, undefined, { fault });
        const actual = await answer({ t: compiled.t, server }, query, undefined, { fault });
        expect([what, actual]).not.toEqual([what, expected]);
        expect(() => expect(actual).toEqual(expected)).toThrow();
      } finally {
        await server.stop();
      }
    }
  });
});

describe('the id and cursor encoding cache', () => {
  test('answers as the plain encoding, before and after it is emptied', () => {
    const cache = new EncodingCache(5);
    const values: unknown[] = [['Customer', 'local', '1'], ['Ticket', 7], ['Müller & Söhne', 3], ['é', '\u{1F600}'], [], ['a'.repeat(300)], ['x', null], ['Customer', 'local', '1']];
    for (let round = 0; round < 3; round++) {
      for (const v of values) {
        const json = JSON.stringify(v);
        expect(cache.encode(json)).toBe(Buffer.from(json, 'utf8').toString('base64url'));
        expect(cache.size).toBeLessThanOrEqual(5);
      }
    }
    expect(base64urlJson(['Ticket', 7])).toBe(Buffer.from('["Ticket",7]').toString('base64url'));
  });

  test('global ids kept by their parts answer as the plain encoding, before and after the cache is emptied', () => {
    const cache = new EncodingCache(4);
    const ids: [string, string | number, string?][] = [
      ['Customer', 'local', '1'], ['CustomerUser', 'local', '1'], ['Customer', 'directory', '1'], ['Customer', 'loc', 'al1'],
      ['Ticket', 7], ['Ticket', 70], ['Customer', 'local', 'Müller & Söhne \u{1F600}'], ['CustomerUser', 'a\u0000b', 'c'], ['CustomerUser', 'a', '\u0000b'],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [type, a, b] of ids) {
        expect(cache.globalId(type, a, b)).toBe(base64urlJson(b === undefined ? [type, a] : [type, a, b]));
        expect(cache.size).toBeLessThanOrEqual(4);
      }
    }
  });
});
