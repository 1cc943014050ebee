/**
 * The reference Customer Information Center (/app) in headless Chromium, with every request to
 * another origin aborted: every screen and action of issue 13 on a service with two sources
 * (the helpdesk SQLite database and a real, read-only OpenLDAP directory), the live update by
 * subscription, the directory and the whole service going down, 1280 and 390 px, and axe-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp, type App } from '../../src/composition/app';
import { loadConfig } from '../../src/config/config';
import { httpOptions } from '../../src/http-options';
import { listen } from '../../src/http/server';
import { createLogger } from '../../src/log/logger';
import { startTestApp, TOKENS } from '../helpers/test-app';
import { openldapSourceConfig } from '../ldap/ldap-fixture';
import { assertSlapdInstalled, layoutLdif, startSlapd, type Slapd } from '../ldap/slapd';
import { startLiveApp, type LiveTestApp } from '../live/live-helpers';
import { AXE_SOURCE, CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

const root = join(__dirname, '../..');
const artifacts = join(root, 'test-artifacts');

interface Recorded {
  readonly url: string;
  blocked: boolean;
}

/** A context that records every request and WebSocket, and aborts any request to another origin. */
async function offlineContext(browser: Browser, origin: string, width = 1280, height = 900): Promise<{ context: BrowserContext; requests: Recorded[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const requests: Recorded[] = [];
  const byRequest = new Map<object, Recorded>();
  context.on('request', (r) => {
    const entry = { url: r.url(), blocked: false };
    byRequest.set(r, entry);
    requests.push(entry);
  });
  context.on('page', (p) => p.on('websocket', (ws) => requests.push({ url: ws.url().replace(/^ws/, 'http'), blocked: false })));
  await context.route('**/*', async (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue();
    const entry = byRequest.get(route.request());
    if (entry) entry.blocked = true;
    return route.abort('internetdisconnected');
  });
  return { context, requests };
}

/** Serious and critical axe-core violations of the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; targets: string[] }[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.slice(0, 3).join(', ')}`);
}

/** Waits until `selector`'s text matches. */
async function waitText(page: Page, selector: string, re: RegExp, timeout = 10_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => null)) ?? '';
    if (re.test(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`${selector}: expected ${re}, last text ${JSON.stringify(last.slice(0, 300))}`);
}

/** Waits until `selector` matches `n` elements (polled from the test: the page's CSP forbids eval). */
async function waitCount(page: Page, selector: string, n: number, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = -1;
  while (Date.now() < deadline) {
    last = await page.locator(selector).count();
    if (last === n) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`${selector}: expected ${n} elements, last ${last}`);
}

/** The customer ids of the list's rows, in order. */
function rowIds(page: Page): Promise<string[]> {
  return page.locator('tbody tr[data-customer-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer-id') ?? ''));
}

/** Goes to a hash route of the app and waits for `ready`. */
async function go(page: Page, base: string, hash: string, ready: string): Promise<void> {
  await page.goto(`${base}/app${hash}`);
  await page.waitForSelector(ready);
}

const LOCAL = { id: 'local', name: 'Helpdesk database', kind: 'sqlite' };
const HOUR = 3_600_000;

