/**
 * The reference Customer Information Center (examples/customer-center/, bundled by
 * scripts/build-app.mjs into dist/app/): `GET /app` answers its page, `/app/app.js` and
 * `/app/app.css` its two assets. The page talks to `/graphql` only; nothing leaves the origin.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Config } from '../config/config';

/** URL path of the page; its assets live under `${APP_PATH}/`. */
export const APP_PATH = '/app';

/**
 * The page's Content-Security-Policy: its own scripts and styles, requests and the live
 * WebSocket to its own origin only (`'self'` covers `ws:`/`wss:` of the same host), no inline
 * script (the configuration is a JSON data block), no form posts anywhere.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** What the page embeds: the endpoint and, with the embedded default configuration only, the development token. */
export interface AppPageConfig {
  readonly endpoint: string;
  readonly token: string | null;
}

/** JSON that is safe inside a `<script type="application/json">` block. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The HTML page of the application. */
export function renderAppPage(config: AppPageConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Customer Information Center</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${APP_PATH}/app.css">
<script id="app-config" type="application/json">${jsonForScript(config)}</script>
<script src="${APP_PATH}/app.js" defer></script>
</head>
<body>
<div id="root"><noscript>The Customer Information Center needs JavaScript enabled.</noscript></div>
</body>
</html>
`;
}

/** dist/app, both from dist/src/http (compiled) and src/http (ts-jest). */
function assetsDir(): string {
  return join(__dirname, __filename.endsWith('.ts') ? '../../dist/app' : '../../app');
}

/** Serves the application page and its assets; `handle` answers false for any other request. */
export class AppRoute {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly page: AppPageConfig,
    private readonly dir: string = assetsDir(),
  ) {}

  /** Answers `GET|HEAD /app`, `/app/`, `/app/app.js`, `/app/app.css`; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === APP_PATH || path === `${APP_PATH}/`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': APP_CSP, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : renderAppPage(this.page));
      return true;
    }
    if (!path.startsWith(`${APP_PATH}/`)) return false;
    const name = path.slice(APP_PATH.length + 1);
    const contentType = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    const body = contentType ? this.read(name) : null;
    if (!contentType || !body) return false;
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  private read(name: string): Buffer | null {
    const cached = this.cache.get(name);
    if (cached) return cached;
    try {
      const body = readFileSync(join(this.dir, name));
      this.cache.set(name, body);
      return body;
    } catch {
      return null;
    }
  }
}

/** The route when `app.enabled` (default: on unless production), else null. */
export function appRoute(config: Config): AppRoute | null {
  const enabled = config.app.enabled ?? !config.production;
  if (!enabled) return null;
  return new AppRoute({ endpoint: '/graphql', token: config.embeddedDefault ? config.devToken : null });
}
