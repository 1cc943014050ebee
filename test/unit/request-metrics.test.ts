import { Metrics } from '../../src/metrics/metrics';

/** The request counter's value per operation label, from the exposition text. */
async function requestsByOperation(metrics: Metrics): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await metrics.registry.metrics()).split('\n')) {
    const m = /^helpdesk_graphql_requests_total\{operation="([^"]*)"\} (\d+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('request metrics by operation name', () => {
  test('each request counts once under its name; invalid names count as anonymous', async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 3; i++) metrics.observeRequest('CustomerList', 0.002);
    metrics.observeRequest('CustomerDetailView', 0.004);
    metrics.observeRequest(null, 0.001);
    metrics.observeRequest('not a name', 0.001);
    const counts = await requestsByOperation(metrics);
    expect(Object.fromEntries(counts)).toEqual({ CustomerList: 3, CustomerDetailView: 1, anonymous: 2 });
  });

  test('at most 200 names are kept; every later name counts as other', async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 250; i++) metrics.observeRequest(`Operation${i}`, 0.001);
    metrics.observeRequest('Operation0', 0.001);
    metrics.observeRequest('Operation249', 0.001);
    const counts = await requestsByOperation(metrics);
    expect(counts.size).toBe(201);
    expect(counts.get('Operation0')).toBe(2);
    expect(counts.get('Operation199')).toBe(1);
    expect(counts.has('Operation200')).toBe(false);
    expect(counts.get('other')).toBe(51);
  });
});
