import { HeaderMap } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { App } from '../app';
import { createContext } from '../graphql/context';
import { GRAPHIQL_ASSET_PREFIX, GRAPHIQL_CSP, readGraphiqlAsset, renderGraphiqlPage } from './graphiql';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new HttpError(413, 'BAD_REQUEST', `Request body exceeds ${limit} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, 'BAD_REQUEST', `Request body exceeds ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function wantsHtml(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

let detailViewQuery: string | undefined;
function defaultQuery(): string {
  // The project root is two levels up from src/http (ts-jest) and three from dist/src/http.
  const root = join(__dirname, __filename.endsWith('.ts') ? '../..' : '../../..');
  return (detailViewQuery ??= readFileSync(join(root, 'schema/operations/CustomerDetailView.graphql'), 'utf8'));
}

/**
 * The request handler: `/graphql` (POST and GET through Apollo; GraphiQL for browsers),
 * `/graphiql/*` assets, `/healthz`, `/readyz`, `/metrics`.
 */
export function createRequestHandler(app: App): (req: IncomingMessage, res: ServerResponse) => void {
  const graphiqlEnabled = app.config.graphiql.enabled ?? process.env.NODE_ENV !== 'production';

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = randomUUID();
    const caller = app.authenticator.authenticate(req.headers.authorization);
    if (!caller) {
      return sendError(res, 401, 'UNAUTHENTICATED', 'A valid bearer token is required', {
        'www-authenticate': 'Bearer',
        'x-request-id': requestId,
      });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req, app.config.limits.maxBodyBytes);
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON');
        }
      } else body = text;
    }
    const response = await app.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => createContext(app, caller.role, requestId),
    });
    const out: Record<string, string> = { 'x-request-id': requestId };
    for (const [key, value] of response.headers) out[key] = value;
    if (response.body.kind === 'complete') {
      res.writeHead(response.status ?? 200, out);
      res.end(response.body.string);
    } else {
      res.writeHead(response.status ?? 200, out);
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  async function graphiqlPage(res: ServerResponse): Promise<void> {
    const first = await app.sources.listCustomers({ search: null, valid: ['VALID' as never], first: 1, after: null }, null).catch(() => null);
    const html = renderGraphiqlPage({
      endpoint: '/graphql',
      defaultQuery: defaultQuery(),
      defaultVariables: { customerId: first?.nodes[0]?.customerId ?? '' },
      token: app.config.embeddedDefault ? app.config.devToken : null,
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': GRAPHIQL_CSP, 'cache-control': 'no-store' });
    res.end(html);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/graphql') {
      if (graphiqlEnabled && wantsHtml(req)) return graphiqlPage(res);
      return graphql(req, res, url);
    }
    if (graphiqlEnabled && path.startsWith(GRAPHIQL_ASSET_PREFIX) && req.method === 'GET') {
      const asset = readGraphiqlAsset(path);
      if (asset) {
        res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600' });
        return void res.end(asset.body);
      }
    }
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const checks = await app.sources.check();
      const failed = checks.filter((c) => !c.status.available);
      return sendJson(res, failed.length === 0 ? 200 : 503, {
        status: failed.length === 0 ? 'ready' : 'unavailable',
        sources: checks.map((c) => ({ id: c.id, available: c.status.available, ...(c.status.reason && { reason: c.status.reason }) })),
      });
    }
    if (path === '/metrics') {
      const text = await app.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': app.metrics.registry.contentType });
      return void res.end(text);
    }
    sendError(res, 404, 'NOT_FOUND', 'No such route');
  }

  return (req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
      app.logger.error({ err: e, url: req.url }, 'request failed');
      sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    });
  };
}

/** Listens on the configured (or given) host and port; resolves with the bound address. */
export function listen(app: App, host = app.config.listen.host, port = app.config.listen.port): Promise<{ server: Server; url: string }> {
  const server = createServer(createRequestHandler(app));
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({ server, url: `http://${shownHost}:${bound}` });
    });
  });
}
