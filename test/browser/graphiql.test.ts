/**
 * GraphiQL in headless Chromium: the page served by the service itself, with every request that
 * is not to the service's own origin blocked (the network is "cut off"), must load, open with
 * the CustomerDetailView operation for a real customer, run it with a token and show the
 * customer, and open the documentation explorer, without one request leaving the origin.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp, type App } from '../../src/composition/app';
import { loadConfig } from '../../src/config/config';
import { httpOptions } from '../../src/http-options';
import { listen } from '../../src/http/server';
import { createLogger } from '../../src/log/logger';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';
import { createTicket, LIVE_CUSTOMER_DETAIL, startLiveApp, type LiveTestApp } from '../live/live-helpers';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

// Globals of the page, for the functions evaluated in the browser (the tsconfig has no DOM lib).
interface DomNode {
  textContent: string | null;
  contains(other: DomNode): boolean;
}
declare const document: { querySelector(selector: string): DomNode | null };
declare const localStorage: Record<string, string>;
/** Monaco's documented global (MonacoEnvironment.globalAPI, set by graphiql/monaco-workers.ts). */
interface MonacoGlobal {
  editor: { getEditors(): { getValue(): string; setValue(value: string): void; getContainerDomNode(): DomNode }[] };
}
/** Installed in every page of the test's browser contexts by {@link EDITOR_HELPERS}. */
declare function editorTexts(selector: string): string[];
declare function setEditorText(selector: string, value: string): void;

/**
 * GraphiQL 5 edits in Monaco: the text of the Monaco editors inside an element of the page
 * (`editorTexts(selector)`, in DOM order) and setting the first one's text (`setEditorText`).
 * `editorTexts` is empty until Monaco has loaded and created the editors.
 */
const EDITOR_HELPERS = () => {
  const g = globalThis as unknown as { monaco?: MonacoGlobal; editorTexts: typeof editorTexts; setEditorText: typeof setEditorText };
  const within = (selector: string) => {
    const host = document.querySelector(selector);
    return host && g.monaco ? g.monaco.editor.getEditors().filter((e) => host.contains(e.getContainerDomNode())) : [];
  };
  g.editorTexts = (selector) => within(selector).map((e) => e.getValue());
  g.setEditorText = (selector, value) => {
    const [first] = within(selector);
    if (!first) throw new Error(`no Monaco editor in ${selector}`);
    first.setValue(value);
  };
};

const root = join(__dirname, '../..');
const artifacts = join(root, 'test-artifacts');
const detailView = readFileSync(join(root, 'schema/operations/CustomerDetailView.graphql'), 'utf8');

interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  blocked: boolean;
  failed: string | null;
}

/** A browser context that records every request and aborts each one not to `origin`. */
async function offlineContext(browser: Browser, origin: string): Promise<{ context: BrowserContext; requests: RecordedRequest[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const requests: RecordedRequest[] = [];
  const byRequest = new Map<object, RecordedRequest>();
  context.on('request', (r) => {
    const entry = { url: r.url(), method: r.method(), blocked: false, failed: null };
    byRequest.set(r, entry);
    requests.push(entry);
  });
  context.on('requestfailed', (r) => {
    const entry = byRequest.get(r);
    if (entry) entry.failed = r.failure()?.errorText ?? 'failed';
  });
  await context.addInitScript(EDITOR_HELPERS);
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    const entry = byRequest.get(route.request());
    if (entry) entry.blocked = true;
    return route.abort('internetdisconnected');
  });
  return { context, requests };
}

/** Text of the (first) Monaco editor inside `selector`, once Monaco has created it. */
async function editorText(page: Page, selector: string): Promise<string> {
  await page.waitForFunction((sel) => editorTexts(sel).length > 0, selector);
  return page.evaluate((sel) => editorTexts(sel)[0]!, selector);
}

const QUERY = '.graphiql-query-editor';
/** The variables and headers editors. */
const TOOLS = '.graphiql-editor-tool';
const RESULT = '.graphiql-response';

