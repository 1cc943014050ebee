import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';

const root = join(__dirname, '../..');
const main = join(root, 'dist/src/main.js');

/** Starts the built service like `npm start` does, in an empty folder, and reads what it prints. */
function start(cwd: string): Promise<{ child: ChildProcess; url: string; token: string; output: () => string }> {
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(process.execPath, [main], { cwd, env: { ...process.env, PORT: '0', HELPDESK_CONFIG: '', LOG_LEVEL: 'warn' } });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(out)?.[1];
      const token = /Token:\s+(\S+)/.exec(out)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ child, url, token, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

describe('npm start with the embedded default', () => {
  let service: Awaited<ReturnType<typeof start>>;
  const cwd = mkdtempSync(join(tmpdir(), 'helpdesk-start-'));
  const call = async (query: string, variables: Record<string, unknown>, operationName?: string) => {
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.token}` },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return (await res.json()) as { data?: any; errors?: unknown[] };
  };

  beforeAll(async () => {
    delete process.env.HELPDESK_CONFIG;
    service = await start(cwd);
  });
  afterAll(async () => {
    if (service?.child.exitCode === null) {
      const exited = new Promise((r) => service.child.once('exit', r));
      service.child.kill('SIGTERM');
      await exited;
    }
  });

  test('creates the database, seeds the demo data and writes the token with mode 0600', () => {
    expect(existsSync(join(cwd, 'data/helpdesk.db'))).toBe(true);
    expect(readFileSync(join(cwd, 'data/dev-token'), 'utf8').trim()).toBe(service.token);
    expect(statSync(join(cwd, 'data/dev-token')).mode & 0o777).toBe(0o600);
  });

  test('every contract operation runs on the demo data with the printed token, without errors', async () => {
    const list = await call('{ customers(first: 50) { totalCount nodes { customerId } } }', {});
    expect(list.data.customers.totalCount).toBe(22);
    const customerId = list.data.customers.nodes[0].customerId;
    const detail = await call('query($id: ID!) { customer(customerId: $id) { customerUsers(first: 1) { nodes { login } } tickets(first: 1) { nodes { number } } } }', { id: customerId });
    const login = detail.data.customer.customerUsers.nodes[0].login;
    const number = detail.data.customer.tickets.nodes[0].number;
    const variables: Record<string, Record<string, unknown>> = {
      CustomerDetailView: { customerId },
      CustomerBusinessCard: { customerId },
      CustomerList: { search: null, first: 50 },
      CustomerUserDetail: { login },
      CreateCustomerForm: {},
      CreateCustomer: { input: { dataSource: 'local', customerId: 'START-TEST', name: 'Start Test', country: 'DE' } },
      UpdateCustomer: { customerId: 'START-TEST', input: { city: 'Berlin' } },
      CreateCustomerUser: { input: { dataSource: 'local', login: 'start.test', email: 'start@example.com', firstName: 'Start', lastName: 'Test', customerId: 'START-TEST' } },
      UpdateCustomerUser: { login: 'start.test', input: { additionalCustomerIds: [customerId] } },
      CreateTicket: { input: { title: 'From the start test', customerUserLogin: login } },
      UpdateTicket: { number, input: { title: 'Renamed by the start test' } },
    };
    const dir = join(root, 'schema/operations');
    let ran = 0;
    for (const file of ['CustomerList', 'CustomerDetailView', 'CustomerBusinessCard', 'CustomerUserDetail', 'CreateCustomerForm', 'Mutations']) {
      const text = readFileSync(join(dir, `${file}.graphql`), 'utf8');
      for (const op of parse(text).definitions as OperationDefinitionNode[]) {
        const name = op.name!.value;
        const res = await call(text, variables[name]!, name);
        expect({ name, errors: res.errors }).toEqual({ name, errors: undefined });
        expect(Object.values(res.data).every((v) => v !== null)).toBe(true);
        ran++;
      }
    }
    expect(ran).toBe(11);
  });

  test('GraphiQL is served to a browser, and SIGTERM stops the service with exit code 0', async () => {
    const page = await fetch(`${service.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('CustomerDetailView');
    const exited = new Promise<number | null>((r) => service.child.once('exit', (code) => r(code)));
    service.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
