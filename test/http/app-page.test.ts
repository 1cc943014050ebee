/**
 * The Customer Information Center's page (GET /app): its embedded configuration names the
 * issuer and the app's client, and its Content-Security-Policy lets it reach the issuer's origin,
 * only when `auth.oidc.app` is configured; nothing else of the policy changes. And the
 * configuration's checks of `auth.oidc.app`.
 */
import { loadConfig, sha256Hex } from '../../src/config/config';
import { APP_CSP, appPageConfig } from '../../src/http/app.page';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

const ISSUER = 'http://127.0.0.1:9/realms/helpdesk';
const OIDC = { issuer: ISSUER, audience: 'helpdesk-api', rolesClaim: 'realm_access.roles', roles: { agent: ['helpdesk-agent'] } };
const TOKENS_CONFIG = [{ name: 'agents', role: 'agent', sha256: sha256Hex(TOKENS.agent) }];

/** The page's embedded configuration and its CSP's directives by name. */
async function page(app: TestApp): Promise<{ config: unknown; csp: Map<string, string> }> {
  const res = await fetch(`${app.url}/app?code=abc&state=xyz&iss=${encodeURIComponent(ISSUER)}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const json = /<script id="app-config" type="application\/json">(.*?)<\/script>/.exec(html)?.[1];
  const csp = new Map((res.headers.get('content-security-policy') ?? '').split('; ').map((d) => [d.split(' ')[0]!, d] as const));
  return { config: JSON.parse(json ?? 'null'), csp };
}

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d] as const));

describe('GET /app: the sign-in through the issuer only when auth.oidc.app is configured', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));

  async function start(auth: Record<string, unknown>): Promise<TestApp> {
    const app = await startTestApp({ config: { auth: { tokens: TOKENS_CONFIG, ...auth } }, env: { NODE_ENV: 'development' } });
    apps.push(app);
    return app;
  }

  test('without auth.oidc, and with auth.oidc but no app client: no issuer in the page, connect-src \'self\' only', async () => {
    for (const app of [await start({}), await start({ oidc: OIDC })]) {
      const { config, csp } = await page(app);
      expect(config).toEqual({ endpoint: '/graphql', token: null });
      expect(csp.get('connect-src')).toBe("connect-src 'self'");
      expect(csp).toEqual(directives(APP_CSP));
    }
  });

  test('with auth.oidc.app: the issuer, client and scopes in the page; the issuer origin (no path) added to connect-src and nowhere else', async () => {
    const app = await start({ oidc: { ...OIDC, app: { clientId: 'customer-center' } } });
    const { config, csp } = await page(app);
    expect(config).toEqual({ endpoint: '/graphql', token: null, oidc: { authority: ISSUER, clientId: 'customer-center', scope: 'openid profile' } });
    expect(csp.get('connect-src')).toBe("connect-src 'self' http://127.0.0.1:9");
    const others = directives(APP_CSP);
    others.delete('connect-src');
    for (const [name, value] of others) expect(csp.get(name)).toBe(value);
    expect(csp.size).toBe(others.size + 1);
  });
});

describe('auth.oidc.app in the configuration', () => {
  const load = (app: unknown) => loadConfig({ env: {}, cwd: '/tmp', raw: { dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }], auth: { tokens: TOKENS_CONFIG, oidc: { ...OIDC, app } } } });

  test('a client id and scopes that include openid; the page configuration follows', () => {
    const config = load({ clientId: 'customer-center', scope: 'openid profile api://helpdesk-api/access' });
    expect(config.auth.oidc?.app).toEqual({ clientId: 'customer-center', scope: 'openid profile api://helpdesk-api/access' });
    expect(appPageConfig(config).oidc).toEqual({ authority: ISSUER, clientId: 'customer-center', scope: 'openid profile api://helpdesk-api/access' });
  });

  test.each([
    [{}, /^configuration: auth\.oidc\.app\.clientId: /],
    [{ clientId: '' }, /^configuration: auth\.oidc\.app\.clientId: /],
    [{ clientId: 'customer-center', scope: 'profile email' }, /^configuration: auth\.oidc\.app\.scope: the scopes must include "openid"/],
    [{ clientId: 'customer-center', scope: 'openid  profile' }, /^configuration: auth\.oidc\.app\.scope: space-separated scope tokens/],
    [{ clientId: 'customer-center', scope: 'openid "x"' }, /^configuration: auth\.oidc\.app\.scope: space-separated scope tokens/],
    [{ clientId: 'customer-center', clientSecret: 'no' }, /^configuration: auth\.oidc\.app: .*clientSecret/],
  ])('%j is refused at start', (app, message) => {
    expect(() => load(app)).toThrow(message);
  });
});
