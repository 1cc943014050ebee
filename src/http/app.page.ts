/**
 * The page of the reference Customer Information Center (served by app.route.ts): its embedded
 * configuration, read by examples/customer-center/config.ts, and its Content-Security-Policy.
 */
import type { Config } from '../config/config';
import { renderBundlePage } from './bundle.page';

/** URL path of the page; its assets live under `${APP_PATH}/`. */
export const APP_PATH = '/app';

/** How the page signs its people in through the configured issuer (authorization code with PKCE). */
export interface AppPageOidc {
  /** The issuer; the app reads its discovery document and talks to its token endpoint. */
  readonly authority: string;
  /** The app's client id at the identity provider (a public client). */
  readonly clientId: string;
  /** The scopes the app asks for. */
  readonly scope: string;
}

/** What the page embeds: the endpoint, the development token (embedded default configuration only), the sign-in. */
export interface AppPageConfig {
  readonly endpoint: string;
  readonly token: string | null;
  /** Sign-in through the issuer (`auth.oidc.app`), else absent. */
  readonly oidc?: AppPageOidc;
}

/**
 * The page's Content-Security-Policy: its own scripts and styles, requests and the live
 * WebSocket to its own origin only (`'self'` covers `ws:`/`wss:` of the same host), no inline
 * script (the configuration is a JSON data block), no form posts anywhere. `connectTo` adds
 * origins the page may fetch from: the issuer's, when the page signs in through it (discovery
 * document and token endpoint); the sign-in itself is a top-level navigation, which no
 * directive here restricts.
 */
export function appCsp(connectTo: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectTo].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of a page that signs in with no issuer. */
export const APP_CSP = appCsp();

/** The origins the page talks to besides its own: the issuer's when it signs in through it. */
export function appConnectOrigins(page: AppPageConfig): string[] {
  return page.oidc ? [new URL(page.oidc.authority).origin] : [];
}

/** The page's configuration from the service's: the sign-in only when `auth.oidc.app` is set. */
export function appPageConfig(config: Config): AppPageConfig {
  const oidc = config.auth.oidc;
  const base = { endpoint: '/graphql', token: config.embeddedDefault ? config.devToken : null };
  if (!oidc?.app) return base;
  return { ...base, oidc: { authority: oidc.issuer, clientId: oidc.app.clientId, scope: oidc.app.scope } };
}

/** The HTML page of the application. */
export function renderAppPage(config: AppPageConfig): string {
  return renderBundlePage({
    title: 'Customer Information Center',
    assets: `${APP_PATH}/`,
    configId: 'app-config',
    config,
    rootId: 'root',
    noscript: 'The Customer Information Center needs JavaScript enabled.',
  });
}
