import type { IncomingMessage } from 'node:http';
import { CloseCode, type Server as GraphqlWsServer } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Caller } from '../auth/caller';
import type { Config } from '../config/config';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';

/** What graphql-ws keeps of one connection. */
export type SocketExtra = {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  caller?: Caller;
  closeReason?: string;
  /** Closes the socket (4401) when the caller's credential expires; cleared when it closes. */
  expiry?: NodeJS.Timeout;
};

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

/** What serving one socket needs. */
export interface SocketDeps {
  readonly live: Config['live'];
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly graphqlWs: GraphqlWsServer<SocketExtra>;
  /** Open sockets, kept by the endpoint for shutdown and the connection cap. */
  readonly sockets: Map<WebSocket, SocketExtra>;
}

const corked = new Set<WebSocket>();

/**
 * Serves one WebSocket: keep-alive pings (a peer that misses a pong is cut), sends bounded by
 * `live.maxBufferedBytes` (a client that does not read is cut, never buffered without bound),
 * the pushes of one tick corked into one write, and the close counted by its reason.
 */
export function serveSocket(socket: WebSocket, request: IncomingMessage, deps: SocketDeps): void {
  const { live, metrics, logger, graphqlWs, sockets } = deps;
  const extra: SocketExtra = { socket, request };
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
    if (extra.expiry) clearTimeout(extra.expiry);
    sockets.delete(socket);
    metrics.liveConnections.dec();
    metrics.liveDisconnections.labels(extra.closeReason ?? reasonOf(code)).inc();
    void closed(code, String(reason));
  });
}
