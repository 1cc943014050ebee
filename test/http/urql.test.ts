import { cacheExchange, Client, fetchExchange } from '@urql/core';
import { CustomerBusinessCardDocument, CustomerListDocument, UpdateCustomerDocument } from '../../schema/generated/graphql';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

/**
 * urql 6 with its defaults: the document cache and fetch exchanges, queries over GET (within the
 * URL limit), mutations over POST, no content type on a GET. Only the token is added, and a
 * fetch wrapper records what went over the wire.
 */
describe('urql 6 (@urql/core) with its defaults', () => {
  let t: TestApp;
  const sent: { method: string; url: string; contentType: string | null; status: number; responseType: string | null }[] = [];
  const client = (token: string | null) =>
    new Client({
      url: `${t.url}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        sent.push({ method: init?.method ?? 'GET', url: String(input), contentType: new Headers(init?.headers).get('content-type'), status: res.status, responseType: res.headers.get('content-type') });
        return res;
      },
    });
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());
  beforeEach(() => void sent.splice(0));

  test('a contract query runs over GET (no CSRF refusal), answered as application/graphql-response+json', async () => {
    const { data, error } = await client(TOKENS.reader).query(CustomerListDocument, { first: 3 }).toPromise();
    expect(error).toBeUndefined();
    expect(data!.customers.edges).toHaveLength(3);
    expect(data!.customers.totalCount).toBeGreaterThan(3);
    expect(sent).toEqual([{ method: 'GET', url: expect.stringContaining('/graphql?query='), contentType: null, status: 200, responseType: expect.stringMatching(/^application\/graphql-response\+json/) }]);
    const card = await client(TOKENS.reader).query(CustomerBusinessCardDocument, { customerId: 'ACME' }).toPromise();
    expect(card.data?.customer?.name).toBe('Acme Corporation');
    expect(sent[1]!.method).toBe('GET');
  });

  test('a mutation goes over POST and runs for an agent; a reader gets FORBIDDEN', async () => {
    const variables = { customerId: 'ACME', input: { city: 'Potsdam' } };
    const done = await client(TOKENS.agent).mutation(UpdateCustomerDocument, variables).toPromise();
    expect(done.error).toBeUndefined();
    expect(done.data!.updateCustomer.city).toBe('Potsdam');
    const refused = await client(TOKENS.reader).mutation(UpdateCustomerDocument, variables).toPromise();
    expect(refused.error?.graphQLErrors[0]?.extensions.code).toBe('FORBIDDEN');
    expect(sent.map((s) => s.method)).toEqual(['POST', 'POST']);
  });

  test('without a token: a 401 whose UNAUTHENTICATED code urql reads as a GraphQL error', async () => {
    const { data, error } = await client(null).query(CustomerListDocument, { first: 1 }).toPromise();
    expect(data).toBeUndefined();
    expect(error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(sent[0]).toMatchObject({ method: 'GET', status: 401, responseType: expect.stringMatching(/^application\/graphql-response\+json/) });
  });
});
