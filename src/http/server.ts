import { HeaderMap } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { App } from '../app';
import { firstPage } from '../domain/page';
import { Validity } from '../domain/records';
import { createContext } from '../graphql/context';
import { requestFingerprint, type IdempotencyScope } from '../services/idempotency';
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

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

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
    req.on('end', () => {
      try {
        resolve(UTF8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new HttpError(400, 'BAD_REQUEST', 'The request body is not valid UTF-8'));
      }
    });
    req.on('error', reject);
  });
}

/** The body of a GraphQL POST: parsed JSON for a JSON content type, else the text (Apollo refuses it). */
async function readGraphqlBody(req: IncomingMessage, headers: HeaderMap, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  if (!(headers.get('content-type') ?? '').includes('application/json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid JSON');
  }
}

type Admission =
  | { kind: 'none' }
  | { kind: 'new'; scope: IdempotencyScope }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'conflict'; message: string };

/** What an `Idempotency-Key` header asks for: nothing, a first run, a replay of the first response, or a conflict. */
function admitIdempotent(app: App, req: IncomingMessage, body: unknown, caller: string): Admission {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return { kind: 'none' };
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpError(400, 'BAD_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  if (req.method !== 'POST' || !body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'BAD_REQUEST', 'Idempotency-Key needs a POST with a JSON object body');
  }
  let fingerprint: string;
  try {
    fingerprint = requestFingerprint(body as Record<string, unknown>);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request is nested too deeply');
  }
  const decision = app.idempotency.begin(caller, key, fingerprint);
  switch (decision.kind) {
    case 'replay':
      return { kind: 'replay', status: decision.status, body: decision.body };
    case 'conflict':
      return { kind: 'conflict', message: 'This Idempotency-Key was used with another request' };
    case 'in-progress':
      return { kind: 'conflict', message: 'A request with this Idempotency-Key is in progress' };
    default:
      return { kind: 'new', scope: decision.scope };
  }
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

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
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
    const body = req.method === 'POST' ? await readGraphqlBody(req, headers, app.config.limits.maxBodyBytes) : undefined;
    const admission = admitIdempotent(app, req, body, caller.name);
    if (admission.kind === 'replay') {
      res.writeHead(admission.status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'idempotent-replayed': 'true' });
      return void res.end(admission.body);
    }
    if (admission.kind === 'conflict') return sendError(res, 409, 'CONFLICT', admission.message, { 'x-request-id': requestId });
    const scope = admission.kind === 'new' ? admission.scope : null;
    const execute = () =>
      app.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => createContext(app, caller.role, requestId),
      });
    let response: Awaited<ReturnType<typeof execute>>;
    if (scope) {
      const s = scope;
      response = await app.idempotency.run(s, execute).catch((e: unknown) => {
        app.idempotency.abandon(s);
        throw e;
      });
    } else response = await execute();
    const out: Record<string, string> = { 'x-request-id': requestId };
    for (const [key, value] of response.headers) out[key] = value;
    if (response.body.kind === 'complete') {
      const status = response.status ?? 200;
      if (scope) {
        try {
          app.idempotency.finish(scope, status, response.body.string);
        } catch (e) {
          // The write stands; a retry takes the key over and replays the recorded write.
          app.idempotency.abandon(scope);
          app.logger.error({ requestId, err: e }, 'could not store the idempotent response');
        }
      }
      res.writeHead(status, out);
      res.end(response.body.string);
    } else {
      if (scope) app.idempotency.abandon(scope);
      res.writeHead(response.status ?? 200, out);
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  async function graphiqlPage(res: ServerResponse): Promise<void> {
    const first = await app.sources.listCustomers({ search: null, valid: [Validity.VALID], ...firstPage(1) }, null).catch(() => null);
    const html = renderGraphiqlPage({
      endpoint: '/graphql',
      defaultQuery: defaultQuery(),
      defaultVariables: { customerId: first?.nodes[0]?.customerId ?? '' },
      token: app.config.embeddedDefault ? app.config.devToken : null,
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': GRAPHIQL_CSP, 'cache-control': 'no-store' });
    res.end(html);
  }

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/graphql') {
      if (graphiqlEnabled && wantsHtml(req)) return graphiqlPage(res);
      return graphql(req, res, url, requestId);
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
    const requestId = randomUUID();
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      // Headers are logged with the authorization header redacted (see the logger).
      if (app.logger.isLevelEnabled('debug')) {
        app.logger.debug({ requestId, method: req.method, url: req.url, headers: req.headers, status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6 }, 'request');
      }
    });
    route(req, res, requestId).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, { 'x-request-id': requestId });
      app.logger.error({ requestId, err: e, url: req.url }, 'request failed');
      sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] }, { 'x-request-id': requestId });
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
