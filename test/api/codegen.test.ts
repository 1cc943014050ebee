import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { getOperationAST, print } from 'graphql';
import { request } from '../../examples/client';
import {
  CustomerDetailViewDocument,
  CustomerUserDetailDocument,
  UpdateCustomerDocument,
  type CustomerDetailViewQuery,
  type CustomerDetailViewQueryVariables,
  type CustomerUserDetailQuery,
} from '../../schema/generated/graphql';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type GqlResult, type TestApp } from '../helpers/test-app';

const root = join(__dirname, '../..');
const GENERATED = 'schema/generated/graphql.ts';
const MANIFEST = 'schema/generated/persisted-documents.json';

describe('codegen (codegen.yml → schema/generated/graphql.ts, persisted-documents.json)', () => {
  test('the committed files are what `npm run codegen` generates now (run it after changing the schema or an operation)', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: join(root, 'codegen.yml') });
    const outputs: { filename: string; content: string }[] = await generate({ ...config, cwd: root, silent: true }, false);
    expect(outputs.map((o) => o.filename).sort()).toEqual([GENERATED, MANIFEST]);
    for (const output of outputs) expect({ file: output.filename, content: readFileSync(join(root, output.filename), 'utf8') }).toEqual({ file: output.filename, content: output.content });
  });

  test('the manifest holds exactly the typed documents, each under the SHA-256 of print(document)', async () => {
    const generated = (await import('../../schema/generated/graphql')) as Record<string, unknown>;
    const manifest = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8')) as Record<string, string>;
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBeGreaterThanOrEqual(17);
    const expected = Object.fromEntries(
      documents.map(([, doc]) => {
        const text = print(doc as never);
        return [createHash('sha256').update(text, 'utf8').digest('hex'), text];
      }),
    );
    expect(manifest).toEqual(expected);
  });

  test('every operation in schema/operations has a typed document node', async () => {
    const generated = await import('../../schema/generated/graphql');
    const names = readdirSync(join(root, 'schema/operations'))
      .flatMap((f) => [...readFileSync(join(root, 'schema/operations', f), 'utf8').matchAll(/^(?:query|mutation)\s+(\w+)/gm)].map((m) => m[1]!));
    expect(names.length).toBeGreaterThanOrEqual(17);
    for (const name of names) {
      const doc = (generated as Record<string, unknown>)[`${name}Document`];
      expect(doc).toBeDefined();
      expect(getOperationAST(doc as never)?.name?.value).toBe(name);
    }
  });
});

describe('API tests with the generated types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  test('CustomerDetailViewDocument over HTTP: typed variables and result, hand-counted numbers', async () => {
    const variables: CustomerDetailViewQueryVariables = { customerId: 'acme' };
    const res: GqlResult<CustomerDetailViewQuery> = await t.http(print(CustomerDetailViewDocument), variables);
    expect(res.errors).toBeUndefined();
    const customer = res.data!.customer!;
    expect(customer.customerId).toBe('ACME');
    expect(customer.name).toBe('Acme Corporation');
    expect(customer.country).toEqual({ code: 'DE', name: 'Germany' });
    expect(customer.ticketCounts).toEqual({ open: 5, closed: 4, escalated: 2, pendingReminder: 2, total: 9 });
    expect(customer.escalatedTickets.totalCount).toBe(2);
    expect(customer.tickets.totalCount).toBe(9);
    expect(customer.tickets.edges.every(({ node }) => typeof node.number === 'string' && node.stateType.length > 0)).toBe(true);
    expect(customer.customerUsers.edges.map(({ node }) => node.login)).toEqual(expect.arrayContaining(['jdoe', 'asmith', 'bsmith']));
    // Every object a cache keys comes with its global id.
    expect(typeof customer.id).toBe('string');
    expect(customer.tickets.edges.every(({ node, cursor }) => node.id.length > 0 && cursor.length > 0)).toBe(true);
  });

  test('the typed request() of the example client: query result and error code', async () => {
    const options = { url: t.url, token: TOKENS.reader };
    const { customerUser }: CustomerUserDetailQuery = await request(options, CustomerUserDetailDocument, { login: 'jdoe' });
    expect(customerUser?.fullName).toBe('Dr. John Doe');
    expect(customerUser?.customerIds).toEqual(expect.arrayContaining(['ACME', 'globex', 'MUELLER']));

    // A reader may not write: the error carries FORBIDDEN.
    await expect(request(options, UpdateCustomerDocument, { customerId: 'ACME', input: { city: 'Hamburg' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const after: CustomerDetailViewQuery = await request(options, CustomerDetailViewDocument, { customerId: 'ACME' });
    expect(after.customer?.city).toBe('Berlin');
  });
});
