import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { App } from '../app';
import type { Caller } from '../auth/auth';
import type { Role } from '../config/config';
import { formatError } from '../graphql/errors';
import { limitRules, operationCost } from '../graphql/limits';
import { buildAppSchema } from '../graphql/schema';
import { LiveContext } from '../live/live-context';
import { LiveHub } from '../live/live-hub';
import { subscribeShared } from '../live/shared-execution';

/** Roles that may subscribe (both do today; another role is closed with 4403). */
const SUBSCRIBER_ROLES: ReadonlySet<Role> = new Set<Role>(['reader', 'agent']);

/** The live endpoint attached to an HTTP server. */
export interface LiveServer {
  readonly hub: LiveHub;
  /** Open WebSocket connections. */
  connections(): number;
  /**
   * Shutdown: completes every subscription, closes every socket with 1001 and refuses new
   * upgrades; resolves when the sockets are closed (or were cut after `graceMs`).
   */
  close(graceMs?: number): Promise<void>;
}

type Extra = { readonly socket: WebSocket; readonly request: IncomingMessage; caller?: Caller; closeReason?: string };

function refused(message: string, code = 'GRAPHQL_VALIDATION_FAILED'): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function formatted(errors: readonly GraphQLError[]) {
  return errors.map((e) => formatError(e.toJSON(), e));
}

/** The reason of a close the server did not initiate itself, by its code. */
function reasonOf(code: number): string {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'unauthorized';
    case CloseCode.Forbidden:
      return 'forbidden';
    case CloseCode.ConnectionInitialisationTimeout:
      return 'init_timeout';
    case CloseCode.BadRequest:
    case CloseCode.SubprotocolNotAcceptable:
    case CloseCode.TooManyInitialisationRequests:
    case CloseCode.SubscriberAlreadyExists:
      return 'protocol_error';
    case 1006:
      return 'abnormal';
    default:
      return 'client';
  }
}

/**
 * graphql-ws (the graphql-transport-ws protocol) on the service's own HTTP server at /graphql.
 * The bearer token comes in the connection_init payload (`{ "authorization": "Bearer …" }`);
 * the query document limits apply to every subscription; only subscriptions run here (queries
 * and mutations go over HTTP). A socket whose unsent data passes `live.maxBufferedBytes` is
 * cut: a client that does not read never holds memory without bound.
 */
