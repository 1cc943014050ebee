/**
 * The reference Customer Information Center (examples/customer-center/, bundled by
 * scripts/build-app.mjs into dist/app/): `GET /app` answers its page, `/app/app.js` and
 * `/app/app.css` its two assets. The page talks to `/graphql` only; nothing leaves the origin but
 * the sign-in through the configured issuer (`auth.oidc.app`; its page and policy: app.page.ts).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Config } from '../config/config';
import { APP_PATH, appConnectOrigins, appCsp, appPageConfig, renderAppPage, type AppPageConfig } from './app.page';

export { APP_CSP, APP_PATH, renderAppPage, type AppPageConfig } from './app.page';

const ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** dist/app, both from dist/src/http (compiled) and src/http (ts-jest). */
function assetsDir(): string {
  return join(__dirname, __filename.endsWith('.ts') ? '../../dist/app' : '../../app');
}

/** Serves the application page and its assets; `handle` answers false for any other request. */
export class AppRoute {
  private readonly cache = new Map<string, Buffer>();
  private readonly csp: string;

  constructor(
    private readonly page: AppPageConfig,
    private readonly dir: string = assetsDir(),
  ) {
    this.csp = appCsp(appConnectOrigins(page));
  }

  /**
   * Answers `GET|HEAD /app`, `/app/`, `/app/app.js`, `/app/app.css`; false for anything else. The
   * page is matched by its path: the sign-in comes back to `/app?code=...&state=...`.
   */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === APP_PATH || path === `${APP_PATH}/`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': this.csp, 'cache-control': 'no-store' });
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
  return new AppRoute(appPageConfig(config));
}
