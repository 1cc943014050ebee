/**
 * The page's embedded configuration (`<script id="app-config" type="application/json">`, written
 * by src/http/app.page.ts) and the bearer token. The token lives in memory only: never in
 * localStorage, sessionStorage or a cookie; a reload asks again unless the page embeds one.
 */

/** Sign-in through the service's OpenID Connect issuer (`auth.oidc.app`). */
export interface OidcAppConfig {
  /** The issuer (an http(s) URL). */
  readonly authority: string;
  /** The app's client id at the identity provider. */
  readonly clientId: string;
  /** The scopes asked for. */
  readonly scope: string;
}

/** What the service embeds in the page. */
export interface AppConfig {
  /** Same-origin GraphQL endpoint, e.g. "/graphql". */
  readonly endpoint: string;
  /** The development token (embedded default configuration only), else null. */
  readonly token: string | null;
  /** Sign-in through the issuer, or null: the pasted token only. */
  readonly oidc: OidcAppConfig | null;
}

/** The sign-in part of the configuration, when complete and the authority is an http(s) URL. */
function readOidc(raw: unknown): OidcAppConfig | null {
  if (raw === null || typeof raw !== 'object') return null;
  const { authority, clientId, scope } = raw as Record<string, unknown>;
  if (typeof authority !== 'string' || typeof clientId !== 'string' || clientId === '') return null;
  try {
    if (!/^https?:$/.test(new URL(authority).protocol)) return null;
  } catch {
    return null;
  }
  return { authority, clientId, scope: typeof scope === 'string' && scope !== '' ? scope : 'openid profile' };
}

/** Reads the page's configuration; missing or broken JSON gives the defaults. */
export function readConfig(): AppConfig {
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(document.getElementById('app-config')?.textContent || '{}') as Record<string, unknown>;
  } catch {
    /* defaults */
  }
  const endpoint = typeof raw.endpoint === 'string' ? raw.endpoint : '/graphql';
  const url = new URL(endpoint, window.location.href);
  if (url.origin !== window.location.origin) throw new Error(`the endpoint must be same-origin, got ${url.origin}`);
  const token = typeof raw.token === 'string' && raw.token.trim() !== '' ? raw.token.trim() : null;
  return { endpoint: url.pathname, token, oidc: readOidc(raw.oidc) };
}

/** The WebSocket URL of the same endpoint (graphql-ws). */
export function wsUrl(endpoint: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${endpoint}`;
}
