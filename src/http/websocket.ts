import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { App } from '../composition/app';
import { AccessDeniedError, type Caller } from '../auth/caller';
import type { Role } from '../config/config';
import { buildAppSchema } from '../graphql/schema';
import { LiveContext } from '../live/live-context';
import { LiveHub } from '../live/live-hub';
import { MAX_TIMER_MS } from '../live/ticket-clock';
import { subscribeShared } from '../live/shared-execution';
import { formatted, subscriptionGate } from './live.operations';
import { serveSocket, type SocketExtra } from './live.socket';

/** Roles that may subscribe (both do today; another role is closed with 4403). */
const SUBSCRIBER_ROLES: ReadonlySet<Role> = new Set<Role>(['reader', 'agent']);

/** Close code of a connection refused for a while (the identity provider or the agent store cannot be reached). */
const TRY_AGAIN_LATER = 1013;

/** Closes the socket with 4401 when the caller's credential expires (a signed-in user's token); a far time is looked at again. */
function closeOnExpiry(extra: SocketExtra, caller: Caller): void {
  if (caller.expiresAt === null) return;
  const left = caller.expiresAt - Date.now();
  if (left > MAX_TIMER_MS) {
    extra.expiry = setTimeout(() => closeOnExpiry(extra, caller), MAX_TIMER_MS);
    return;
  }
  extra.expiry = setTimeout(() => {
    extra.closeReason = 'expired';
    // Closing ends every subscription of the connection (graphql-ws returns their iterators).
    extra.socket.close(CloseCode.Unauthorized, 'Token expired');
  }, Math.max(left, 0));
}

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

/**
 * graphql-ws (the graphql-transport-ws protocol) on the service's own HTTP server at /graphql.
 * The bearer token comes in the connection_init payload (`{ "authorization": "Bearer …" }`) and
 * is authenticated as over HTTP, once per connection (its visibility too): a refused token closes
 * with 4401, a signed-in user without a role with 4403, and a signed-in user's connection closes
 * with 4401 when the token expires;
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
  const sockets = new Map<WebSocket, SocketExtra>();
  const admit = subscriptionGate(app, schema, hub);
  let closing = false;

  const options: ServerOptions<Record<string, unknown> | undefined, SocketExtra> = {
    schema,
    subscribe: subscribeShared,
    connectionInitWaitTimeout: live.connectionInitWaitMs,
    async onConnect(ctx) {
      const header = ctx.connectionParams?.authorization;
      let caller: Caller;
      try {
        caller = await app.authenticator.authenticate(typeof header === 'string' ? header : undefined);
      } catch (e) {
        if (e instanceof AccessDeniedError && e.status === 403) {
          ctx.extra.closeReason = 'forbidden';
          return false; // graphql-ws closes with 4403
        }
        if (e instanceof AccessDeniedError) {
          ctx.extra.closeReason = 'unauthorized';
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        logger.warn({ err: e }, 'live: could not authenticate a connection');
        ctx.extra.closeReason = 'unavailable';
        ctx.extra.socket.close(TRY_AGAIN_LATER, 'Try again later');
        return false;
      }
      if (!SUBSCRIBER_ROLES.has(caller.role)) {
        ctx.extra.closeReason = 'forbidden';
        return false; // graphql-ws closes with 4403
      }
      if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
      ctx.extra.caller = caller;
      closeOnExpiry(ctx.extra, caller);
      return true;
    },
    onSubscribe(ctx, _id, payload) {
      return admit(payload, ctx.extra.caller!, Object.keys(ctx.subscriptions).length);
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

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => serveSocket(socket, request, { live, metrics, logger, graphqlWs, sockets }));

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
