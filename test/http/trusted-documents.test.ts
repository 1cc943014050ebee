import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print, type DocumentNode } from 'graphql';
import { CreateCustomerDocument, CustomerListDocument } from '../../schema/generated/graphql';
import { createRequestHandler } from '../../src/http/server';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const MANIFEST = join(__dirname, '../../schema/generated/persisted-documents.json');
const UNKNOWN = '0'.repeat(64);
/** What a client sends for a document it holds: the SHA-256 of print(document). */
const hashOf = (doc: DocumentNode) => createHash('sha256').update(print(doc), 'utf8').digest('hex');
const byHash = (doc: DocumentNode) => ({ persistedQuery: { version: 1, sha256Hash: hashOf(doc) } });
const MADE_UP = '{ customers(first: 5) { totalCount nodes { customerId } } }';

interface Answer {
  status: number;
  contentType: string | null;
  body: { data?: any; errors?: { message: string; extensions: { code: string } }[] };
}

async function post(t: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${TOKENS.agent}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as Answer['body'] };
}

async function get(t: TestApp, params: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${t.url}/graphql?${new URLSearchParams(params)}`, { headers: { accept: 'application/graphql-response+json', authorization: `Bearer ${TOKENS.reader}` } });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as Answer['body'] };
}

const codeOf = (a: Answer) => a.body.errors?.[0]?.extensions.code;

describe.each(['only', 'allow'] as const)('trustedDocuments in %s mode', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { trustedDocuments: { manifest: MANIFEST, mode } }, prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  test('a document of the manifest runs by hash, over POST and over GET', async () => {
    const posted = await t.countOperations(() => post(t, { extensions: byHash(CustomerListDocument), variables: { first: 2 } }));
    expect(posted.result.status).toBe(200);
    expect(posted.result.body.errors).toBeUndefined();
    expect(posted.result.body.data.customers.edges).toHaveLength(2);
    expect(posted.operations).toBeGreaterThan(0);
    const got = await get(t, { extensions: JSON.stringify(byHash(CustomerListDocument)), variables: JSON.stringify({ first: 1 }) });
    expect(got.status).toBe(200);
    expect(got.body.data.customers.edges).toHaveLength(1);
  });

  test('a mutation by hash runs under an Idempotency-Key and replays', async () => {
    const body = { extensions: byHash(CreateCustomerDocument), variables: { input: { customerId: `TD-${mode}`, name: `Trusted ${mode}`, country: 'DE', dataSource: 'local' } } };
    const first = await post(t, body, { 'idempotency-key': `td-${mode}` });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.createCustomer.customerId).toBe(`TD-${mode}`);
    const again = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.agent}`, 'idempotency-key': `td-${mode}` }, body: JSON.stringify(body) });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  test('a hash that is not in the manifest is PERSISTED_QUERY_NOT_FOUND before any data source is touched', async () => {
    const { result, operations } = await t.countOperations(() => post(t, { extensions: { persistedQuery: { version: 1, sha256Hash: UNKNOWN } } }));
    expect(result.status).toBe(400);
    expect(result.contentType).toMatch(/^application\/graphql-response\+json/);
    expect(codeOf(result)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(result.body.data).toBeUndefined();
    expect(operations).toBe(0);
  });

  test('a hash sent with another document, or a persistedQuery without version 1, is BAD_REQUEST', async () => {
    expect(codeOf(await post(t, { query: MADE_UP, extensions: byHash(CustomerListDocument) }))).toBe('BAD_REQUEST');
    expect(codeOf(await post(t, { extensions: { persistedQuery: { version: 2, sha256Hash: hashOf(CustomerListDocument) } } }))).toBe('BAD_REQUEST');
  });

  test('no token is still 401 before anything else', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ extensions: byHash(CustomerListDocument) }) });
    expect(res.status).toBe(401);
  });

  if (mode === 'only') {
    test('any other document is refused with PERSISTED_QUERY_NOT_FOUND: 0 data source operations, nothing written', async () => {
      const made = await t.countOperations(() => post(t, { query: MADE_UP }));
      expect(made.result.status).toBe(400);
      expect(codeOf(made.result)).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(made.operations).toBe(0);
      const overGet = await t.countOperations(() => get(t, { query: MADE_UP }));
      expect(codeOf(overGet.result)).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(overGet.operations).toBe(0);
      const write = await t.countOperations(() => post(t, { query: 'mutation { createCustomer(input: { customerId: "ROGUE", name: "Rogue", country: "DE", dataSource: "local" }) { customerId } }' }));
      expect(codeOf(write.result)).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(write.operations).toBe(0);
      expect((await post(t, { extensions: byHash(CustomerListDocument), variables: { search: 'ROGUE' } })).body.data.customers.totalCount).toBe(0);
    });

    test('the full text of a manifest document is trusted too (it has a hash in the manifest)', async () => {
      const res = await post(t, { query: print(CustomerListDocument), variables: { first: 1 } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.customers.edges).toHaveLength(1);
    });
  } else {
    test('any other document runs as well', async () => {
      const made = await t.countOperations(() => post(t, { query: MADE_UP }));
      expect(made.result.status).toBe(200);
      expect(made.result.body.data.customers.totalCount).toBeGreaterThan(0);
      expect(made.operations).toBeGreaterThan(0);
    });
  }
});

describe('trustedDocuments configuration', () => {
  test('a manifest whose key is not the SHA-256 of its document, or that cannot be read, stops the start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-manifest-'));
    const bad = join(dir, 'bad-manifest.json');
    writeFileSync(bad, JSON.stringify({ [UNKNOWN]: '{ __typename }' }));
    for (const [manifest, message] of [
      [bad, /^trustedDocuments\.manifest: .*bad-manifest\.json: the entry 0{64} is not the SHA-256 of its document$/],
      [join(dir, 'missing.json'), /^trustedDocuments\.manifest: cannot read .*missing\.json/],
    ] as const) {
      const t = await startTestApp({ http: false, config: { trustedDocuments: { manifest, mode: 'only' } } });
      try {
        expect(() => createRequestHandler(t.app)).toThrow(message);
      } finally {
        await t.close();
      }
    }
    rmSync(dir, { recursive: true });
  });

  test('without trustedDocuments a hash is PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    const t = await startTestApp();
    try {
      const res = await post(t, { extensions: byHash(CustomerListDocument) });
      expect(codeOf(res)).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    } finally {
      await t.close();
    }
  });
});