/** Clicks run, waits for the operation's response and until the result pane shows exactly that response. */
async function runQuery(page: Page, operationName = 'CustomerDetailView'): Promise<Record<string, any>> {
  const response = page.waitForResponse(
    (r) => r.url().endsWith('/graphql') && r.request().method() === 'POST' && r.request().postDataJSON()?.operationName === operationName,
  );
  await page.click('.graphiql-execute-button');
  const sent = JSON.stringify(await (await response).json());
  await page.waitForFunction(
    ([sel, expected]) => {
      const text = editorTexts(sel!)[0] ?? '';
      try {
        return JSON.stringify(JSON.parse(text)) === expected;
      } catch {
        return false;
      }
    },
    [RESULT, sent],
  );
  return JSON.parse(await editorText(page, RESULT)) as Record<string, any>;
}

/** Records the status and start of the body of each schema introspection the page sends. */
function watchIntrospection(page: Page): { status: number; body: string }[] {
  const seen: { status: number; body: string }[] = [];
  page.on('response', async (r) => {
    if (r.request().method() === 'POST' && r.request().postDataJSON()?.operationName === 'IntrospectionQuery') {
      seen.push({ status: r.status(), body: (await r.text().catch(() => '')).slice(0, 300) });
    }
  });
  return seen;
}

/** Opens the documentation explorer and the Query type; fails with the server's answer when it has no schema. */
async function openDocs(page: Page, introspections: readonly { status: number; body: string }[]): Promise<void> {
  await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector('.graphiql-doc-explorer');
  await page.waitForFunction(() => /Query|Error fetching schema/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''));
  const last = introspections.at(-1);
  if (last?.status !== 200) {
    throw new Error(`The schema introspection was refused, so the docs explorer is empty: ${last?.status} ${last?.body}`);
  }
  await page.click('.graphiql-doc-explorer a:has-text("Query")');
  await page.waitForFunction(() => /customerUsers/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? ''));
}

