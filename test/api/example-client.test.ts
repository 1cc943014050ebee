import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allCustomers, allCustomersBackward, describeError, GraphQLRequestError, request } from '../../examples/client';
import { CreateCustomerDocument, CustomerListDocument, UpdateCustomerDocument } from '../../schema/generated/graphql';
import { seedDemo } from '../../src/seed/demo';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const run = promisify(execFile);
const root = join(__dirname, '../..');

describe('examples/client.ts against a started service (demo data)', () => {
  let t: TestApp;
  let allIds: string[];
  beforeAll(async () => {
    t = await startTestApp({ prepare: async (app) => void (await seedDemo(app.store.seedWriter)) });
    const all = await t.http('{ customers(first: 100) { totalCount nodes { customerId } } }');
    allIds = all.data.customers.nodes.map((n: { customerId: string }) => n.customerId);
    expect(allIds.length).toBe(all.data.customers.totalCount);
    expect(allIds.length).toBeGreaterThan(10);
  });
  afterAll(() => t.close());

  test('pagination with endCursor walks the whole list exactly once, in order', async () => {
    const pages: string[][] = [];
    for await (const nodes of allCustomers({ url: t.url, token: TOKENS.reader }, null, 4)) pages.push(nodes.map((n) => n.customerId));
    expect(pages.length).toBe(Math.ceil(allIds.length / 4));
    expect(pages.flat()).toEqual(allIds);
  });

  test('paging backward with startCursor returns the forward pages reversed, from the end', async () => {
    const back: string[][] = [];
    for await (const nodes of allCustomersBackward({ url: t.url, token: TOKENS.reader }, null, 4)) back.push(nodes.map((n) => n.customerId));
    expect(back.length).toBe(Math.ceil(allIds.length / 4));
    expect(back.slice().reverse().flat()).toEqual(allIds);
    // The last page is full; the short page is the first one, as a user paging back from the end sees it.
    expect(back[0]).toEqual(allIds.slice(-4));
  });

  test('errors are told apart by extensions.code (and nothing is written)', async () => {
    const agent = { url: t.url, token: TOKENS.agent };
    const bad = await request(agent, CreateCustomerDocument, { input: { customerId: 'X1', name: 'X', country: 'XX', dataSource: 'local' } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(GraphQLRequestError);
    expect((bad as GraphQLRequestError).code).toBe('BAD_USER_INPUT');
    expect((bad as GraphQLRequestError).field).toBe('country');
    expect(describeError(bad)).toMatch(/^BAD_USER_INPUT: fix the field "country"/);

    const missing = await request(agent, UpdateCustomerDocument, { customerId: 'NO-SUCH-CUSTOMER', input: { city: 'X' } }).catch((e: unknown) => e);
    expect(describeError(missing)).toMatch(/^NOT_FOUND: /);
    const unauthenticated = await request({ ...agent, token: 'wrong' }, CustomerListDocument, {}).catch((e: unknown) => e);
    expect(describeError(unauthenticated)).toMatch(/^UNAUTHENTICATED: /);
    expect((unauthenticated as GraphQLRequestError).status).toBe(401);

    const after = await t.http('{ customers(first: 100) { totalCount } }');
    expect(after.data.customers.totalCount).toBe(allIds.length);
  });

  test('compiled with tsc and run with node, the example prints every page, a customer and the error codes', async () => {
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'examples/tsconfig.json'], { cwd: root });
    const { stdout } = await run(process.execPath, [join(root, 'dist/examples/client.js')], {
      cwd: root,
      env: { ...process.env, HELPDESK_URL: t.url, HELPDESK_TOKEN: TOKENS.agent },
    });
    const lines = stdout.trim().split('\n');
    const pageLines = lines.filter((l) => /^page \d+: /.test(l));
    expect(pageLines.length).toBe(Math.ceil(allIds.length / 5));
    expect(lines).toContain(`${allIds.length} customers in ${pageLines.length} pages`);
    const backLines = lines.filter((l) => /^back \d+: /.test(l)).map((l) => l.replace(/^back \d+: /, '').split(', '));
    expect(backLines.length).toBe(pageLines.length);
    expect(backLines.reverse().flat()).toEqual(allIds);
    const first = await t.http('query($id: ID!) { customer(customerId: $id) { name } }', { id: allIds[0] });
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^detail: ${first.data.customer.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, `)));
    expect(lines).toContainEqual(expect.stringMatching(/^BAD_USER_INPUT: fix the field "country"/));
    expect(lines).toContainEqual(expect.stringMatching(/^UNAUTHENTICATED: /));
  });
});
