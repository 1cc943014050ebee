/**
 * The Customer Information Center's sign-in through a real OpenID provider (panva's
 * `oidc-provider`, started by test/browser/oidc-provider.mjs on 127.0.0.1) in headless Chromium:
 * authorization code with PKCE through the provider's own login and consent forms, the JWT access
 * token accepted by the service (`auth.oidc`), who is signed in from `viewer`, the code and state
 * gone from the URL, the token in memory only, RP-initiated sign-out at the provider, an expired
 * access token back to the sign-in screen, and the pasted-token mode beside it. Requests to any
 * origin other than the app's and the provider's are aborted.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { sha256Hex } from '../../src/config/config';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';
import { AXE_SOURCE, CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

const root = join(__dirname, '../..');
const artifacts = join(root, 'test-artifacts');

const CLIENT_ID = 'customer-center';
const RESOURCE = 'urn:helpdesk:api';
const AUDIENCE = 'helpdesk-api';
/** The API's scope at the provider: the app asks for it beside the OpenID scopes (`auth.oidc.app.scope`). */
const API_SCOPE = 'helpdesk';
/** Accounts of the provider: Alice an agent, Bob a reader whose access tokens last 6 seconds. */
const ACCOUNTS = {
  alice: { name: 'Alice Agent', roles: ['offline_access', 'helpdesk-agent'] },
  bob: { name: 'Bob Brief', roles: ['helpdesk-reader'], accessTokenTTL: 6 },
};

/** The provider's child process. */
interface OidcProvider {
  readonly issuer: string;
  /** Registers the app's client for `appOrigin` and waits until the provider answers. */
  ready(appOrigin: string): Promise<void>;
  stop(): Promise<void>;
}

async function startProvider(): Promise<OidcProvider> {
  const options = { clientId: CLIENT_ID, resource: RESOURCE, audience: AUDIENCE, scope: API_SCOPE, accounts: ACCOUNTS };
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs'), JSON.stringify(options)], { cwd: root, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const nextLine = (what: string) =>
    Promise.race([
      new Promise<string>((resolve) => lines.once('line', resolve)),
      exited.then((code) => {
        throw new Error(`the OpenID provider exited (${code}) before ${what}: ${stderr}`);
      }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the OpenID provider did not say ${what} within 20 s: ${stderr}`)), 20_000).unref()),
    ]);
  const listening = await nextLine('LISTENING');
  const issuer = /^LISTENING (\S+)$/.exec(listening)?.[1];
  if (!issuer) throw new Error(`unexpected line from the OpenID provider: ${listening}`);
  return {
    issuer,
    async ready(appOrigin) {
      child.stdin.write(`${JSON.stringify({ appOrigin })}\n`);
      expect(await nextLine('READY')).toBe('READY');
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `selector`'s text matches (polled from the test: the page's CSP forbids eval). */
async function waitText(page: Page, selector: string, re: RegExp, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => null)) ?? '';
    if (re.test(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`${selector}: expected ${re}, last text ${JSON.stringify(last.slice(0, 300))}`);
}

/** Serious and critical axe-core violations of the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; targets: string[] }[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.slice(0, 3).join(', ')}`);
}

/** The customer ids of the list's rows, in order. */
function rowIds(page: Page): Promise<string[]> {
  return page.locator('tbody tr[data-customer-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer-id') ?? ''));
}

/** The payload of a compact JWS (not verified: the service does that). */
function jwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, any>;
}

