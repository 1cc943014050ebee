import { serverAudits, type AuditResult } from 'graphql-http';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

/**
 * graphql-http's GraphQL-over-HTTP audit against the started service, every request with a
 * bearer token (as every client of this service sends one).
 */
describe('GraphQL over HTTP audit (graphql-http serverAudits)', () => {
  let t: TestApp;
  let results: AuditResult[];
  beforeAll(async () => {
    t = await startTestApp();
    const fetchFn: typeof fetch = (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${TOKENS.reader}`);
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: `${t.url}/graphql`, fetchFn });
    results = [];
    for (const audit of audits) results.push(await audit.fn());
  });
  afterAll(() => t.close());

  const failures = (pred: (r: AuditResult) => boolean) =>
    results.filter((r) => r.status !== 'ok' && pred(r)).map((r) => `${r.id} ${r.name}: ${r.status !== 'ok' ? r.reason : ''}`);

  test('ran the whole audit', () => {
    expect(results.length).toBeGreaterThanOrEqual(40);
    if (process.env.AUDIT_REPORT) console.log(results.map((r) => `${r.status} ${r.id} ${r.name}`).join('\n'));
  });

  test('no MUST fails', () => {
    expect(failures((r) => r.name.startsWith('MUST'))).toEqual([]);
  });

  test('no SHOULD warns when the client accepts application/graphql-response+json', () => {
    expect(failures((r) => r.name.startsWith('SHOULD') && !r.name.includes('accepting application/json'))).toEqual([]);
  });

  test('every other audit passes, the MAYs of GET queries included: only the legacy application/json SHOULDs (status 200 for a bad document) warn', () => {
    const warned = results.filter((r) => r.status !== 'ok').map((r) => r.id).sort();
    expect(warned).toEqual(['572B', 'FDE2', '7B9B'].sort());
  });
});