describe('GraphiQL in headless Chromium, network cut off', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it with: apt-get install -y chromium`);
    }
    // The page's assets are built by `npm run build`; build them here when missing or stale.
    execFileSync(process.execPath, [join(root, 'scripts/build-graphiql.mjs'), '--if-stale'], { cwd: root, stdio: 'pipe' });
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe('configured tokens (not the embedded default): the page asks for a token', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ prepare: (app) => loadFixture(app) });
    });
    afterAll(() => t.close());

    test('loads, runs the default query after a token is entered, shows the customer, opens the docs; no request leaves the origin', async () => {
      const origin = new URL(t.url).origin;
      // The first VALID customer in the contract's order, read from the database.
      const expected = await t.app.sources.listCustomers({ search: null, valid: ['VALID' as never], size: 1, after: null , before: null, backward: false}, null);
      const customer = expected.nodes[0]!;
      expect(customer.customerId).toBe('ACME');

      const { context, requests } = await offlineContext(browser, origin);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // Console errors include CSP violations ("Refused to load ..."); the 401s before the token are expected.
      // Monaco warns when it cannot start its web workers (and runs them on the page instead).
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 401 \(Unauthorized\)/.test(m.text())) pageErrors.push(m.text());
        if (m.type() === 'warning' && /worker/i.test(m.text())) pageErrors.push(m.text());
      });
      const introspections = watchIntrospection(page);
      try {
        const res = await page.goto(`${t.url}/graphql`, { waitUntil: 'load' });
        expect(res?.status()).toBe(200);
        expect(res?.headers()['content-type']).toMatch(/^text\/html/);
        expect(res?.headers()['content-security-policy']).toContain("connect-src 'self'");
        expect(res?.headers()['content-security-policy']).toContain("worker-src 'self'");
        await page.waitForSelector('.graphiql-container');

        // The default operation and variables naming the real customer.
        expect(await editorText(page, QUERY)).toBe(detailView);
        const variables = await page.evaluate((sel) => editorTexts(sel), TOOLS);
        expect(variables.map((v) => v.trim()).filter(Boolean).map((v) => JSON.parse(v))).toContainEqual({ customerId: customer.customerId });

        // No token yet: the bar asks for one and the service answers UNAUTHENTICATED.
        await expect(page.textContent('#graphiql-token-form')).resolves.toContain('An access token is required');
        const denied = await runQuery(page);
        expect(denied.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

        await page.fill('#graphiql-token-input', TOKENS.agent);
        await page.click('#graphiql-token-apply');
        await page.waitForFunction(() => document.querySelector('#graphiql-token-form')?.textContent?.includes('Token set'));
        const result = await runQuery(page);
        expect(result.errors).toBeUndefined();
        expect(result.data.customer.customerId).toBe(customer.customerId);
        expect(result.data.customer.name).toBe(customer.name);
        expect(result.data.customer.ticketCounts).toEqual({ open: 5, closed: 4, escalated: 2, pendingReminder: 2, total: 9 });
        // Monaco renders spaces as no-break spaces.
        expect((await page.textContent(RESULT))?.replace(/\u00a0/g, ' ')).toContain(customer.name);

        // Documentation explorer, from the schema fetched by introspection.
        await openDocs(page, introspections);

        // The explorer plugin is in the sidebar and opens.
        await page.click('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]');
        await page.waitForSelector('.graphiql-explorer-root');

        await page.screenshot({ path: join(artifacts, 'graphiql.png') });

        // The token never reaches storage.
        const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
        expect(stored).not.toContain(TOKENS.agent);
      } finally {
        await context.close();
      }

      expect(pageErrors).toEqual([]);
      expect(requests.length).toBeGreaterThan(3);
      expect(requests.map((r) => r.url)).toEqual(expect.arrayContaining([`${t.url}/graphql`, `${t.url}/graphiql/app.js`, `${t.url}/graphiql/app.css`]));
      // Monaco's editor, JSON and GraphQL workers, started from the service's own files.
      expect(requests.map((r) => r.url)).toEqual(
        expect.arrayContaining(['editor', 'json', 'graphql'].map((w) => `${t.url}/graphiql/${w}.worker.js`)),
      );
      // Every request the page made (failed ones included) went to the service's own origin.
      expect(requests.filter((r) => new URL(r.url).origin !== origin)).toEqual([]);
      expect(requests.filter((r) => r.blocked || r.failed)).toEqual([]);
      expect(requests.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(3);
    }, 120_000);

    test('the network cut really holds: other origins are refused and recorded', async () => {
      const origin = new URL(t.url).origin;
      const cdn = 'https://cdn.jsdelivr.net/npm/graphiql/graphiql.min.css';
      const { context, requests } = await offlineContext(browser, origin);
      const page = await context.newPage();
      try {
        await expect((await context.newPage()).goto(cdn)).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
        await page.goto(`${t.url}/graphql`, { waitUntil: 'load' });
        await page.waitForSelector('.graphiql-container');
        // From the page itself, its CSP (connect-src 'self') refuses too.
        const outcome = await page.evaluate((u) => fetch(u).then(() => 'loaded', () => 'refused'), cdn);
        expect(outcome).toBe('refused');
      } finally {
        await context.close();
      }
      expect(requests).toContainEqual(expect.objectContaining({ url: cdn, blocked: true }));
    }, 60_000);
  });

  describe('live: GraphiQL subscribes over the same origin (graphql-ws)', () => {
    let live: LiveTestApp;
    beforeAll(async () => {
      live = await startLiveApp({ live: { coalesceMs: 50 } }, (app) => loadFixture(app));
    });
    afterAll(() => live.close());

    test('runs LiveCustomerDetail; tickets created through the API change the pushed counts in the result pane', async () => {
      const origin = new URL(live.url).origin;
      const { context, requests } = await offlineContext(browser, origin);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 401 \(Unauthorized\)/.test(m.text())) pageErrors.push(m.text());
      });
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      const pushedOpen = (n: number) =>
        page.waitForFunction(
          ([sel, open]) => {
            try {
              return JSON.parse(editorTexts(sel!)[0] ?? '').data.customerChanged.ticketCounts.open === open;
            } catch {
              return false;
            }
          },
          [RESULT, n] as const,
        );
      try {
        await page.goto(`${live.url}/graphql`, { waitUntil: 'load' });
        await editorText(page, QUERY);
        await page.fill('#graphiql-token-input', TOKENS.reader);
        await page.click('#graphiql-token-apply');
        await page.waitForFunction(() => document.querySelector('#graphiql-token-form')?.textContent?.includes('Token set'));
        await page.evaluate(([sel, q]) => setEditorText(sel!, q!), [QUERY, LIVE_CUSTOMER_DETAIL]);
        await page.evaluate((sel) => setEditorText(sel, '{ "customerId": "ACME" }'), TOOLS);
        // GraphiQL takes the edited operation and variables into its state after a debounce, then stores them.
        await page.waitForFunction(() => {
          const stored = Object.entries(localStorage);
          return stored.some(([k, v]) => /query$/.test(k) && v.includes('LiveCustomerDetail')) && stored.some(([k, v]) => /variables$/.test(k) && v.includes('ACME'));
        });
        await page.click('.graphiql-execute-button');
        for (let i = 0; i < 500 && live.live.hub.size < 1; i++) await page.waitForTimeout(10);
        expect(live.live.hub.size).toBe(1);

        await createTicket(live, { customerId: 'ACME', state: 'open', title: 'Pushed to GraphiQL' });
        await pushedOpen(6);
        let pane = JSON.parse(await editorText(page, RESULT));
        expect(pane.data.customerChanged).toMatchObject({ customerId: 'ACME', ticketCounts: { open: 6, closed: 4, total: 10 } });
        expect(pane.data.customerChanged.openTickets.nodes.map((n: { title: string }) => n.title)).toContain('Pushed to GraphiQL');
        await createTicket(live, { customerId: 'ACME', state: 'closed successful' });
        await createTicket(live, { customerId: 'ACME', state: 'open' });
        await pushedOpen(7);
        pane = JSON.parse(await editorText(page, RESULT));
        expect(pane.data.customerChanged.ticketCounts).toMatchObject({ open: 7, closed: 5, total: 12 });
        await page.screenshot({ path: join(artifacts, 'graphiql-live.png') });
      } finally {
        await context.close();
      }
      expect(pageErrors).toEqual([]);
      // One WebSocket, to the page's own origin and path.
      expect(sockets).toEqual([`${origin.replace('http', 'ws')}/graphql`]);
      expect(requests.filter((r) => new URL(r.url).origin !== origin)).toEqual([]);
    }, 120_000);
  });

  describe('embedded default configuration: the development token is filled in', () => {
    let dir: string;
    let app: App;
    let server: Server;
    let url: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'helpdesk-embedded-'));
      const config = loadConfig({ env: {}, cwd: dir });
      expect(config.embeddedDefault).toBe(true);
      app = await createApp(config, { logger: createLogger('silent') });
      ({ server, url } = await listen(app, '127.0.0.1', 0, httpOptions(app)));
    }, 60_000);
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('no token bar; the headers hold the token from data/dev-token and the default query runs on the demo data', async () => {
      const devToken = readFileSync(join(dir, 'data/dev-token'), 'utf8').trim();
      expect(app.config.devToken).toBe(devToken);
      const first = (await app.sources.listCustomers({ search: null, valid: ['VALID' as never], size: 1, after: null , before: null, backward: false}, null)).nodes[0]!;

      const origin = new URL(url).origin;
      const { context, requests } = await offlineContext(browser, origin);
      const page = await context.newPage();
      const introspections = watchIntrospection(page);
      try {
        await page.goto(`${url}/graphql`, { waitUntil: 'load' });
        await editorText(page, QUERY);
        expect(await page.$('#graphiql-token-form')).toBeNull();
        const editors = await page.evaluate((sel) => editorTexts(sel), TOOLS);
        expect(editors.join('\n')).toContain(`"Authorization": "Bearer ${devToken}"`);
        expect(editors.join('\n')).toContain(`"customerId": "${first.customerId}"`);

        const result = await runQuery(page);
        expect(result.errors).toBeUndefined();
        expect(result.data.customer.name).toBe(first.name);
        await openDocs(page, introspections);
        expect(result.data.customer.ticketCounts.total).toBeGreaterThan(0);
        await page.screenshot({ path: join(artifacts, 'graphiql-embedded-default.png') });
      } finally {
        await context.close();
      }
      expect(requests.filter((r) => new URL(r.url).origin !== origin || r.blocked || r.failed)).toEqual([]);
    }, 120_000);
  });

  test('the build (scripts/bundle.mjs) fails on a reference to another origin, workers included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bundle-'));
    /** Bundles one script with the shared helper as build-graphiql does; its exit status and message. */
    const bundleOf = (source: string): { status: number; stderr: string } => {
      writeFileSync(join(dir, 'entry.js'), source);
      const script = `import { bundle } from ${JSON.stringify(join(root, 'scripts/bundle.mjs'))};
        await bundle({ name: 'probe', entryPoints: { app: ${JSON.stringify(join(dir, 'entry.js'))} }, outdir: ${JSON.stringify(join(dir, 'out'))},
          expectedFiles: ['app.js'], sources: [], workerPrefix: '/graphiql/', ifStale: false });`;
      try {
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (e) {
        const err = e as { status: number; stderr: Buffer };
        return { status: err.status, stderr: err.stderr.toString() };
      }
    };
    try {
      expect(bundleOf(`new Worker('/graphiql/graphql.worker.js'); console.log('https://example.com/only-a-link')`)).toEqual({ status: 0, stderr: '' });
      const refused = [
        [`new Worker('https://cdn.example/editor.worker.js')`, 'a worker not under /graphiql/'],
        [`new Worker('blob:' + location.origin + '/x')`, 'a worker not under /graphiql/'],
        [`new Worker('/elsewhere/editor.worker.js')`, 'a worker not under /graphiql/'],
        [`importScripts('https://cdn.example/lib.js')`, 'importScripts of an absolute URL'],
        [`import('https://esm.example/lib.js')`, 'remote dynamic import'],
        [`document.head.append(Object.assign(document.createElement('link'), { href: 'https://fonts.googleapis.com/css?family=Roboto' }))`, 'web-font host'],
      ];
      for (const [source, what] of refused) {
        const out = bundleOf(source!);
        expect({ source, status: out.status, refused: out.stderr.includes(`probe: FAILED: app.js contains ${what}`) }).toEqual({ source, status: 1, refused: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('the full introspection query GraphiQL sends (graphql-js getIntrospectionQuery) is answered', async () => {
    const t = await startTestApp();
    try {
      const res = await t.http(getIntrospectionQuery(), {}, { token: TOKENS.reader, operationName: 'IntrospectionQuery' });
      expect(res.errors).toBeUndefined();
      expect(res.status).toBe(200);
      const schema = buildClientSchema(res.data);
      expect(Object.keys(schema.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['customer', 'customers', 'customerUser']));
    } finally {
      await t.close();
    }
  });

  describe('switched off', () => {
    async function getHtml(base: string, path = '/graphql'): Promise<Response> {
      return fetch(`${base}${path}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    }

    test('graphiql.enabled: false: GET /graphql from a browser is not the page, and no assets are served', async () => {
      const t = await startTestApp({ config: { graphiql: { enabled: false } } });
      try {
        const page = await getHtml(t.url);
        expect(page.headers.get('content-type')).not.toMatch(/text\/html/);
        expect(await page.text()).not.toContain('graphiql-config');
        expect(page.status).toBe(401);
        expect((await getHtml(t.url, '/graphiql/app.js')).status).toBe(404);
      } finally {
        await t.close();
      }
    });

    test('off by default when NODE_ENV=production, on by default otherwise', async () => {
      const prod = await startTestApp({ env: { NODE_ENV: 'production' } });
      const dev = await startTestApp({ env: { NODE_ENV: 'development' } });
      try {
        expect((await getHtml(prod.url)).headers.get('content-type')).not.toMatch(/text\/html/);
        const served = await getHtml(dev.url);
        expect(served.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await served.text()).toContain('<script id="graphiql-config" type="application/json">');
      } finally {
        await prod.close();
        await dev.close();
      }
    });
  });
});
