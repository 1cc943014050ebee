// A real OpenID provider for the browser tests: panva's `oidc-provider` (ESM only, hence its own
// process; Jest's module system cannot load it) on 127.0.0.1, a free port.
//
//   node test/browser/oidc-provider.mjs '<json options>'
//
// Options: { clientId, resource, audience, scope, accounts: { <login>: { name, roles, accessTokenTTL? } } }.
// It prints `LISTENING <issuer>` once the port is open (requests answer 503 until it is ready),
// then reads one JSON line on standard input, `{ "appOrigin": "http://127.0.0.1:<port>" }`,
// registers the app's public client (redirect and post-logout URI `<appOrigin>/app`, CORS for
// that origin only) and prints `READY`. It ends when standard input closes.
//
// Sign-in through devInteractions (the provider's built-in login and consent forms; any password),
// authorization code with PKCE (required for a public client), access tokens for `resource` as
// RS256-signed JWTs (resourceIndicators: `aud` is `audience`), the account's roles in
// `realm_access.roles` and its `name` and `preferred_username` in the access token, as Keycloak does.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import Provider, { errors } from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
const { clientId, resource, audience, scope, accounts } = options;

let handler = null;
const server = createServer((req, res) => {
  if (handler) return handler(req, res);
  res.writeHead(503).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(`LISTENING ${issuer}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('close', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
const { appOrigin } = JSON.parse(await new Promise((resolve) => lines.once('line', resolve)));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const account = (login) => (Object.hasOwn(accounts, login) ? accounts[login] : undefined);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: [`${appOrigin}/app`],
      post_logout_redirect_uris: [`${appOrigin}/app`],
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-rsa', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  clientBasedCORS: (_ctx, origin) => origin === appOrigin,
  async findAccount(_ctx, sub) {
    const found = account(sub);
    if (!found) return undefined;
    return { accountId: sub, claims: async () => ({ sub, name: found.name, preferred_username: sub }) };
  },
  async extraTokenClaims(_ctx, token) {
    const found = token.kind === 'AccessToken' ? account(token.accountId) : undefined;
    if (!found) return undefined;
    return { name: found.name, preferred_username: token.accountId, realm_access: { roles: found.roles } };
  },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      async getResourceServerInfo(ctx, indicator) {
        if (indicator !== resource) throw new errors.InvalidTarget();
        const ttl = account(ctx.oidc.account?.accountId ?? '')?.accessTokenTTL ?? 600;
        return { scope, audience, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
});
// devInteractions and the default pages warn about themselves at start; the test does not need that.
provider.on('server_error', (_ctx, e) => process.stderr.write(`oidc-provider: ${e.stack ?? e}\n`));
handler = provider.callback();
process.stdout.write('READY\n');
