import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { GRAPHIQL_ASSET_PREFIX, readGraphiqlAsset } from './graphiql.assets';
import { GRAPHIQL_CSP, renderGraphiqlPage } from './graphiql.page';

/** What the GraphiQL page needs from the rest of the service. */
export interface GraphiqlRouteOptions {
  /** The customer id the page's default variables name (null or a failure: empty). */
  readonly defaultCustomerId: () => Promise<string | null>;
  /** The token to pre-fill (embedded default configuration only), else null. */
  readonly token: string | null;
}

let detailViewQuery: string | undefined;
function defaultQuery(): string {
  // The project root is two levels up from src/http (ts-jest) and three from dist/src/http.
  const root = join(__dirname, __filename.endsWith('.ts') ? '../..' : '../../..');
  return (detailViewQuery ??= readFileSync(join(root, 'schema/operations/CustomerDetailView.graphql'), 'utf8'));
}

/** True for a browser asking for a page (`GET` with `Accept: text/html`). */
export function wantsHtml(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

/** Serves the offline GraphiQL page (CustomerDetailView of a real customer) and its assets. */
export class GraphiqlRoute {
  constructor(private readonly options: GraphiqlRouteOptions) {}

  /** The page: no token needed, the token goes into the page's Headers editor. */
  async page(res: ServerResponse): Promise<void> {
    const customerId = await this.options.defaultCustomerId().catch(() => null);
    const html = renderGraphiqlPage({
      endpoint: '/graphql',
      defaultQuery: defaultQuery(),
      defaultVariables: { customerId: customerId ?? '' },
      token: this.options.token,
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': GRAPHIQL_CSP, 'cache-control': 'no-store' });
    res.end(html);
  }

  /** Serves `/graphiql/<file>`; false when there is no such asset. */
  asset(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const asset = req.method === 'GET' && path.startsWith(GRAPHIQL_ASSET_PREFIX) ? readGraphiqlAsset(path) : null;
    if (!asset) return false;
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'public, max-age=3600' });
    res.end(asset.body);
    return true;
  }
}
