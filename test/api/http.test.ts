import { startTestApp, type TestApp } from '../helpers/test-app';

describe('HTTP routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('GET /healthz is 200', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('GET /readyz is 200 and lists every source', async () => {
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', sources: [{ id: 'local', available: true }] });
  });

  test('GET /readyz is 503 and names the source whose check failed', async () => {
    const local = t.app.sources.get('local');
    const ping = local.ping;
    const { DataSourceUnavailableError } = await import('../../src/domain/errors');
    local.ping = async () => {
      throw new DataSourceUnavailableError('local');
    };
    try {
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', sources: [{ id: 'local', available: false, reason: "Data source 'local' is unavailable" }] });
    } finally {
      local.ping = ping;
    }
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  test('GET /metrics counts statements per source and requests per operation', async () => {
    await t.http('query CustomerCount { customers { totalCount } }', {}, { operationName: 'CustomerCount' });
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(new RegExp(`^helpdesk_datasource_operations_total\\{source="local",kind="${t.app.store.kind}"\\} [1-9]\\d*$`, 'm'));
    expect(text).toMatch(/^helpdesk_graphql_requests_total\{operation="CustomerCount"\} 1$/m);
    expect(text).toMatch(/^helpdesk_graphql_request_duration_seconds_count\{operation="CustomerCount"\} 1$/m);
  });

  test('one request raises the statement counter by the statements it ran', async () => {
    const list = '{ customers(first: 5) { totalCount nodes { customerId } pageInfo { endCursor } } }';
    const empty = await t.countOperations(() => t.http(list));
    expect(empty.result.errors).toBeUndefined();
    expect(empty.result.data).toEqual({ customers: { totalCount: 0, nodes: [], pageInfo: { endCursor: null } } });
    expect(empty.operations).toBe(1);
    expect((await t.http('mutation { createCustomer(input: { dataSource: "local", customerId: "HTTP-1", name: "Http One", country: "DE" }) { customerId } }')).errors).toBeUndefined();
    const listed = await t.countOperations(() => t.http(list));
    expect(listed.result.data).toMatchObject({ customers: { totalCount: 1, nodes: [{ customerId: 'HTTP-1' }] } });
    expect(listed.operations).toBe(1);
    // A page past the end: an empty window, its total in the same statement.
    const after = (listed.result.data as { customers: { pageInfo: { endCursor: string } } }).customers.pageInfo.endCursor;
    const past = await t.countOperations(() => t.http('query($after: String) { customers(first: 5, after: $after) { totalCount nodes { customerId } } }', { after }));
    expect(past.result.data).toEqual({ customers: { totalCount: 1, nodes: [] } });
    expect(past.operations).toBe(1);
  });

  test('every /graphql response carries a request id', async () => {
    const res = await t.http('{ countries { code } }');
    expect(res.headers?.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('unknown routes are 404 NOT_FOUND, with a request id like every response', async () => {
    const res = await fetch(`${t.url}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('NOT_FOUND');
  });

  test('OPTIONS /graphql that is not a CORS preflight says what is allowed, without a token', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });

  test('GET /graphql?query= runs a query with a bearer token, and stays 405 for a mutation', async () => {
    const headers = { authorization: 'Bearer test-reader-token-0123456789' };
    const query = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ customers { totalCount } }')}`, { headers });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { customers: { totalCount: 1 } } });
    const mutation = await fetch(`${t.url}/graphql?query=${encodeURIComponent('mutation { updateCustomer(customerId: "x", input: { city: "y" }) { city } }')}`, { headers });
    expect(mutation.status).toBe(405);
  });

  test('a body that is not JSON is a 400 with a clear code', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-agent-token-0123456789' }, body: '{ nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });
});
