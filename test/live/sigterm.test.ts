import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { LIVE_CUSTOMER_DETAIL, LIVE_CUSTOMER_LIST, waitUntil } from './live-helpers';

const root = join(__dirname, '../..');
const main = join(root, 'dist/src/main.js');

/** Starts the built service (embedded default, demo seed) and reads its address and token. */
function start(cwd: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(process.execPath, [main], { cwd, env: { ...process.env, PORT: '0', HELPDESK_CONFIG: '', LOG_LEVEL: 'warn' } });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(out)?.[1];
      const token = /Token:\s+(\S+)/.exec(out)?.[1];
      if (url && token) resolve({ child, url, token });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

describe('SIGTERM with live subscriptions open', () => {
  test('completes every subscription, closes the socket with 1001, exits 0', async () => {
    delete process.env.HELPDESK_CONFIG;
    const service = await start(mkdtempSync(join(tmpdir(), 'helpdesk-live-sigterm-')));
    const exited = new Promise<number | null>((r) => service.child.once('exit', (code) => r(code)));
    try {
      const customers = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${service.token}` },
        body: JSON.stringify({ query: '{ customers(first: 2) { nodes { customerId } } }' }),
      });
      const ids = ((await customers.json()) as any).data.customers.nodes.map((n: { customerId: string }) => n.customerId);
      expect(ids).toHaveLength(2);

      const socket = new WebSocket(service.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
      const messages: any[] = [];
      const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)));
      socket.on('message', (data) => messages.push(JSON.parse(String(data))));
      await new Promise((r) => socket.once('open', r));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${service.token}` } }));
      await waitUntil(() => messages.some((m) => m.type === 'connection_ack'), 'connection_ack');
      socket.send(JSON.stringify({ id: 'detail', type: 'subscribe', payload: { query: LIVE_CUSTOMER_DETAIL, variables: { customerId: ids[0] } } }));
      socket.send(JSON.stringify({ id: 'list', type: 'subscribe', payload: { query: LIVE_CUSTOMER_LIST, variables: { customerIds: ids } } }));
      await waitUntil(async () => {
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        return /^helpdesk_live_subscriptions 2$/m.test(metrics);
      }, 'two subscriptions in /metrics');

      service.child.kill('SIGTERM');
      expect(await closed).toBe(1001);
      const completes = messages.filter((m) => m.type === 'complete').map((m) => m.id).sort();
      expect(completes).toEqual(['detail', 'list']);
      expect(messages.filter((m) => m.type === 'error')).toEqual([]);
      expect(await exited).toBe(0);
    } finally {
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
    }
  }, 60_000);
});
