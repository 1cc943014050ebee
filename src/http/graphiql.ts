/**
 * Self-hosted, fully offline GraphiQL: the HTML page and its static assets.
 *
 * The browser bundle (graphiql/app.tsx) is built by `npm run build:graphiql` into
 * dist/graphiql/{app.js,app.css}; this module renders the page that loads them from the
 * same origin and serves those files. No framework, no network access.
 */
import fs from 'node:fs';
import path from 'node:path';

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

/** URL prefix under which {@link readGraphiqlAsset} serves files. */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

/**
 * Suggested Content-Security-Policy header value for the GraphiQL page (verified in headless
 * Chromium against the bundle: no violations, no request leaves the origin). The JSON config
 * block is a non-executable `application/json` script, so no inline script is needed.
 * `style-src 'unsafe-inline'` is required: GraphiQL's dialogs (settings, short keys; radix +
 * react-remove-scroll) inject a `<style>` element whose content varies, so a hash won't do.
 * Fonts and icons are data: URLs inside app.css. `form-action 'none'` guarantees the token
 * form can never submit the token in a URL.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serialize a value as JSON that is safe inside an HTML `<script>` data block: `<`, `>` and `&`
 * are escaped as \u003c, \u003e, \u0026 (no `</script>` or `<!--` breakout), as are U+2028/9.
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Helpdesk GraphQL – GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${GRAPHIQL_ASSET_PREFIX}app.css">
<script id="graphiql-config" type="application/json">${jsonForScript(config)}</script>
<script src="${GRAPHIQL_ASSET_PREFIX}app.js" defer></script>
</head>
<body>
<div id="graphiql"><noscript>GraphiQL needs JavaScript enabled.</noscript></div>
</body>
</html>
`;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Only plain file names (no separators, no leading dot) are ever looked up. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+$/;

/**
 * Directory holding the built assets. Compiled (dist/src/http/graphiql.js) this is
 * dist/graphiql; when run from source (ts-jest/ts-node: src/http/graphiql.ts) it is
 * <root>/dist/graphiql too, rather than the source folder <root>/graphiql.
 */
function defaultAssetsDir(): string {
  return __filename.endsWith('.ts') ? path.join(__dirname, '../../dist/graphiql') : path.join(__dirname, '../../graphiql');
}

const assetCache = new Map<string, { body: Buffer; contentType: string }>();

/**
 * Serve a static GraphiQL asset for a request path under `/graphiql/` (query string ignored).
 *
 * Returns the file body and content type, or null for anything else: paths outside the prefix,
 * nested paths, traversal attempts (`..`, encoded slashes/backslashes, NUL), dot-files, unknown
 * extensions, and names that are not regular files inside `assetsDir` (symlinks escaping it
 * included). Contents are cached in memory after the first successful read.
 *
 * @param urlPath request path, e.g. "/graphiql/app.js" or "/graphiql/app.js?v=1"
 * @param assetsDir directory of the built assets; defaults to dist/graphiql
 */
export function readGraphiqlAsset(urlPath: string, assetsDir: string = defaultAssetsDir()): { body: Buffer; contentType: string } | null {
  const pathname = urlPath.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) return null;
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
  } catch {
    return null;
  }
  if (!SAFE_NAME.test(name)) return null;
  const contentType = CONTENT_TYPES[path.extname(name).toLowerCase()];
  if (contentType === undefined) return null;

  const dir = path.resolve(assetsDir);
  const file = path.join(dir, name);
  const cached = assetCache.get(file);
  if (cached) return cached;

  try {
    // Must be a regular file listed in the directory, and really located inside it.
    if (!fs.readdirSync(dir).includes(name)) return null;
    const real = fs.realpathSync(file);
    const realDir = fs.realpathSync(dir);
    if (path.dirname(real) !== realDir || !fs.statSync(real).isFile()) return null;
    const entry = { body: fs.readFileSync(real), contentType };
    assetCache.set(file, entry);
    return entry;
  } catch {
    return null;
  }
}
