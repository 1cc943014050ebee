/**
 * A TCP proxy on 127.0.0.1 that adds a fixed latency to every round trip, as a directory across a
 * network has: the bench's `detailLdapRemote` screen (bench/run.ts) puts it in front of its slapd.
 *
 * Where the delay goes: the whole delay (default 1 ms) is added in one direction, to every chunk
 * the server sends back to the client; what the client sends is forwarded at once. A request and
 * its answer therefore take `delayMs` longer, however many requests are in flight on the socket
 * (each chunk waits `delayMs` from its own arrival: latency, not bandwidth). One timer per round
 * trip rather than 0.5 ms each way, because Node's timers count whole milliseconds: two 0.5 ms
 * timers would add 2 ms.
 *
 * Order: each connection queues the server's chunks with their due time (arrival + delay, from
 * the monotonic clock) and one timer writes every chunk that is due, in arrival order; due times
 * only grow, so bytes keep their order. A timer may fire early (Node starts it from the event
 * loop's cached millisecond): chunks not yet due wait for the next one, so no chunk is held less
 * than `delayMs`. The timer's granularity makes the added latency somewhat more than `delayMs`
 * (about 1.1 ms for 1 ms here): {@link measureAddedLatency} measures it, ping-pong through a proxy
 * against ping-pong direct, and the bench reports that figure.
 *
 * Half-close: the end of either side is passed on (the server's end after its queued chunks);
 * an error on either side destroys both. `close()` stops listening and destroys open connections.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Options of {@link startLatencyProxy}. */
export interface LatencyProxyOptions {
  /** Where connections go. */
  readonly target: { readonly host: string; readonly port: number };
  /** Added to every round trip, ms (default 1; 0 forwards at once). */
  readonly delayMs?: number;
}

/** What a proxy has passed on, and how long it held the server's chunks. */
export interface LatencyProxyStats {
  /** Connections accepted since the start. */
  readonly connections: number;
  /** Chunks and bytes from the server (the delayed direction). */
  readonly chunks: number;
  readonly bytes: number;
  /** How long those chunks were held, ms (from a histogram of 0.05 ms bins): median and 99th percentile. */
  readonly heldMedianMs: number;
  readonly heldP99Ms: number;
}

/** A running proxy. */
export interface LatencyProxy {
  readonly host: string;
  readonly port: number;
  readonly delayMs: number;
  stats(): LatencyProxyStats;
  /** Resets the held-time histogram and the chunk and byte counts (e.g. after a warm-up). */
  resetStats(): void;
  /** Stops listening and destroys the open connections. */
  close(): Promise<void>;
}

const BIN_MS = 0.05;
const BINS = 2000; // up to 100 ms; longer holds land in the last bin

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Starts a proxy on 127.0.0.1 (a free port) in front of `target`. */
export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const delayMs = options.delayMs ?? 1;
  if (!(delayMs >= 0)) throw new Error(`delayMs must be ≥ 0, got ${delayMs}`);
  const open = new Set<Socket>();
  let connections = 0;
  let chunks = 0;
  let bytes = 0;
  let held = new Uint32Array(BINS);

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    connections++;
    const upstream = connect({ host: options.target.host, port: options.target.port, allowHalfOpen: true, noDelay: true });
    open.add(client).add(upstream);
    const queue: { data: Buffer; due: number; at: number }[] = [];
    let timer: NodeJS.Timeout | null = null;
    let upstreamEnded = false;
    let closed = false;

    const teardown = () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue.length = 0;
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    const deliver = (data: Buffer, at: number) => {
      const bin = Math.min(BINS - 1, Math.floor((nowMs() - at) / BIN_MS));
      held[bin]!++;
      if (!client.write(data)) upstream.pause();
    };
    const flush = () => {
      timer = null;
      if (closed) return;
      const now = nowMs();
      while (queue.length > 0 && queue[0]!.due <= now) {
        const { data, at } = queue.shift()!;
        deliver(data, at);
      }
      if (queue.length > 0) arm();
      else if (upstreamEnded) client.end();
    };
    const arm = () => {
      if (timer || queue.length === 0) return;
      timer = setTimeout(flush, Math.max(1, queue[0]!.due - nowMs()));
    };

    // client → server: at once, with backpressure.
    client.on('data', (data: Buffer) => {
      if (!upstream.write(data)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    client.on('end', () => upstream.end());

    // server → client: each chunk held delayMs from its arrival, in order.
    upstream.on('data', (data: Buffer) => {
      chunks++;
      bytes += data.length;
      const at = nowMs();
      if (delayMs === 0 && queue.length === 0) return deliver(data, at);
      queue.push({ data, due: at + delayMs, at });
      arm();
    });
    client.on('drain', () => upstream.resume());
    upstream.on('end', () => {
      upstreamEnded = true;
      if (queue.length === 0) client.end();
    });

    client.on('error', teardown);
    upstream.on('error', teardown);
    // The server gone without an end: what it sent is still delivered, then the client's side ends.
    upstream.on('close', () => {
      open.delete(upstream);
      if (upstreamEnded) return;
      upstreamEnded = true;
      if (queue.length === 0) client.end();
    });
    // The client gone (both directions done, or reset): nothing left to deliver.
    client.on('close', teardown);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;

  const percentileMs = (p: number) => {
    const total = held.reduce((a, b) => a + b, 0);
    if (total === 0) return NaN;
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += held[i]!;
      if (seen >= p * total) return (i + 0.5) * BIN_MS;
    }
    return BINS * BIN_MS;
  };
  return {
    host: '127.0.0.1',
    port,
    delayMs,
    stats: () => ({ connections, chunks, bytes, heldMedianMs: round3(percentileMs(0.5)), heldP99Ms: round3(percentileMs(0.99)) }),
    resetStats() {
      chunks = 0;
      bytes = 0;
      held = new Uint32Array(BINS);
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of open) s.destroy();
        open.clear();
        server.close(() => ok());
      }),
  };
}

