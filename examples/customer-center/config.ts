/**
 * The page's embedded configuration (`<script id="app-config" type="application/json">`, written
 * by src/http/app.route.ts) and the bearer token. The token lives in memory only: never in
 * localStorage, sessionStorage or a cookie; a reload asks again unless the page embeds one.
 */

/** What the service embeds in the page. */
export interface AppConfig {
  /** Same-origin GraphQL endpoint, e.g. "/graphql". */
  readonly endpoint: string;
  /** The development token (embedded default configuration only), else null. */
  readonly token: string | null;
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
  return { endpoint: url.pathname, token };
}

/** The WebSocket URL of the same endpoint (graphql-ws). */
export function wsUrl(endpoint: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${endpoint}`;
}