describe('Customer Information Center in headless Chromium, network cut off', () => {
  let browser: Browser;
  let slapd: Slapd;
  let live: LiveTestApp;
  let origin: string;
  let context: BrowserContext;
  let requests: Recorded[];
  let page: Page;
  const pageErrors: string[] = [];
  const axe: Record<string, string[]> = {};
  const sockets = new Set<Socket>();

  /** Runs axe on the page now and keeps its findings under `screen`. */
  async function checkAxe(screen: string): Promise<void> {
    axe[screen] = await axeViolations(page);
  }

  async function gql(query: string, variables?: Record<string, unknown>): Promise<any> {
    const r = await live.http(query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data;
  }

  async function ticket(input: Record<string, unknown>): Promise<void> {
    await gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { number } }`, { i: { queue: 'Raw', priority: '3 normal', ...input } });
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's Chromium. Install it with: apt-get install -y chromium`);
    assertSlapdInstalled();
    // The app's bundle is built by `npm run build`; build it here when missing or stale.
    execFileSync(process.execPath, [join(root, 'scripts/build-app.mjs'), '--if-stale'], { cwd: root, stdio: 'pipe' });
    mkdirSync(artifacts, { recursive: true });
    slapd = await startSlapd({ ldif: layoutLdif('openldap') });
    live = await startLiveApp({ dataSources: [LOCAL, openldapSourceConfig(slapd.url, { timeoutMs: 400 })] });
    origin = new URL(live.url).origin;
    live.server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });

    // Local data: Northwind with two users and 12 tickets (8 open: 1 escalated, 1 reminder; 4 closed), and 10 more customers.
    await gql(`mutation { createCustomer(input: { dataSource: "local", customerId: "NORTHWIND", name: "Northwind Traders", street: "Harbour Road 7", zip: "20457", city: "Hamburg", country: "DE", url: "https://northwind.example" }) { customerId } }`);
    for (let i = 1; i <= 10; i++) {
      const n = String(i).padStart(2, '0');
      await gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customerId } }`, { i: { dataSource: 'local', customerId: `LOCAL-${n}`, name: `Local Company ${n}`, city: 'Utrecht', country: 'NL' } });
    }
    for (const [login, firstName, lastName] of [['nw.anna', 'Anna', 'Berg'], ['nw.bert', 'Bert', 'Cole']]) {
      await gql(`mutation($i: CreateCustomerUserInput!) { createCustomerUser(input: $i) { login } }`, {
        i: { dataSource: 'local', login, firstName, lastName, email: `${login}@northwind.example`, customerId: 'NORTHWIND', phone: '+49 40 1234' },
      });
    }
    const now = Date.now();
    await ticket({ title: 'Escalated printer', state: 'open', customerUserLogin: 'nw.anna', escalationAt: new Date(now - 2 * HOUR).toISOString() });
    await ticket({ title: 'Call back on Monday', state: 'pending reminder', customerUserLogin: 'nw.bert', pendingUntil: new Date(now + 24 * HOUR).toISOString() });
    for (let i = 1; i <= 6; i++) await ticket({ title: `Open question ${i}`, state: i % 2 ? 'new' : 'open', customerUserLogin: i % 2 ? 'nw.anna' : 'nw.bert' });
    for (let i = 1; i <= 4; i++) await ticket({ title: `Solved ${i}`, state: 'closed successful', customerUserLogin: 'nw.anna' });

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    ({ context, requests } = await offlineContext(browser, origin));
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await live?.close();
    await slapd?.dispose();
  }, 60_000);

  test('GET /app: the page, its two assets, its CSP; the token form (not stored) and the customer list of both sources by name', async () => {
    const res = await page.goto(`${live.url}/app`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("connect-src 'self'");
    // Configured tokens (not the embedded default): the page asks for one.
    await page.waitForSelector('#token-form');
    await checkAxe('token form');
    await page.fill('#token-input', TOKENS.agent);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('tbody tr[data-customer-id]');

    const all = await gql(`{ customers(first: 100) { totalCount nodes { customerId dataSource { id } } } }`);
    expect(all.customers.totalCount).toBe(15);
    expect(new Set(all.customers.nodes.map((n: any) => n.dataSource.id))).toEqual(new Set(['local', 'directory']));
    expect(await rowIds(page)).toEqual(all.customers.nodes.slice(0, 10).map((n: any) => n.customerId));
    await waitText(page, '[data-testid=list-summary]', /^15 customers/);
    // Table with headers.
    expect(await page.locator('table.list thead th[scope=col]').count()).toBe(7);
    // The token was never written to the browser's storage.
    const stored = (await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])')) as string;
    expect(stored).not.toContain(TOKENS.agent);
    await page.screenshot({ path: join(artifacts, 'customer-center-list.png') });
    await checkAxe('customer list');
  }, 60_000);

  test('paging forward and backward by cursor, and search', async () => {
    const first = await rowIds(page);
    await page.click('nav.pager a:has-text("Next")');
    await page.waitForSelector(`tr[data-customer-id="${first[0]}"]`, { state: 'detached' });
    await waitCount(page, 'tbody tr[data-customer-id]', 5);
    const second = await rowIds(page);
    expect(second).toHaveLength(5);
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(await page.locator('nav.pager a:has-text("Next")').getAttribute('aria-disabled')).toBe('true');
    await page.click('nav.pager a:has-text("Previous")');
    await page.waitForSelector(`tr[data-customer-id="${first[0]}"]`);
    await waitCount(page, 'tbody tr[data-customer-id]', 10);
    expect(await rowIds(page)).toEqual(first);

    await page.fill('#customer-search', 'north');
    await page.press('#customer-search', 'Enter');
    await waitText(page, '[data-testid=list-summary]', /^1 customer matching/);
    await waitCount(page, 'tbody tr[data-customer-id]', 1);
    expect(await rowIds(page)).toEqual(['NORTHWIND']);
    // Open and closed counts per row.
    const northwind = page.locator('tr[data-customer-id="NORTHWIND"]');
    expect(await northwind.locator('[data-testid=open]').textContent()).toBe('8');
    expect(await northwind.locator('[data-testid=closed]').textContent()).toBe('4');
  }, 60_000);

  test('the business card: on hover of the name and on keyboard focus of the id, tied by aria-describedby, closed by Escape', async () => {
    await page.hover('tr[data-customer-id="NORTHWIND"] .cell-name');
    const card = await waitText(page, '[role=tooltip] [data-testid=business-card]', /Harbour Road 7/);
    expect(card).toContain('20457 Hamburg');
    expect(card).toContain('Germany');
    expect(await page.textContent('[role=tooltip] [data-testid=card-open]')).toBe('8');
    expect(await page.textContent('[role=tooltip] [data-testid=card-closed]')).toBe('4');
    expect(await page.locator('[role=tooltip] a').evaluateAll((as) => as.map((a) => a.textContent))).toEqual(expect.arrayContaining(['LinkedIn']));
    // Not clipped by the scrolling table: the card's lower edge is the topmost element there.
    expect(await page.evaluate(`(() => { const t = document.querySelector('[role=tooltip]'); const r = t.getBoundingClientRect(); return t.contains(document.elementFromPoint(r.left + r.width / 2, r.bottom - 4)); })()`)).toBe(true);
    await page.screenshot({ path: join(artifacts, 'customer-center-card.png') });
    await checkAxe('business card');
    await page.mouse.move(5, 5);
    await page.waitForSelector('[role=tooltip]', { state: 'detached' });

    const id = page.locator('tr[data-customer-id="NORTHWIND"] .cell-id');
    await page.focus('#customer-search');
    await page.keyboard.press('Tab'); // Search button
    await page.keyboard.press('Tab'); // the scrollable table region
    await page.keyboard.press('Tab'); // the first row's customer id
    expect(await page.evaluate('document.activeElement.textContent')).toBe('NORTHWIND');
    const tooltip = page.locator('[role=tooltip]');
    await tooltip.waitFor();
    expect(await id.getAttribute('aria-describedby')).toBe(await tooltip.getAttribute('id'));
    await waitText(page, '[role=tooltip]', /Northwind Traders/);
    await page.keyboard.press('Escape');
    await tooltip.waitFor({ state: 'detached' });
  }, 60_000);

  test('a pencil opens the edit form (local rows only), a click on the row opens the detail view', async () => {
    await page.click('tr[data-customer-id="NORTHWIND"] a[aria-label="Edit Northwind Traders"]');
    await waitText(page, 'h1', /Edit customer NORTHWIND/);
    expect(await page.inputValue('#f-name')).toBe('Northwind Traders');
    await page.goBack();
    await page.waitForSelector('tr[data-customer-id="NORTHWIND"]');
    await go(page, live.url, '#/customers', 'tr[data-customer-id="ACME"]');
    expect(await page.locator('tr[data-customer-id="ACME"] a[aria-label^="Edit"]').count()).toBe(0);
    await page.click('tr[data-customer-id="ACME"] td.num >> nth=0');
    await waitText(page, '[data-testid=customer-id]', /^ACME$/);
    expect(await page.textContent('[data-testid=info-card]')).toContain('Corporate directory (read-only)');
  }, 60_000);

  test('create customer: read-only source disabled with the reason; an API error on its field; success opens the detail view', async () => {
    await go(page, live.url, '#/customers/new', 'input[name=dataSource]');
    const directory = page.locator('#source-directory');
    expect(await directory.isDisabled()).toBe(true);
    expect(await page.textContent('#source-directory-reason')).toMatch(/read-only/);
    expect(await directory.getAttribute('aria-describedby')).toBe('source-directory-reason');
    expect(await page.locator('#source-local').isChecked()).toBe(true);
    await checkAxe('create: data source');
    await page.screenshot({ path: join(artifacts, 'customer-center-create-source.png') });
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('#f-customerId');
    // Mandatory fields are marked, and the country comes from the service's list.
    expect(await page.locator('label[for=f-customerId] .required').count()).toBe(1);
    expect(await page.locator('#f-customerId').getAttribute('aria-required')).toBe('true');
    expect(await page.locator('#f-country option').count()).toBe(1 + (await gql('{ countries { code } }')).countries.length);

    await page.fill('#f-customerId', 'WIDGET*CO');
    await page.fill('#f-name', 'Widget Company');
    await page.selectOption('#f-country', 'AT');
    await page.fill('#f-url', 'www.widget.example');
    await page.click('button:has-text("Create customer")');
    await page.waitForSelector('#f-customerId[aria-invalid="true"]');
    expect(await page.getAttribute('#f-customerId', 'aria-describedby')).toBe('f-customerId-error');
    expect(await page.textContent('#f-customerId-error')).toMatch(/\S/);
    // Focus moves to the first invalid field.
    expect(await page.evaluate('document.activeElement.id')).toBe('f-customerId');
    await page.screenshot({ path: join(artifacts, 'customer-center-create-error.png') });
    await checkAxe('create: validation error');

    await page.fill('#f-customerId', 'WIDGET');
    await page.click('button:has-text("Create customer")');
    // The API checks one field at a time: now the URL.
    await page.waitForSelector('#f-url[aria-invalid="true"]');
    expect(await page.getAttribute('#f-customerId', 'aria-invalid')).toBeNull();
    expect(await page.getAttribute('#f-url', 'aria-describedby')).toContain('f-url-error');
    await page.fill('#f-url', 'https://widget.example');
    await page.click('button:has-text("Create customer")');
    await waitText(page, '[data-testid=customer-id]', /^WIDGET$/);
    expect(page.url()).toMatch(/#\/customers\/WIDGET$/);
    expect((await gql('{ customer(customerId: "WIDGET") { name country { code } dataSource { id } } }')).customer).toEqual({ name: 'Widget Company', country: { code: 'AT' }, dataSource: { id: 'local' } });
  }, 60_000);

  test('detail view: information card, counts, links, widgets, customer users with counts and card, ticket list paging', async () => {
    await go(page, live.url, '#/customers/NORTHWIND', '[data-testid=info-card]');
    await waitText(page, '[data-testid=count-open]', /^8$/);
    expect(await page.textContent('[data-testid=count-closed]')).toBe('4');
    const info = await page.textContent('[data-testid=info-card]');
    expect(info).toContain('Harbour Road 7, 20457 Hamburg, Germany');
    expect(await page.locator('[data-testid=info-card] .links a').evaluateAll((as) => as.map((a) => a.getAttribute('data-kind')))).toEqual(expect.arrayContaining(['map', 'social']));
    expect(await page.textContent('[data-testid=escalated-count]')).toBe('1');
    expect(await page.textContent('[data-testid=escalated]')).toContain('Escalated printer');
    expect(await page.textContent('[data-testid=reminders-count]')).toBe('1');
    expect(await page.textContent('[data-testid=reminders]')).toContain('Call back on Monday');
    expect(await page.textContent('[data-testid=open-count]')).toBe('8');
    expect(await page.locator('[data-testid=open] tbody tr').count()).toBe(8);
    expect(await page.textContent('[data-testid=users-count]')).toBe('2');
    const anna = page.locator('[data-testid=users] tr[data-login="nw.anna"] td');
    expect(await anna.evaluateAll((tds) => tds.slice(1, 3).map((td) => td.textContent))).toEqual(['4', '4']);
    await page.hover('[data-testid=users] tr[data-login="nw.anna"] .user-name');
    await waitText(page, '[role=tooltip] [data-testid=user-card]', /nw\.anna@northwind\.example/);
    await page.mouse.move(5, 5);

    // The ticket list widget: 12 tickets, 10 a page, both ways.
    await waitText(page, '[data-testid=tickets-count]', /^12$/);
    expect(await page.locator('[data-testid=tickets] tbody tr').count()).toBe(10);
    const firstPage = await page.locator('[data-testid=tickets] tbody tr td:first-child').allTextContents();
    await page.click('[data-testid=tickets] button:has-text("Next")');
    await waitCount(page, '[data-testid=tickets] tbody tr', 2);
    await page.click('[data-testid=tickets] button:has-text("Previous")');
    await waitCount(page, '[data-testid=tickets] tbody tr', 10);
    expect(await page.locator('[data-testid=tickets] tbody tr td:first-child').allTextContents()).toEqual(firstPage);
    await page.screenshot({ path: join(artifacts, 'customer-center-detail.png'), fullPage: true });
    await checkAxe('detail view');
  }, 60_000);

  test('live update: a ticket created by another client shows up without a reload', async () => {
    await go(page, live.url, '#/customers/NORTHWIND', '[data-testid=info-card]');
    await waitText(page, '[data-testid=count-open]', /^8$/);
    // Wait for the subscription to be set up on the server (one watch) before the write.
    for (let i = 0; i < 400 && live.live.hub.size < 1; i++) await page.waitForTimeout(25);
    expect(live.live.hub.size).toBe(1);
    await ticket({ title: 'Pushed from elsewhere', state: 'open', customerUserLogin: 'nw.bert', escalationAt: new Date(Date.now() - HOUR).toISOString() });
    await waitText(page, '[data-testid=count-open]', /^9$/);
    await waitText(page, '[data-testid=escalated-count]', /^2$/);
    await waitText(page, '[data-testid=escalated]', /Pushed from elsewhere/);
    await waitText(page, '[data-testid=tickets-count]', /^13$/);
    expect(Number(await page.getAttribute('[data-testid=live-status]', 'data-pushes'))).toBeGreaterThanOrEqual(1);
  }, 60_000);

  test('create ticket for a customer user, add a customer user (customer id filled in), edit a customer user', async () => {
    await page.click('[data-testid=users] a[aria-label="Create ticket for Bert Cole"]');
    await page.waitForSelector('#f-title');
    expect(await page.inputValue('#f-customerUserLogin')).toBe('nw.bert');
    await page.fill('#f-title', 'Ordered from the app');
    await page.click('button:has-text("Create ticket")');
    await waitText(page, '[data-testid=customer-id]', /^NORTHWIND$/);
    await waitText(page, '[data-testid=count-open]', /^10$/);
    await waitText(page, '[data-testid=open]', /Ordered from the app/);

    await page.click('a:has-text("Add customer user")');
    await page.waitForSelector('#f-login');
    expect(await page.inputValue('#f-customerId')).toBe('NORTHWIND');
    await page.fill('#f-login', 'nw.carla');
    await page.fill('#f-firstName', 'Carla');
    await page.fill('#f-lastName', 'Diaz');
    await page.fill('#f-email', 'not-an-address');
    await page.click('button:has-text("Create customer user")');
    await page.waitForSelector('#f-email[aria-invalid="true"]');
    await page.screenshot({ path: join(artifacts, 'customer-center-user-form.png') });
    await checkAxe('customer user form');
    await page.fill('#f-email', 'carla@northwind.example');
    await page.click('button:has-text("Create customer user")');
    await waitText(page, '[data-testid=users-count]', /^3$/);
    expect(await page.locator('[data-testid=users] tr[data-login="nw.carla"]').count()).toBe(1);

    await page.click('[data-testid=users] a[aria-label="Edit Carla Diaz"]');
    await page.waitForSelector('#f-firstName');
    await page.fill('#f-firstName', 'Carlota');
    await page.click('button:has-text("Save")');
    await waitText(page, '[data-testid=users]', /Carlota Diaz/);
  }, 60_000);

  test('edit customer with a rename: the customer id changes, users and tickets follow, every screen shows the new id', async () => {
    await go(page, live.url, '#/customers/NORTHWIND', '[data-testid=info-card]');
    await page.click('a:has-text("Edit customer")');
    await page.waitForSelector('#f-customerId');
    await page.fill('#f-customerId', 'NORTHWIND-EU');
    await page.fill('#f-city', 'Hamburg-Altona');
    await page.screenshot({ path: join(artifacts, 'customer-center-edit.png') });
    await checkAxe('edit customer');
    await page.click('button:has-text("Save")');
    await waitText(page, '[data-testid=customer-id]', /^NORTHWIND-EU$/);
    expect(page.url()).toMatch(/#\/customers\/NORTHWIND-EU$/);
    expect(await page.textContent('[data-testid=info-card]')).toContain('Hamburg-Altona');
    await waitText(page, '[data-testid=count-open]', /^10$/);
    await waitText(page, '[data-testid=users-count]', /^3$/);
    expect((await gql('{ old: customer(customerId: "NORTHWIND") { id } customer(customerId: "NORTHWIND-EU") { ticketCounts { total } } }'))).toEqual({ old: null, customer: { ticketCounts: { total: 14 } } });
    await go(page, live.url, '#/customers?search=north', 'tr[data-customer-id]');
    expect(await rowIds(page)).toEqual(['NORTHWIND-EU']);
  }, 60_000);

  test('a directory down: the list and the card keep what SQLite serves and say which part is missing', async () => {
    // The directory's list indexes are read now: for the next 30 s at least (half their one-minute
    // bound) they answer a customer's users without asking the directory.
    await gql('{ customers(first: 1) { totalCount } customerUsers(first: 1) { totalCount } }');
    const local = await gql('{ customers(dataSource: "local", first: 10) { nodes { customerId } } }');
    await slapd.stop();
    try {
      await go(page, live.url, '#/customers', '[data-testid=degraded]');
      expect(await page.textContent('[data-testid=degraded]')).toContain('Corporate directory (directory)');
      // Exactly the first page of the database's customers.
      expect(await rowIds(page)).toEqual(local.customers.nodes.map((n: any) => n.customerId));
      await page.screenshot({ path: join(artifacts, 'customer-center-degraded-list.png') });

      // A local customer: the card, counts and local users are all there. The directory's part of
      // its users comes from the directory's key index (read just before the stop: none of them
      // belongs to this customer), so no search is sent and nothing is missing.
      await go(page, live.url, '#/customers/NORTHWIND-EU', '[data-testid=info-card]');
      await waitCount(page, '[data-testid=users] tr[data-login]', 3);
      expect(await page.textContent('[data-testid=count-open]')).toBe('10');
      const named = await live.http('{ customer(customerId: "NORTHWIND-EU") { customerUsers(first: 25) { totalCount unavailableSources { id } } } }');
      expect(named.errors).toBeUndefined();
      expect(named.data.customer.customerUsers).toEqual({ totalCount: 3, unavailableSources: [] });
      expect(await page.locator('[data-testid=users] [data-testid=degraded]').count()).toBe(0);
      // A directory customer: its record cannot be read, and the view says from which source.
      await go(page, live.url, '#/customers/ACME', '[data-testid=degraded]');
      expect(await page.textContent('[data-testid=degraded]')).toMatch(/Unavailable: Data source 'directory' is unavailable/);
      await page.screenshot({ path: join(artifacts, 'customer-center-degraded-detail.png'), fullPage: true });
      await checkAxe('degraded detail');
    } finally {
      await slapd.start();
    }
  }, 60_000);

  test('the service down: an alert with Retry, and the list is back once the service is', async () => {
    const server: Server = live.server;
    const port = (server.address() as AddressInfo).port;
    await go(page, live.url, '#/customers', 'tr[data-customer-id]');
    // Stop listening and cut every connection, the live WebSocket included.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    try {
      await page.fill('#customer-search', 'local');
      await page.press('#customer-search', 'Enter');
      await waitText(page, '[data-testid=failure]', /cannot be reached/, 20_000);
      await page.screenshot({ path: join(artifacts, 'customer-center-service-down.png') });
      // Retry while the service is still down: the request fails again and the alert stays (no page error: the last test).
      const failed = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/graphql'));
      await page.click('[data-testid=failure] button:has-text("Retry")');
      await failed;
      await waitText(page, '[data-testid=failure]', /cannot be reached/);
      await page.waitForTimeout(300);
    } finally {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    }
    await page.click('[data-testid=failure] button:has-text("Retry")');
    await waitText(page, '[data-testid=list-summary]', /^10 customers matching/);
  }, 60_000);

  test('390 px wide: list and detail view fit without horizontal page scroll', async () => {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 390, height: 844 });
    try {
      // A new page has no token in memory: enter it again.
      await narrow.goto(`${live.url}/app#/customers`);
      await narrow.fill('#token-input', TOKENS.agent);
      await narrow.click('#token-form button[type=submit]');
      await narrow.waitForSelector('tbody tr[data-customer-id]');
      expect(await narrow.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await narrow.screenshot({ path: join(artifacts, 'customer-center-list-390.png') });
      await narrow.evaluate(`window.location.hash = '#/customers/NORTHWIND-EU'`);
      await narrow.waitForSelector('[data-testid=info-card]');
      await waitText(narrow, '[data-testid=tickets-count]', /^14$/);
      expect(await narrow.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await narrow.screenshot({ path: join(artifacts, 'customer-center-detail-390.png'), fullPage: true });
      const previous = page;
      page = narrow;
      await checkAxe('detail 390 px');
      page = previous;
    } finally {
      await narrow.close();
    }
  }, 60_000);

  test('no serious or critical axe-core violation on any screen; no page error; every request went to the service itself', () => {
    expect(Object.keys(axe).length).toBeGreaterThanOrEqual(10);
    expect(Object.entries(axe).filter(([, v]) => v.length > 0)).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter((r) => new URL(r.url).origin !== origin || r.blocked)).toEqual([]);
    // The live update came over a WebSocket to the same origin.
    expect(requests.some((r) => r.url === `${origin}/graphql` && r.url.startsWith('http'))).toBe(true);
  });
});

