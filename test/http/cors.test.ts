import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { CORS_ALLOWED_HEADERS } from '../../src/http/cors.policy';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const CHROMIUM = '/usr/bin/chromium';
const QUERY = JSON.stringify({ query: '{ customers(first: 5) { totalCount } }' });

/** A page server standing for a browser application on its own origin (a Vite dev server). */
async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>app</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

const preflight = (url: string, origin: string, headers = 'authorization, content-type, idempotency-key') =>
  fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });

describe('CORS (cors.origins)', () => {
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let t: TestApp;
  beforeAll(async () => {
    allowed = await pageServer();
    other = await pageServer();
    t = await startTestApp({ config: { cors: { origins: [allowed.origin] } } });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([allowed, other].map((p) => new Promise((resolve) => p.server.close(resolve))));
  });

  test('a preflight from an allowed origin is answered without a token: methods, headers, max-age, Vary', async () => {
    const res = await preflight(t.url, allowed.origin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const headers = res.headers.get('access-control-allow-headers')!.split(', ');
    expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
    expect(headers).toEqual([...CORS_ALLOWED_HEADERS]);
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('the actual request from an allowed origin gets the allow-origin and exposed headers; so does its 401', async () => {
    const ok = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { origin: allowed.origin, 'content-type': 'application/json', authorization: `Bearer ${TOKENS.reader}` }, body: QUERY });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(ok.headers.get('vary')).toBe('Origin');
    const denied = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { origin: allowed.origin, 'content-type': 'application/json' }, body: QUERY });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(allowed.origin);
  });

  test('another origin: its preflight is refused with 403 FORBIDDEN, its requests carry no allow-origin', async () => {
    const res = await preflight(t.url, other.origin);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('FORBIDDEN');
    const actual = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { origin: other.origin, 'content-type': 'application/json', authorization: `Bearer ${TOKENS.reader}` }, body: QUERY });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('without cors.origins (the default) every cross-origin preflight is refused', async () => {
    const plain = await startTestApp();
    try {
      const res = await preflight(plain.url, allowed.origin);
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toBeNull();
    } finally {
      await plain.close();
    }
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with: apt-get install -y chromium`);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-proxy-server'] });
    }, 120_000);
    afterAll(() => browser?.close());

    /** fetch() of the service from a page of `origin`, as a browser application does it. */
    async function callFrom(origin: string): Promise<{ status?: number; totalCount?: number; requestId?: string | null; error?: string }> {
      const page = await browser.newPage();
      try {
        await page.goto(`${origin}/`);
        return await page.evaluate(
          async ({ url, token, body }) => {
            try {
              const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
              const json = (await res.json()) as { data: { customers: { totalCount: number } } };
              return { status: res.status, totalCount: json.data.customers.totalCount, requestId: res.headers.get('x-request-id') };
            } catch (e) {
              return { error: String(e) };
            }
          },
          { url: t.url, token: TOKENS.reader, body: QUERY },
        );
      } finally {
        await page.close();
      }
    }

    test('an application on the allowed origin calls the API (preflight, token, result, request id)', async () => {
      const { result, operations } = await t.countOperations(() => callFrom(allowed.origin));
      expect(result).toEqual({ status: 200, totalCount: 0, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(operations).toBeGreaterThan(0);
    });

    test('an application on another origin is stopped by the browser: nothing runs', async () => {
      const { result, operations } = await t.countOperations(() => callFrom(other.origin));
      expect(result.error).toMatch(/TypeError/);
      expect(operations).toBe(0);
    });
  });
});