/** What {@link measureAddedLatency} found: round trips of one byte, direct and through a proxy, ms. */
export interface AddedLatency {
  readonly delayMs: number;
  readonly roundTrips: number;
  readonly directMedianMs: number;
  readonly proxiedMedianMs: number;
  /** proxied − direct median: what the proxy adds to a round trip. */
  readonly addedMedianMs: number;
  /** The 90th percentile through the proxy less the direct median. */
  readonly addedP90Ms: number;
}

/** A TCP echo server on 127.0.0.1 (a free port); half-closes when the client does. */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** `n` sequential one-byte round trips to 127.0.0.1:port, each one's duration in ms. */
export async function pingPong(port: number, n: number): Promise<number[]> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('error', fail);
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const started = nowMs();
      await new Promise<void>((ok, fail) => {
        socket.once('data', () => ok());
        socket.once('error', fail);
        socket.write(Buffer.of(i & 0xff));
      });
      socket.removeAllListeners('error');
      times.push(nowMs() - started);
    }
  } finally {
    socket.destroy();
  }
  return times;
}

/**
 * Measures what a proxy of `delayMs` adds to a round trip: `roundTrips` one-byte ping-pongs with
 * an echo server direct, then as many through a proxy in front of it (after 20 of each to warm
 * up), median against median.
 */
export async function measureAddedLatency(delayMs = 1, roundTrips = 200): Promise<AddedLatency> {
  const echo = await startEchoServer();
  const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs });
  try {
    await pingPong(echo.port, 20);
    await pingPong(proxy.port, 20);
    const direct = (await pingPong(echo.port, roundTrips)).sort((a, b) => a - b);
    const proxied = (await pingPong(proxy.port, roundTrips)).sort((a, b) => a - b);
    const at = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
    const directMedian = at(direct, 0.5);
    return {
      delayMs,
      roundTrips,
      directMedianMs: round3(directMedian),
      proxiedMedianMs: round3(at(proxied, 0.5)),
      addedMedianMs: round3(at(proxied, 0.5) - directMedian),
      addedP90Ms: round3(at(proxied, 0.9) - directMedian),
    };
  } finally {
    await proxy.close();
    await echo.close();
  }
}

/**
 * The self-check of a bench run: measures the added latency and throws when its median is far
 * off the configured delay (below 0.8 × or above 3 × `delayMs`, i.e. 0.8–3 ms for 1 ms).
 */
export async function checkedAddedLatency(delayMs = 1, roundTrips = 200): Promise<AddedLatency> {
  const m = await measureAddedLatency(delayMs, roundTrips);
  if (m.addedMedianMs < 0.8 * delayMs || m.addedMedianMs > 3 * delayMs) {
    throw new Error(`the latency proxy adds ${m.addedMedianMs} ms per round trip (median of ${roundTrips}), configured ${delayMs} ms: too far off to measure with`);
  }
  return m;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
