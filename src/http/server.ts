import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { App } from '../composition/app';
import { HttpError, sendError } from './error.response';
import { GraphiqlRoute } from './graphiql.route';
import { createRouter } from './router';

/** What the HTTP server takes besides the app. */
export interface HttpOptions {
  /** The customer GraphiQL's default variables name; without it they name none. */
  readonly graphiqlDefaultCustomerId?: () => Promise<string | null>;
}

/**
 * The request handler: a request id, the route, and the one place where a thrown `HttpError`
 * (or anything else, masked as 500) becomes an answer in the media type the client accepts.
 */
export function createRequestHandler(app: App, options: HttpOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const graphiqlEnabled = app.config.graphiql.enabled ?? !app.config.production;
  const graphiql = graphiqlEnabled
    ? new GraphiqlRoute({
        defaultCustomerId: options.graphiqlDefaultCustomerId ?? (async () => null),
        token: app.config.embeddedDefault ? app.config.devToken : null,
      })
    : null;
  const route = createRouter(app, graphiql);

  const logRequests = app.logger.isLevelEnabled('debug');
  return (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    if (logRequests) {
      const start = process.hrtime.bigint();
      // Headers are logged with the authorization header redacted (see the logger).
      res.once('finish', () => {
        app.logger.debug({ requestId, method: req.method, url: req.url, headers: req.headers, status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6 }, 'request');
      });
    }
    route(req, res, new URL(req.url ?? '/', 'http://localhost'), requestId).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) return sendError(req, res, e);
      app.logger.error({ requestId, err: e, url: req.url }, 'request failed');
      sendError(req, res, new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error', {}, { requestId }));
    });
  };
}

/** Listens on the configured (or given) host and port; resolves with the bound address. */
export function listen(app: App, host = app.config.listen.host, port = app.config.listen.port, options: HttpOptions = {}): Promise<{ server: Server; url: string }> {
  const server = createServer(createRequestHandler(app, options));
  server.keepAliveTimeout = 65_000;
  // A request Node's HTTP parser refuses (a NUL in a header, a broken request line) never reaches
  // the handler: answer it too with a JSON error that carries its code.
  server.on('clientError', (_err, socket) => {
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify({ errors: [{ message: 'Malformed HTTP request', extensions: { code: 'BAD_REQUEST' } }] });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
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