describe('/app with the embedded default configuration and switched off', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with: apt-get install -y chromium`);
    execFileSync(process.execPath, [join(root, 'scripts/build-app.mjs'), '--if-stale'], { cwd: root, stdio: 'pipe' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('embedded default: the development token is filled in and the list shows the demo data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-app-embedded-'));
    let app: App | undefined;
    let server: Server | undefined;
    try {
      const config = loadConfig({ env: {}, cwd: dir });
      expect(config.embeddedDefault).toBe(true);
      app = await createApp(config, { logger: createLogger('silent') });
      const started = await listen(app, '127.0.0.1', 0, httpOptions(app));
      server = started.server;
      const { context, requests } = await offlineContext(browser, new URL(started.url).origin);
      const page = await context.newPage();
      await page.goto(`${started.url}/app`);
      await page.waitForSelector('tbody tr[data-customer-id]');
      expect(await page.locator('#token-form').count()).toBe(0);
      const demo = (await app.sources.listCustomers({ search: null, valid: ['VALID' as never], size: 10, after: null, before: null, backward: false }, null)).nodes;
      expect(await rowIds(page)).toEqual(demo.map((c) => c.customerId));
      await page.screenshot({ path: join(artifacts, 'customer-center-demo.png') });
      await context.close();
      expect(requests.filter((r) => new URL(r.url).origin !== new URL(started.url).origin || r.blocked)).toEqual([]);
    } finally {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('app.enabled: false, and NODE_ENV=production by default: /app is 404', async () => {
    const off = await startTestApp({ config: { app: { enabled: false } } });
    const prod = await startTestApp({ env: { NODE_ENV: 'production' } });
    const on = await startTestApp({ env: { NODE_ENV: 'development' } });
    try {
      for (const t of [off, prod]) {
        expect((await fetch(`${t.url}/app`)).status).toBe(404);
        expect((await fetch(`${t.url}/app/app.js`)).status).toBe(404);
      }
      const page = await fetch(`${on.url}/app`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script id="app-config" type="application/json">{"endpoint":"/graphql","token":null}</script>');
      expect((await fetch(`${on.url}/app/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await fetch(`${on.url}/app/../package.json`)).status).toBe(404);
      expect((await fetch(`${on.url}/app/other.js`)).status).toBe(404);
    } finally {
      await Promise.all([off.close(), prod.close(), on.close()]);
    }
  }, 60_000);
});
