/**
 * Self-hosted, fully offline GraphiQL: the HTML page. It loads the bundle built from
 * graphiql/app.tsx (`npm run build:graphiql`) and Monaco's workers from the same origin
 * (graphiql.assets.ts); no framework, no network access.
 */
import { renderBundlePage } from './bundle.page';
import { GRAPHIQL_ASSET_PREFIX } from './graphiql.assets';

/** Options for {@link renderGraphiqlPage}. */
export interface GraphiqlPageOptions {
  /** GraphQL endpoint the page POSTs to; must be same-origin (e.g. "/graphql"). */
  endpoint: string;
  /** Query shown in the editor on first load (fresh browser profile or changed defaults). */
  defaultQuery: string;
  /** Variables shown in the variables editor on first load (serialized as pretty JSON). */
  defaultVariables: Record<string, unknown>;
  /**
   * Bearer token pre-filled as `{"Authorization": "Bearer <token>"}` in the headers editor,
   * or null to show a token input bar that tells the user a token is required.
   * Note: a non-null token is embedded in the HTML, so only pass one on trusted setups.
   */
  token: string | null;
}

/**
 * Suggested Content-Security-Policy header value for the GraphiQL page (verified in headless
 * Chromium against the bundle: no violations, no request leaves the origin). The JSON config
 * block is a non-executable `application/json` script, so no inline script is needed.
 * `style-src 'unsafe-inline'` is required: GraphiQL's dialogs (settings, short keys; radix +
 * react-remove-scroll) inject a `<style>` element whose content varies, so a hash won't do.
 * Fonts and icons are data: URLs inside app.css. `worker-src 'self'`: Monaco (GraphiQL 5's
 * editor) runs its language services in web workers, started from /graphiql/*.worker.js only
 * (no blob: or data: worker). `form-action 'none'` guarantees the token form can never submit the
 * token in a URL.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Render the GraphiQL HTML page. It loads `/graphiql/app.js` and `/graphiql/app.css` from the
 * same origin and embeds its configuration as
 * `<script id="graphiql-config" type="application/json">` (safely escaped).
 */
export function renderGraphiqlPage(options: GraphiqlPageOptions): string {
  const vars = options.defaultVariables ?? {};
  const config = {
    endpoint: options.endpoint,
    defaultQuery: options.defaultQuery,
    defaultVariables: Object.keys(vars).length > 0 ? JSON.stringify(vars, null, 2) : '',
    token: options.token,
  };
  return renderBundlePage({
    title: 'Helpdesk GraphQL – GraphiQL',
    assets: GRAPHIQL_ASSET_PREFIX,
    configId: 'graphiql-config',
    config,
    rootId: 'graphiql',
    noscript: 'GraphiQL needs JavaScript enabled.',
  });
}
