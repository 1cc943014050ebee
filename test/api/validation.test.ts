import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint } from '../helpers/fingerprint';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const MUTATIONS = readFileSync(join(__dirname, '../../schema/operations/Mutations.graphql'), 'utf8');
const x = (n: number, c = 'x') => c.repeat(n);

const customer = (over: Record<string, unknown> = {}) => ({ dataSource: 'local', customerId: 'NEWCO', name: 'New Company', country: 'de', ...over });
const user = (over: Record<string, unknown> = {}) => ({ dataSource: 'local', login: 'new.person', email: 'new.person@example.com', firstName: 'New', lastName: 'Person', customerId: 'ACME', ...over });
const ticket = (over: Record<string, unknown> = {}) => ({ title: 'Printer on fire', customerUserLogin: 'jdoe', ...over });

type Case = [string, string, Record<string, unknown>, string, string | undefined];

/** Every write rule and error code of the contract: [case, operation, variables, code, field]. */
const CASES: Case[] = [
  // customerId: 1 to 150 characters; letters, digits, space and . _ - @ & + /; no edge spaces; no * or %.
  ['customerId empty', 'CreateCustomer', { input: customer({ customerId: '' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId 151 characters', 'CreateCustomer', { input: customer({ customerId: x(151, 'A') }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId with *', 'CreateCustomer', { input: customer({ customerId: 'AC*' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId with %', 'CreateCustomer', { input: customer({ customerId: 'AC%' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId leading space', 'CreateCustomer', { input: customer({ customerId: ' ACME2' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId trailing space', 'CreateCustomer', { input: customer({ customerId: 'ACME2 ' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId with #', 'CreateCustomer', { input: customer({ customerId: 'A#1' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['customerId with a control character', 'CreateCustomer', { input: customer({ customerId: 'A\u0000B' }) }, 'BAD_USER_INPUT', 'customerId'],
  // name, firstName, lastName, login, email: required, trimmed, at most 191; email an address.
  ['name blank', 'CreateCustomer', { input: customer({ name: '   ' }) }, 'BAD_USER_INPUT', 'name'],
  ['name 192 characters', 'CreateCustomer', { input: customer({ name: x(192) }) }, 'BAD_USER_INPUT', 'name'],
  ['name with NUL', 'CreateCustomer', { input: customer({ name: 'a\u0000b' }) }, 'BAD_USER_INPUT', 'name'],
  ['firstName blank', 'CreateCustomerUser', { input: user({ firstName: ' ' }) }, 'BAD_USER_INPUT', 'firstName'],
  ['lastName 192 characters', 'CreateCustomerUser', { input: user({ lastName: x(192) }) }, 'BAD_USER_INPUT', 'lastName'],
  ['login blank', 'CreateCustomerUser', { input: user({ login: '' }) }, 'BAD_USER_INPUT', 'login'],
  ['login 192 characters', 'CreateCustomerUser', { input: user({ login: x(192) }) }, 'BAD_USER_INPUT', 'login'],
  ['email not an address', 'CreateCustomerUser', { input: user({ email: 'not-an-address' }) }, 'BAD_USER_INPUT', 'email'],
  ['email blank', 'CreateCustomerUser', { input: user({ email: ' ' }) }, 'BAD_USER_INPUT', 'email'],
  ['email 192 characters', 'CreateCustomerUser', { input: user({ email: `${x(180)}@example.com` }) }, 'BAD_USER_INPUT', 'email'],
  // comment at most 250; other strings at most 200.
  ['comment 251 characters', 'CreateCustomer', { input: customer({ comment: x(251) }) }, 'BAD_USER_INPUT', 'comment'],
  ['street 201 characters', 'CreateCustomer', { input: customer({ street: x(201) }) }, 'BAD_USER_INPUT', 'street'],
  ['city 201 characters', 'CreateCustomerUser', { input: user({ city: x(201) }) }, 'BAD_USER_INPUT', 'city'],
  ['title 201 characters', 'CreateCustomerUser', { input: user({ title: x(201) }) }, 'BAD_USER_INPUT', 'title'],
  // country: ISO 3166-1 alpha-2.
  ['country unknown code', 'CreateCustomer', { input: customer({ country: 'XX' }) }, 'BAD_USER_INPUT', 'country'],
  ['country alpha-3', 'CreateCustomer', { input: customer({ country: 'DEU' }) }, 'BAD_USER_INPUT', 'country'],
  ['country of a user', 'CreateCustomerUser', { input: user({ country: 'Germany' }) }, 'BAD_USER_INPUT', 'country'],
  // url: absolute http or https.
  ['url ftp', 'CreateCustomer', { input: customer({ url: 'ftp://files.example' }) }, 'BAD_USER_INPUT', 'url'],
  ['url relative', 'CreateCustomer', { input: customer({ url: 'www.example.com' }) }, 'BAD_USER_INPUT', 'url'],
  ['url javascript', 'CreateCustomer', { input: customer({ url: 'javascript:alert(1)' }) }, 'BAD_USER_INPUT', 'url'],
  // customerId of a customer user, and each further id, must name an existing customer.
  ['user of a missing customer', 'CreateCustomerUser', { input: user({ customerId: 'NOPE' }) }, 'BAD_USER_INPUT', 'customerId'],
  ['user with a missing further customer', 'CreateCustomerUser', { input: user({ additionalCustomerIds: ['globex', 'NOPE'] }) }, 'BAD_USER_INPUT', 'additionalCustomerIds'],
  ['user moved to a missing customer', 'UpdateCustomerUser', { login: 'jdoe', input: { customerId: 'NOPE' } }, 'BAD_USER_INPUT', 'customerId'],
  // Pending states need pendingUntil; states and priorities are OTRS's.
  ['pending reminder without pendingUntil', 'CreateTicket', { input: ticket({ state: 'pending reminder' }) }, 'BAD_USER_INPUT', 'pendingUntil'],
  ['pending auto close+ without pendingUntil', 'CreateTicket', { input: ticket({ state: 'pending auto close+' }) }, 'BAD_USER_INPUT', 'pendingUntil'],
  ['pending auto close- without pendingUntil', 'UpdateTicket', { number: '__A3__', input: { state: 'pending auto close-' } }, 'BAD_USER_INPUT', 'pendingUntil'],
  ['pendingUntil on an open ticket', 'CreateTicket', { input: ticket({ state: 'open', pendingUntil: '2030-01-01T00:00:00Z' }) }, 'BAD_USER_INPUT', 'pendingUntil'],
  ['unknown state', 'CreateTicket', { input: ticket({ state: 'Closed Successful' }) }, 'BAD_USER_INPUT', 'state'],
  ['unknown priority', 'CreateTicket', { input: ticket({ priority: 'urgent' }) }, 'BAD_USER_INPUT', 'priority'],
  ['blank title', 'CreateTicket', { input: ticket({ title: ' ' }) }, 'BAD_USER_INPUT', 'title'],
  ['ticket without customer', 'CreateTicket', { input: { title: 'Orphan' } }, 'BAD_USER_INPUT', 'customerUserLogin'],
  ['DateTime without offset', 'CreateTicket', { input: ticket({ escalationAt: '2030-01-01 10:00' }) }, 'BAD_USER_INPUT', undefined],
  // Updates: only given fields; required fields cannot be cleared.
  ['customer name cleared', 'UpdateCustomer', { customerId: 'ACME', input: { name: null } }, 'BAD_USER_INPUT', 'name'],
  ['customer country cleared', 'UpdateCustomer', { customerId: 'ACME', input: { country: null } }, 'BAD_USER_INPUT', 'country'],
  ['user email cleared', 'UpdateCustomerUser', { login: 'jdoe', input: { email: null } }, 'BAD_USER_INPUT', 'email'],
  ['ticket state cleared', 'UpdateTicket', { number: '__A3__', input: { state: null } }, 'BAD_USER_INPUT', 'state'],
  // NOT_FOUND: the customer, customer user, ticket or data source named does not exist.
  ['update a missing customer', 'UpdateCustomer', { customerId: 'NOPE', input: { city: 'x' } }, 'NOT_FOUND', 'customerId'],
  ['update a missing customer user', 'UpdateCustomerUser', { login: 'ghost', input: { city: 'x' } }, 'NOT_FOUND', 'login'],
  ['update a missing ticket', 'UpdateTicket', { number: '0000', input: { title: 'x' } }, 'NOT_FOUND', 'number'],
  ['create in a missing data source', 'CreateCustomer', { input: customer({ dataSource: 'nope' }) }, 'NOT_FOUND', 'dataSource'],
  ['ticket for a missing customer user', 'CreateTicket', { input: ticket({ customerUserLogin: 'ghost' }) }, 'NOT_FOUND', 'customerUserLogin'],
  ['ticket for a missing customer', 'CreateTicket', { input: ticket({ customerUserLogin: null, customerId: 'NOPE' }) }, 'NOT_FOUND', 'customerId'],
  // CONFLICT: the customer id, customer name (within its source) or login is taken.
  ['customer id taken (other case)', 'CreateCustomer', { input: customer({ customerId: 'acme' }) }, 'CONFLICT', 'customerId'],
  ['customer name taken (other case)', 'CreateCustomer', { input: customer({ name: 'GLOBEX' }) }, 'CONFLICT', 'name'],
  ['rename to a taken id', 'UpdateCustomer', { customerId: 'ACME', input: { customerId: 'Globex' } }, 'CONFLICT', 'customerId'],
  ['rename to a taken name', 'UpdateCustomer', { customerId: 'ACME', input: { name: 'globex' } }, 'CONFLICT', 'name'],
  ['login taken (other case)', 'CreateCustomerUser', { input: user({ login: 'JDOE' }) }, 'CONFLICT', 'login'],
];

describe('validation and error codes (over HTTP)', () => {
  let t: TestApp;
  let a3: string;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
    a3 = (await t.http('{ customer(customerId: "ACME") { openTickets(first: 10) { nodes { number title } } } }')).data.customer.openTickets.nodes.find(
      (n: { title: string }) => n.title.startsWith('A3'),
    ).number;
  });
  afterAll(() => t.close());

  test.each(CASES)('%s → %s', async (_name, operation, variables, code, field) => {
    const vars = JSON.parse(JSON.stringify(variables).replace('__A3__', a3));
    const before = await fingerprint(t.app);
    const res = await t.http(MUTATIONS, vars, { operationName: operation });
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    if (field !== undefined) expect(res.errors?.[0]?.extensions?.field).toBe(field);
    expect(res.data?.[Object.keys(res.data ?? {})[0] ?? ''] ?? null).toBeNull();
    expect(await fingerprint(t.app)).toBe(before);
  });

  test('the limits are inclusive: 150-character id, 191-character name, 250-character comment, 200-character street', async () => {
    const res = await t.http(MUTATIONS, { input: customer({ customerId: x(150, 'L'), name: x(191, 'n'), comment: x(250), street: x(200) }) }, { operationName: 'CreateCustomer' });
    expect(res.errors).toBeUndefined();
    expect(res.data.createCustomer.customerId).toHaveLength(150);
  });

  test('accepted values are normalized: trimmed, country upper case, empty optional strings stored as null', async () => {
    const res = await t.http(
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId name country { code name } street url } }',
      { input: customer({ customerId: 'Müller Sons & Co. 1/2 +x @y', name: '  Trimmed Name  ', country: 'nl', street: '  ', url: 'https://ok.example/path' }) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createCustomer).toEqual({
      customerId: 'Müller Sons & Co. 1/2 +x @y',
      name: 'Trimmed Name',
      country: { code: 'NL', name: 'Netherlands' },
      street: null,
      url: 'https://ok.example/path',
    });
  });
});

describe('authentication and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  test.each([
    ['no token', null],
    ['an unknown token', 'not-a-configured-token'],
  ])('%s gets UNAUTHENTICATED (401) and nothing runs', async (_name, token) => {
    const { result, operations } = await t.countOperations(() => t.http('{ customers { totalCount } }', {}, { token }));
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toBeUndefined();
    expect(operations).toBe(0);
  });

  test('a token in another scheme is refused', async () => {
    const res = await t.http('{ customers { totalCount } }', {}, { token: null, headers: { authorization: `Basic ${TOKENS.reader}` } });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a reader may query, and sees viewerCanUpdate false; an agent sees true', async () => {
    const query = '{ customer(customerId: "ACME") { name viewerCanUpdate readOnly customerUsers(first: 1) { nodes { viewerCanUpdate } } } }';
    const reader = await t.http(query, {}, { token: TOKENS.reader });
    expect(reader.data.customer).toEqual({ name: 'Acme Corporation', viewerCanUpdate: false, readOnly: false, customerUsers: { nodes: [{ viewerCanUpdate: false }] } });
    const agent = await t.http(query, {}, { token: TOKENS.agent });
    expect(agent.data.customer.viewerCanUpdate).toBe(true);
    expect(agent.data.customer.customerUsers.nodes[0].viewerCanUpdate).toBe(true);
  });

  test("a reader's mutation is FORBIDDEN and changes nothing", async () => {
    const before = await fingerprint(t.app);
    const { result, operations } = await t.countOperations(() =>
      t.http(MUTATIONS, { input: customer() }, { token: TOKENS.reader, operationName: 'CreateCustomer' }),
    );
    expect(result.status).toBe(403);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(operations).toBe(0);
    expect(await fingerprint(t.app)).toBe(before);
  });

  test('the same mutation by an agent succeeds', async () => {
    const res = await t.http(MUTATIONS, { input: customer() }, { token: TOKENS.agent, operationName: 'CreateCustomer' });
    expect(res.errors).toBeUndefined();
    expect(res.data.createCustomer).toMatchObject({ customerId: 'NEWCO', name: 'New Company', valid: 'VALID', country: { code: 'DE' }, dataSource: { id: 'local' } });
  });
});

describe('document errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('a bad document is GRAPHQL_PARSE_FAILED, an invalid one GRAPHQL_VALIDATION_FAILED, and neither touches a source', async () => {
    const parse = await t.countOperations(() => t.http('{ customers { '));
    expect(parse.result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await t.countOperations(() => t.http('{ customers { nope } }'));
    expect(invalid.result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(parse.operations + invalid.operations).toBe(0);
  });

  test('a variable of the wrong type is BAD_USER_INPUT', async () => {
    const res = await t.http('query($n: Int) { customers(first: $n) { totalCount } }', { n: 'ten' });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test.each([
    ['first over the maximum', '{ customers(first: 101) { totalCount } }', 'first'],
    ['negative first', '{ customers(first: -1) { totalCount } }', 'first'],
    ['a cursor that is not one', '{ customers(after: "garbage") { totalCount } }', 'after'],
    ['a ticket cursor on the customer list', '{ customers(after: "WzEsMl0") { totalCount } }', 'after'],
  ])('%s is BAD_USER_INPUT on the argument', async (_name, query, field) => {
    const res = await t.http(query);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
