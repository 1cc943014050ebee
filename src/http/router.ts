import type { IncomingMessage, ServerResponse } from 'node:http';
import { appRoute } from './app.route';
import { HttpError } from './error.response';
import type { GraphiqlRoute } from './graphiql.route';
import type { GraphqlRouteDeps } from './graphql.route';
import { graphqlRoute } from './graphql.route';
import { healthz, metrics, readyz } from './probes.route';

/** What the routes need from the service. */
export interface RouterDeps extends GraphqlRouteDeps {
  readonly metrics: { readonly registry: Parameters<typeof metrics>[1] };
}

/** A route: answers a request or throws an `HttpError`. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => Promise<void>;

/**
 * The route table: `/graphql` (Apollo; GraphiQL for browsers), `/graphiql/*` assets,
 * `/healthz`, `/readyz`, `/metrics`, the reference application at `/app`; anything else is 404 `NOT_FOUND`.
 */
export function createRouter(deps: RouterDeps, graphiql: GraphiqlRoute | null): Route {
  const routes: Readonly<Record<string, Route>> = {
    '/graphql': graphqlRoute(deps, graphiql),
    '/healthz': async (_req, res) => healthz(res),
    '/readyz': async (_req, res) => readyz(res, deps.sources),
    '/metrics': async (_req, res) => metrics(res, deps.metrics.registry),
  };
  const app = appRoute(deps.config);
  return async (req, res, url, requestId) => {
    const route = routes[url.pathname];
    if (route) return route(req, res, url, requestId);
    if (app?.handle(req, res, url.pathname)) return;
    if (graphiql?.asset(req, res, url.pathname)) return;
    throw new HttpError(404, 'NOT_FOUND', 'No such route');
  };
}
