import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { measureAddedLatency, pingPong, startEchoServer, startLatencyProxy, type LatencyProxy } from '../../bench/latency-proxy';

/** Connects to 127.0.0.1:port, writes each buffer (in order, as separate writes), half-closes, and resolves with everything received until the other side's end. */
async function exchange(port: number, writes: readonly Buffer[]): Promise<Buffer> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const received: Buffer[] = [];
  const done = new Promise<Buffer>((ok, fail) => {
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('end', () => ok(Buffer.concat(received)));
    socket.on('error', fail);
  });
  for (const w of writes) socket.write(w);
  socket.end();
  try {
    return await done;
  } finally {
    socket.destroy();
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('the bench latency proxy', () => {
  let echo: { port: number; close(): Promise<void> };
  const proxies: LatencyProxy[] = [];
  const proxy = async (delayMs: number, port = echo.port) => {
    const p = await startLatencyProxy({ target: { host: '127.0.0.1', port }, delayMs });
    proxies.push(p);
    return p;
  };
  beforeAll(async () => {
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await echo.close();
  });

  it('passes a large payload on intact and in order, then the echo server’s end', async () => {
    const p = await proxy(1);
    const payload = randomBytes(8 * 1024 * 1024);
    const got = await exchange(p.port, [payload]);
    expect(got.length).toBe(payload.length);
    expect(got.equals(payload)).toBe(true);
  });

  it('keeps the order of many small writes, and of several connections side by side', async () => {
    const p = await proxy(1);
    const writes = Array.from({ length: 5000 }, (_, i) => Buffer.from(`${i},`));
    const expected = Buffer.concat(writes);
    const got = await Promise.all([1, 2, 3].map(() => exchange(p.port, writes)));
    for (const g of got) expect(g.toString()).toBe(expected.toString());
    expect(p.stats().connections).toBe(3);
  });

  it('forwards at once with no delay', async () => {
    const p = await proxy(0);
    const payload = randomBytes(256 * 1024);
    expect((await exchange(p.port, [payload])).equals(payload)).toBe(true);
  });

  it('adds at least the configured delay to every round trip', async () => {
    const delayMs = 1;
    const p = await proxy(delayMs);
    await pingPong(echo.port, 20);
    await pingPong(p.port, 20);
    const direct = await pingPong(echo.port, 200);
    const proxied = await pingPong(p.port, 200);
    // Each answer is held delayMs from its arrival at the proxy, so no round trip through it is shorter.
    expect(proxied.filter((ms) => ms >= delayMs).length).toBe(proxied.length);
    expect(direct.filter((ms) => ms >= delayMs).length).toBeLessThan(proxied.length / 2);
    expect(median(proxied) - median(direct)).toBeGreaterThanOrEqual(0.9 * delayMs);
    expect(p.stats().heldMedianMs).toBeGreaterThanOrEqual(delayMs);
  });

  it('measures what it adds (the bench’s self-check)', async () => {
    const m = await measureAddedLatency(2, 100);
    expect(m.addedMedianMs).toBeGreaterThanOrEqual(0.9 * 2);
    expect(m.proxiedMedianMs).toBeGreaterThan(m.directMedianMs);
  });

  it('passes a server’s half-close on after what it sent, and the client’s end to the server', async () => {
    // A server that greets, reads until the client's end, then answers with the byte count and ends.
    const sockets = new Set<Socket>();
    const server = createServer({ allowHalfOpen: true }, (s) => {
      sockets.add(s);
      let n = 0;
      s.write('hello;');
      s.on('data', (d: Buffer) => (n += d.length));
      s.on('end', () => s.end(`got ${n}`));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    try {
      const p = await proxy(1, (server.address() as AddressInfo).port);
      expect((await exchange(p.port, [Buffer.alloc(1000), Buffer.alloc(24)])).toString()).toBe('hello;got 1024');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it('closes the client when the server cannot be reached, and close() ends open connections', async () => {
    const unused = createServer();
    await new Promise<void>((ok) => unused.listen(0, '127.0.0.1', () => ok()));
    const port = (unused.address() as AddressInfo).port;
    await new Promise<void>((ok) => unused.close(() => ok()));
    const refused = await proxy(1, port);
    const s = connect({ host: '127.0.0.1', port: refused.port });
    s.on('error', () => undefined);
    await new Promise<void>((ok) => s.on('close', () => ok()));

    const p = await startLatencyProxy({ target: { host: '127.0.0.1', port: echo.port } });
    const open = connect({ host: '127.0.0.1', port: p.port });
    open.on('error', () => undefined);
    await new Promise<void>((ok) => open.once('connect', () => ok()));
    await new Promise((r) => setTimeout(r, 20));
    const closed = new Promise<void>((ok) => open.on('close', () => ok()));
    await p.close();
    await closed;
  });
});