export function attachLive(server: Server, app: App): LiveServer {
  const { config, metrics, logger } = app;
  const live = config.live;
  const limits = config.limits;
  const schema = buildAppSchema();
  const hub = new LiveHub({ app, feed: app.changeFeed, metrics, logger, coalesceMs: live.coalesceMs });
  const rules = [...specifiedRules, ...limitRules(limits)];
  const sockets = new Map<WebSocket, Extra>();
  const corked = new Set<WebSocket>();
  let closing = false;

  // Parsed and validated documents by their text: many subscribers send the same few documents,
  // and sharing one AST also lets identical subscriptions share their execution (shared-execution.ts).
  const documents = new Map<string, DocumentNode | GraphQLError[]>();
  const checkDocument = (query: string): DocumentNode | GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let checked: DocumentNode | GraphQLError[];
    try {
      const document = parse(query, { maxTokens: limits.maxTokens });
      const errors = validate(schema, document, rules);
      checked = errors.length > 0 ? errors.map((e) => refused(e.message)) : document;
    } catch (e) {
      checked = [e instanceof GraphQLError ? refused(e.message, 'GRAPHQL_PARSE_FAILED') : refused('Syntax error', 'GRAPHQL_PARSE_FAILED')];
    }
    if (documents.size >= 200) documents.delete(documents.keys().next().value!);
    documents.set(query, checked);
    return checked;
  };

  const options: ServerOptions<Record<string, unknown> | undefined, Extra> = {
    schema,
    subscribe: subscribeShared,
    connectionInitWaitTimeout: live.connectionInitWaitMs,
    onConnect(ctx) {
      const header = ctx.connectionParams?.authorization;
      const caller = app.authenticator.authenticate(typeof header === 'string' ? header : undefined);
      if (!caller) {
        ctx.extra.closeReason = 'unauthorized';
        ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
        return false;
      }
      if (!SUBSCRIBER_ROLES.has(caller.role)) {
        ctx.extra.closeReason = 'forbidden';
        return false; // graphql-ws closes with 4403
      }
      ctx.extra.caller = caller;
      return true;
    },
    onSubscribe(ctx, _id, payload) {
      const active = Object.keys(ctx.subscriptions).length;
      if (active > live.maxSubscriptionsPerConnection) {
        return [refused(`At most ${live.maxSubscriptionsPerConnection} subscriptions per connection`, 'BAD_REQUEST')];
      }
      const checked = checkDocument(payload.query);
      if (checked instanceof Array) return checked;
      const document = checked;
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [refused('Unable to identify the operation')];
      if (operation.operation !== 'subscription') return [refused('Only subscriptions are served over WebSocket; send queries and mutations over HTTP', 'BAD_REQUEST')];
      const variables = payload.variables ?? {};
      if (operationCost(schema, document, operation, variables, limits.maxPageSize, limits.maxCost) > limits.maxCost) {
        return [refused(`The operation costs more than ${limits.maxCost} (page sizes multiply nested fields)`)];
      }
      const contextValue = new LiveContext(app, ctx.extra.caller!.role, randomUUID(), hub);
      return { schema, document, variableValues: variables, operationName: payload.operationName, contextValue };
    },
    onNext(_ctx, _id, _payload, args, result: ExecutionResult) {
      const committedAt = args.contextValue instanceof LiveContext ? args.contextValue.frame.committedAt : null;
      if (committedAt !== null) metrics.livePushLatency.observe(Math.max(Date.now() - committedAt, 0) / 1000);
      return { ...(result.data !== undefined && { data: result.data }), ...(result.errors && { errors: formatted(result.errors) }) };
    },
    onError(_ctx, _id, _payload, errors) {
      return formatted(errors);
    },
  };
  const graphqlWs = makeServer(options);
  const wss = new WebSocketServer({ noServer: true, handleProtocols, maxPayload: limits.maxBodyBytes, perMessageDeflate: false });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const extra: Extra = { socket, request };
    sockets.set(socket, extra);
    metrics.liveConnections.inc();
    let awaitingPong = false;
    const ping = setInterval(() => {
      if (awaitingPong) {
        extra.closeReason = 'ping_timeout';
        return socket.terminate();
      }
      awaitingPong = true;
      socket.ping();
    }, live.keepAliveMs);
    socket.on('pong', () => (awaitingPong = false));
    socket.on('error', (e) => logger.debug({ err: e }, 'live: socket error'));
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        // Resolves at once: a reader that stalls shows as buffered data, cut at the bound below.
        send: async (data) => {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount + data.length > live.maxBufferedBytes) {
            extra.closeReason = 'slow_consumer';
            logger.warn({ buffered: socket.bufferedAmount }, 'live: closing a connection that does not read');
            socket.terminate();
            return;
          }
          // The pushes of one tick leave in one write per socket: cork until the next turn of the loop.
          const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
          if (raw && !corked.has(socket)) {
            corked.add(socket);
            raw.cork();
            setImmediate(() => {
              corked.delete(socket);
              raw.uncork();
            });
          }
          socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', (data) => {
            cb(String(data)).catch((e: unknown) => {
              logger.error({ err: e }, 'live: message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      sockets.delete(socket);
      metrics.liveConnections.dec();
      metrics.liveDisconnections.labels(extra.closeReason ?? reasonOf(code)).inc();
      void closed(code, String(reason));
    });
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (path !== '/graphql') return refuse('404 Not Found');
    if (closing) return refuse('503 Service Unavailable');
    if (sockets.size >= live.maxConnections) {
      metrics.liveDisconnections.labels('connection_cap').inc();
      return refuse('503 Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  return {
    hub,
    connections: () => sockets.size,
    async close(graceMs = 5000) {
      if (closing) return;
      closing = true;
      // Ending the watches ends each subscription's iterator: graphql-ws then sends `complete`.
      hub.close();
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      const all = [...sockets].map(
        ([socket, extra]) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            const cut = setTimeout(() => socket.terminate(), graceMs);
            cut.unref();
            extra.closeReason ??= 'shutdown';
            socket.close(1001, 'Server shutting down');
          }),
      );
      await Promise.all(all);
      server.off('upgrade', onUpgrade);
      wss.close();
    },
  };
}
