import type { Server } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { httpOptions } from '../../src/http-options';
import { listen } from '../../src/http/server';
import { attachLive, type LiveServer } from '../../src/http/websocket';
import { startTestApp, TOKENS, type GqlResult, type TestApp, type TestAppOptions } from '../helpers/test-app';

/** A test service with the live endpoint attached to its HTTP server. */
export interface LiveTestApp {
  readonly t: TestApp;
  readonly server: Server;
  readonly url: string;
  readonly wsUrl: string;
  readonly live: LiveServer;
  /** POST /graphql over HTTP (default token: agent). */
  http<D = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<D>>;
  close(): Promise<void>;
}

/** Starts a test service (temp SQLite database) listening on loopback with graphql-ws attached. */
export async function startLiveApp(config: Record<string, unknown> = {}, prepare?: TestAppOptions['prepare'], database?: string): Promise<LiveTestApp> {
  const t = await startTestApp({ http: false, config, prepare, database });
  const { server, url } = await listen(t.app, '127.0.0.1', 0, httpOptions(t.app));
  const live = attachLive(server, t.app);
  return {
    t,
    server,
    url,
    wsUrl: url.replace(/^http/, 'ws') + '/graphql',
    live,
    async http(query, variables, token = TOKENS.agent) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await res.json()) as GqlResult), status: res.status };
    },
    async close() {
      await live.close(1000);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}

/** Polls a condition (every 10 ms) until it holds; fails with `what` after `limit` polls. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, limit = 1000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One subscription of a graphql-ws client, recording what it receives. */
export interface Recorded {
  readonly pushes: any[];
  readonly errors: any[];
  completed: boolean;
  dispose(): void;
}

/** A graphql-ws client over the network (the `ws` package) with a bearer token. */
export function wsClient(wsUrl: string, token: string | null = TOKENS.agent): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** Subscribes and records every push. */
export function record(client: Client, query: string, variables: Record<string, unknown>): Recorded {
  const rec: Recorded = {
    pushes: [],
    errors: [],
    completed: false,
    dispose: () => undefined,
  };
  rec.dispose = client.subscribe(
    { query, variables },
    {
      next: (v) => void rec.pushes.push(v),
      error: (e) => void rec.errors.push(e),
      complete: () => void (rec.completed = true),
    },
  );
  return rec;
}

/** Opens a raw socket, sends connection_init with this payload, resolves with the close code. */
export function closeCodeOf(wsUrl: string, payload: Record<string, unknown> | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(payload && { payload }) })));
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

/** The detail view operation of the contract addition "live". */
export const LIVE_CUSTOMER_DETAIL = `subscription LiveCustomerDetail($customerId: ID!) {
  customerChanged(customerId: $customerId) {
    customerId
    name
    ticketCounts { open closed escalated pendingReminder total }
    escalatedTickets(first: 10) { totalCount nodes { number title } }
    openTickets(first: 10) { totalCount nodes { number title state } }
    customerUsers(first: 25) { totalCount nodes { login ticketCounts { open closed } } }
  }
}`;

/** The list operation of the contract addition "live". */
export const LIVE_CUSTOMER_LIST = `subscription LiveCustomerList($customerIds: [ID!]!) {
  customersChanged(customerIds: $customerIds) { customerId name ticketCounts { open closed } }
}`;

/** Creates a customer in the local source over HTTP. */
export async function createCustomer(app: LiveTestApp, customerId: string, name = `${customerId} Ltd`): Promise<void> {
  const r = await app.http(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customerId } }`, {
    i: { dataSource: 'local', customerId, name, country: 'DE' },
  });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
}

/** Creates a ticket over HTTP; returns its number. */
export async function createTicket(app: LiveTestApp, input: Record<string, unknown>): Promise<string> {
  const r = await app.http(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { number } }`, { i: { title: 'Printer on fire', ...input } });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createTicket.number;
}
