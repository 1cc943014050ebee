import { request } from 'node:http';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

/** One raw HTTP exchange: status, headers as Node parsed them, and the body bytes. */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('response framing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('a GraphQL answer declares its length and is not chunked (multi-byte characters counted in bytes)', async () => {
    const query = JSON.stringify({ query: '{ customers(first: 5) { totalCount nodes { customerId name } } __typename }' });
    const res = await post(t.url, query, { authorization: `Bearer ${TOKENS.reader}` });
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(JSON.parse(res.body.toString('utf8')).data.__typename).toBe('Query');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const accented = JSON.stringify({ query: '{ customer(customerId: "Ærø-ß-無") { name } }' });
    const notFound = await post(t.url, accented, { authorization: `Bearer ${TOKENS.reader}` });
    expect(Number(notFound.headers['content-length'])).toBe(notFound.body.length);
    expect(JSON.parse(notFound.body.toString('utf8'))).toEqual({ data: { customer: null } });
  });

  test('errors answered by Apollo (400) declare their length too', async () => {
    const res = await post(t.url, JSON.stringify({ query: '{ nope' }), { authorization: `Bearer ${TOKENS.reader}` });
    expect(res.status).toBe(400);
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(JSON.parse(res.body.toString('utf8')).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
