import { startTestApp, type TestApp } from '../helpers/test-app';

// The cost limit is kept per operation and per value of its page-size variables: a cheap run of a
// document must not let a dear run of the same document through, whatever the order.
describe('cost limit with costs kept per operation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const nested = `query Q($n: Int = 100, $m: Int) { customers(first: $n) { nodes { customerUsers(first: $m) { nodes { tickets(first: $n) { nodes { number } } } } } } }`;
  const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code ?? 'ok';

  test('cheap, dear, absent (the default), null and cheap again, each judged on its own values', async () => {
    expect(code(await t.http(nested, { n: 2, m: 2 }))).toBe('ok');
    expect(code(await t.http(nested, { n: 2, m: 2 }))).toBe('ok');
    expect(code(await t.http(nested, { n: 100, m: 100 }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await t.http(nested, { n: 2, m: 100 }))).toBe('ok');
    // $n absent takes its default (100): dear. $m null counts as the largest page.
    expect(code(await t.http(nested, { m: 2 }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await t.http(nested, { n: 5, m: null }))).toBe('ok');
    expect(code(await t.http(nested, { n: 30, m: null }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await t.http(nested, { n: 30, m: 1 }))).toBe('ok');
    expect(code(await t.http(nested, { n: 2, m: 2 }))).toBe('ok');
    // An absent variable takes its default; null is no page size (the largest page).
    const defaulted = `query R($k: Int = 2) { customers(first: $k) { nodes { customerUsers(first: $k) { nodes { tickets(first: $k) { nodes { number } } } } } } }`;
    expect(code(await t.http(defaulted, {}))).toBe('ok');
    expect(code(await t.http(defaulted, { k: null }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await t.http(defaulted, {}))).toBe('ok');
    // Other variables (here none of the page sizes' names) do not matter: another document.
    const search = `query S($s: String, $n: Int) { customers(search: $s, first: $n) { nodes { customerUsers(first: $n) { nodes { tickets(first: $n) { nodes { number } } } } } } }`;
    expect(code(await t.http(search, { s: 'a', n: 3 }))).toBe('ok');
    expect(code(await t.http(search, { s: 'a', n: 100 }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code(await t.http(search, { s: 'b', n: 3 }))).toBe('ok');
  });
});
