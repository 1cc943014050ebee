/**
 * The static files of the offline GraphiQL page: the bundle built by `npm run build:graphiql`
 * into dist/graphiql/ (app.js, app.css and Monaco's editor.worker.js, json.worker.js,
 * graphql.worker.js), served from the same origin.
 */
import fs from 'node:fs';
import path from 'node:path';

/** URL prefix under which {@link readGraphiqlAsset} serves files. */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

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