describe('Customer Information Center: sign-in through a real OpenID provider in headless Chromium', () => {
  let provider: OidcProvider;
  let service: TestApp;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Bearer tokens the page sent to /graphql, in order. */
  const bearers: string[] = [];
  /** Requests aborted because they went to a third origin. */
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  /** Signs in at the provider's own forms as `login`; consents when asked; back at the app. */
  async function signInAtProvider(login: string): Promise<void> {
    await page.waitForURL((u) => u.origin === new URL(provider.issuer).origin, { timeout: 15_000 });
    await page.waitForSelector('input[name=login]');
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any password');
    await page.click('button[type=submit]');
    // The consent form of devInteractions comes the first time an account grants the client its scopes.
    const deadline = Date.now() + 15_000;
    while (new URL(page.url()).origin !== origin) {
      if (Date.now() > deadline) throw new Error(`still at the provider: ${page.url()}`);
      const consent = await page
        .locator('input[name=prompt][value=consent]')
        .count()
        .catch(() => 0);
      if (consent > 0) await page.click('button[type=submit]').catch(() => undefined);
      await page.waitForTimeout(100);
    }
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it with: apt-get install -y chromium`);
    for (const pkg of ['oidc-provider', 'oidc-client-ts']) {
      if (!existsSync(join(root, 'node_modules', pkg, 'package.json'))) {
        throw new Error(`the npm package ${pkg} is missing (a devDependency of package.json): install it with: npm install`);
      }
    }
    // The app's bundle is built by `npm run build`; build it here when missing or stale.
    execFileSync(process.execPath, [join(root, 'scripts/build-app.mjs'), '--if-stale'], { cwd: root, stdio: 'pipe' });
    mkdirSync(artifacts, { recursive: true });

    provider = await startProvider();
    service = await startTestApp({
      config: {
        auth: {
          tokens: [
            { name: 'agents', role: 'agent', sha256: sha256Hex(TOKENS.agent) },
            { name: 'frontend', role: 'reader', sha256: sha256Hex(TOKENS.reader) },
          ],
          oidc: {
            issuer: provider.issuer,
            audience: AUDIENCE,
            rolesClaim: 'realm_access.roles',
            roles: { agent: ['helpdesk-agent'], reader: ['helpdesk-reader'] },
            nameClaim: 'name',
            clockToleranceSeconds: 0,
            app: { clientId: CLIENT_ID, scope: `openid profile ${API_SCOPE}` },
          },
        },
      },
    });
    origin = new URL(service.url).origin;
    await provider.ready(origin);

    const gql = async (query: string, variables?: Record<string, unknown>) => {
      const r = await service.http(query, variables);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    };
    await gql(`mutation { createCustomer(input: { dataSource: "local", customerId: "NORTHWIND", name: "Northwind Traders", city: "Hamburg", country: "DE" }) { customerId } }`);
    for (const n of ['01', '02', '03']) {
      await gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customerId } }`, { i: { dataSource: 'local', customerId: `LOCAL-${n}`, name: `Local Company ${n}`, city: 'Utrecht', country: 'NL' } });
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const allowed = new Set([origin, new URL(provider.issuer).origin]);
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (allowed.has(new URL(url).origin)) return route.continue();
      blocked.push(url);
      return route.abort('internetdisconnected');
    });
    context.on('request', (r) => {
      if (r.url() === `${origin}/graphql` && r.method() === 'POST') bearers.push((r.headers().authorization ?? '').replace(/^Bearer /, ''));
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await service?.close();
    await provider?.stop();
  }, 60_000);

  test('the sign-in screen offers the provider and the pasted token; the CSP lets the page reach the issuer only', async () => {
    const res = await page.goto(`${service.url}/app#/customers?search=north`);
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain(`connect-src 'self' ${new URL(provider.issuer).origin};`);
    const host = new URL(provider.issuer).host;
    await waitText(page, '#sign-in', new RegExp(`^Sign in with ${host.replace(/\./g, '\\.')}$`));
    expect(await page.locator('#token-form').count()).toBe(1);
    expect(await page.locator('[data-testid=viewer]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  test('authorization code with PKCE at the provider: back on the page, signed in as the viewer, the list from the service with the JWT, no code in the URL', async () => {
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/auth?`));
    await page.click('#sign-in');
    // The authorization request: code flow, PKCE S256, the page as redirect URI, the configured scopes.
    const params = new URL((await authorize).url()).searchParams;
    expect(Object.fromEntries([...params].filter(([k]) => !['state', 'code_challenge'].includes(k)))).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: `${origin}/app`,
      response_type: 'code',
      scope: `openid profile ${API_SCOPE}`,
      code_challenge_method: 'S256',
    });
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await signInAtProvider('alice');

    expect(await waitText(page, '[data-testid=viewer-name]', /^Alice Agent$/)).toBe('Alice Agent');
    expect(await page.textContent('[data-testid=viewer-role]')).toBe('agent');
    // The hash route came back; code, state and iss left the URL without a new history entry.
    await waitText(page, '[data-testid=list-summary]', /^1 customer matching/);
    expect(await rowIds(page)).toEqual(['NORTHWIND']);
    const url = new URL(page.url());
    expect(url.search).toBe('');
    expect(page.url()).not.toContain('code=');
    expect(url.hash).toBe('#/customers?search=north');

    // The bearer the page sent is the provider's JWT access token for the API.
    const jwt = bearers.at(-1)!;
    const claims = jwtPayload(jwt);
    expect(claims).toMatchObject({ iss: provider.issuer, aud: AUDIENCE, sub: 'alice', client_id: CLIENT_ID, realm_access: { roles: ['offline_access', 'helpdesk-agent'] } });
    expect(claims.scope).toBe(API_SCOPE);
    // ... accepted by the service as a signed-in user.
    const viewer = await service.http(`{ viewer { name role via } }`, undefined, { token: jwt });
    expect(viewer.data).toEqual({ viewer: { name: 'Alice Agent', role: 'agent', via: 'oidc' } });
    // ... and kept in memory only (the state and code verifier of the sign-in are gone too).
    const stored = (await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])')) as string;
    expect(stored).not.toContain(jwt);
    expect(JSON.parse(stored)[1].filter(([k]: [string]) => k.startsWith('oidc.'))).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'customer-center-oidc-signed-in.png') });
    expect(await axeViolations(page)).toEqual([]);

    // A reload forgets the user (memory only); signing in again passes the provider without a
    // form (its session lasts) and comes back to the list of every customer.
    await page.goto(`${service.url}/app#/customers`);
    await page.reload();
    await page.waitForSelector('#sign-in');
    expect(await page.locator('[data-testid=viewer]').count()).toBe(0);
    await page.click('#sign-in');
    await waitText(page, '[data-testid=list-summary]', /^4 customers/);
    expect(await waitText(page, '[data-testid=viewer-name]', /^Alice Agent$/)).toBe('Alice Agent');
    expect(new URL(page.url()).search).toBe('');
  }, 90_000);

  test('sign-out ends the session at the provider (RP-initiated logout) and returns to the sign-in screen', async () => {
    await page.click('#sign-out');
    await page.waitForURL((u) => u.origin === new URL(provider.issuer).origin, { timeout: 15_000 });
    await page.click('button[name=logout][value=yes]');
    await page.waitForURL((u) => u.origin === origin, { timeout: 15_000 });
    await page.waitForSelector('#sign-in');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('[data-testid=viewer]').count()).toBe(0);
    // The provider's session ended: the next sign-in asks for the login again.
    await page.click('#sign-in');
    await page.waitForURL((u) => u.origin === new URL(provider.issuer).origin, { timeout: 15_000 });
    await page.waitForSelector('input[name=login]');
  }, 60_000);

  test('cancelling at the provider comes back to the sign-in screen with its answer, and nothing in the URL', async () => {
    await page.click('a:has-text("[ Cancel ]")');
    await waitText(page, '[data-testid=sign-in-notice]', /^The sign-in did not complete: End-User aborted interaction/);
    expect(new URL(page.url()).origin).toBe(origin);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('[data-testid=viewer]').count()).toBe(0);
    await page.click('#sign-in');
  }, 60_000);

  test('an expired access token returns to the sign-in screen', async () => {
    // Bob's access tokens last 6 seconds (and the service allows no clock skew here).
    await signInAtProvider('bob');
    expect(await waitText(page, '[data-testid=viewer-name]', /^Bob Brief$/)).toBe('Bob Brief');
    expect(await page.textContent('[data-testid=viewer-role]')).toBe('reader');
    await waitText(page, '[data-testid=list-summary]', /^4 customers/);
    const expiresAt = jwtPayload(bearers.at(-1)!).exp as number;
    expect(expiresAt - Date.now() / 1000).toBeLessThanOrEqual(6);
    await waitText(page, '[data-testid=sign-in-notice]', /Your sign-in has expired/, 15_000);
    expect(await page.locator('#sign-in').count()).toBe(1);
    expect(await page.locator('[data-testid=viewer]').count()).toBe(0);
    await page.screenshot({ path: join(artifacts, 'customer-center-oidc-expired.png') });
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  test('the pasted-token mode still works beside the sign-in, and its sign-out returns to the sign-in screen', async () => {
    await page.fill('#token-input', TOKENS.reader);
    await page.click('#token-form button[type=submit]');
    await waitText(page, '[data-testid=list-summary]', /^4 customers/);
    expect(await waitText(page, '[data-testid=viewer-name]', /^frontend$/)).toBe('frontend');
    expect(await page.textContent('[data-testid=viewer-role]')).toBe('reader');
    expect(bearers.at(-1)).toBe(TOKENS.reader);
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in');
    expect(await page.locator('#token-form').count()).toBe(1);
    expect(new URL(page.url()).origin).toBe(origin);
  }, 60_000);

  test('an answer that fails before the first render (a slow machine) shows its notice and leaves no unhandled rejection', async () => {
    // React's scheduler posts its render and effects through a MessageChannel; holding every such
    // message back 400 ms plays a busy machine, where the provider's answer settles long before the
    // app's first effect runs. (A foreign state is refused without any request, so it settles at once.)
    const slow = await context.newPage();
    const errors: string[] = [];
    slow.on('pageerror', (e) => errors.push(e.message));
    await slow.addInitScript(`{
      const post = MessagePort.prototype.postMessage;
      MessagePort.prototype.postMessage = function (...args) { setTimeout(() => post.apply(this, args), 400); };
    }`);
    await slow.goto(`${origin}/app?error=access_denied&error_description=Denied&state=not-a-state-of-this-page#/customers`);
    await waitText(slow, '[data-testid=sign-in-notice]', /^The sign-in did not complete: No matching state found in storage/);
    expect(new URL(slow.url()).search).toBe('');
    await slow.waitForTimeout(500);
    expect(errors).toEqual([]);
    await slow.close();
  }, 60_000);

  test('no page error, and nothing but the provider\u2019s own pages asked for a third origin', () => {
    expect(pageErrors).toEqual([]);
    // oidc-provider's development forms @import a web font; the app itself asks for nothing else.
    expect(blocked.filter((u) => !u.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
  });
});
