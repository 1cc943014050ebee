import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HTTP_ERROR_CODES } from '../../src/http/error.response';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const root = join(__dirname, '../..');
const GRAPHQL_RESPONSE = /^application\/graphql-response\+json; charset=utf-8$/;
const JSON_RESPONSE = /^application\/json; charset=utf-8$/;
const auth = { authorization: `Bearer ${TOKENS.agent}` };
const json = { 'content-type': 'application/json' };

/** Requests refused at the HTTP level: status and `extensions.code` of each. */
const CASES: [label: string, status: number, code: string, request: (url: string) => [string, RequestInit]][] = [
  ['no token', 401, 'UNAUTHENTICATED', (u) => [`${u}/graphql`, { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' }]],
  ['an unknown token over GET', 401, 'UNAUTHENTICATED', (u) => [`${u}/graphql?query=%7B__typename%7D`, { headers: { authorization: 'Bearer nope' } }]],
  ['a body that is not JSON', 400, 'BAD_REQUEST', (u) => [`${u}/graphql`, { method: 'POST', headers: { ...json, ...auth }, body: '{ nope' }]],
  ['a malformed Idempotency-Key', 400, 'BAD_REQUEST', (u) => [`${u}/graphql`, { method: 'POST', headers: { ...json, ...auth, 'idempotency-key': ' ' }, body: '{"query":"{ __typename }"}' }]],
  ['no document', 400, 'BAD_REQUEST', (u) => [`${u}/graphql`, { method: 'POST', headers: { ...json, ...auth }, body: '{"variables":{}}' }]],
  ['an unknown route', 404, 'NOT_FOUND', (u) => [`${u}/nope`, {}]],
  ['a mutation over GET', 405, 'BAD_REQUEST', (u) => [`${u}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, { headers: auth }]],
  ['a PUT', 405, 'BAD_REQUEST', (u) => [`${u}/graphql`, { method: 'PUT', headers: { ...json, ...auth }, body: '{"query":"{ __typename }"}' }]],
  ['a body over limits.maxBodyBytes', 413, 'BAD_REQUEST', (u) => [`${u}/graphql`, { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ query: `{ __typename }${' '.repeat(5000)}` }) }]],
  ['a GET with another content type', 415, 'BAD_REQUEST', (u) => [`${u}/graphql?query=%7B__typename%7D`, { headers: { ...auth, 'content-type': 'text/plain' } }]],
  ['a document that does not parse', 400, 'GRAPHQL_PARSE_FAILED', (u) => [`${u}/graphql`, { method: 'POST', headers: { ...json, ...auth }, body: '{"query":"{"}' }]],
];

describe('errors at the HTTP level', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { limits: { maxBodyBytes: 4096 } } });
  });
  afterAll(() => t.close());

  describe.each([
    ['application/graphql-response+json', GRAPHQL_RESPONSE],
    ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE],
    ['application/json', JSON_RESPONSE],
    ['*/*', JSON_RESPONSE],
    [null, JSON_RESPONSE],
  ])('Accept: %s', (accept, mediaType) => {
    test.each(CASES)('%s: %i %s, in the accepted media type', async (_label, status, code, request) => {
      const [url, init] = request(t.url);
      const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(accept && { accept }) } });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(mediaType);
      const body = (await res.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors.map((e) => e.extensions.code)).toEqual([code]);
      expect(body.errors[0]!.message.length).toBeGreaterThan(0);
      expect('data' in body).toBe(false);
    });
  });

  test('a 401 says how to authenticate; a 405 what is allowed', async () => {
    const unauthenticated = await fetch(`${t.url}/graphql`, { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' });
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');
    const mutation = await fetch(`${t.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, { headers: auth });
    expect(mutation.headers.get('allow')).toBe('POST');
  });

  test('an Idempotency-Key reused with another request is 409 CONFLICT', async () => {
    const send = (name: string) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { ...json, ...auth, accept: 'application/graphql-response+json', 'idempotency-key': 'k-409' },
        body: JSON.stringify({ query: 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customerId } }', variables: { input: { customerId: name, name, country: 'DE', dataSource: 'local' } } }),
      });
    expect((await send('FIRST')).status).toBe(200);
    const conflict = await send('SECOND');
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toMatch(GRAPHQL_RESPONSE);
    expect(((await conflict.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('CONFLICT');
  });
});

/** Every `extensions.code` the code base can send: string literals given as a code, the codes Apollo's errors keep, and the HTTP layer's. */
function codesInSource(): string[] {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  const codes = new Set<string>(HTTP_ERROR_CODES);
  for (const file of [...files(join(root, 'src')), ...files(join(root, 'adapters'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bcode(?::|\s*=)\s*'([A-Z][A-Z_]+)'/g)) codes.add(m[1]!);
  }
  const passThrough = /const PASS_THROUGH = new Set\(\[([^\]]*)\]/.exec(readFileSync(join(root, 'src/graphql/errors.ts'), 'utf8'))![1]!;
  for (const m of passThrough.matchAll(/'([A-Z_]+)'/g)) codes.add(m[1]!);
  return [...codes].sort();
}

/** The codes in the first column of the tables of a markdown section. */
function tableCodes(file: string, heading: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const section = text.slice(start + heading.length + 2).split(/\n#{1,3} /)[0]!;
  return [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z][A-Z_]+)`/g)].map((c) => c[1]!));
}

describe('every code a client can receive is documented', () => {
  const codes = codesInSource();

  test('the code base sends these codes', () => {
    expect(codes).toEqual(expect.arrayContaining(['UNAUTHENTICATED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'DATA_SOURCE_UNAVAILABLE', 'NOT_FOUND', 'INTERNAL_SERVER_ERROR']));
  });

  test.each([
    ['README.md', '## Using the API'],
    ['docs/frontend.md', '## Errors'],
  ])('%s, section "%s", has each in its error table', (file, heading) => {
    expect(codes.filter((c) => !tableCodes(file, heading).includes(c))).toEqual([]);
  });
});
