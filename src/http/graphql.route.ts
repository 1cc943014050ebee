import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticator';
import type { Config } from '../config/config';
import { authenticate } from './bearer.authentication';
import { readGraphqlBody } from './body.reader';
import { CorsPolicy } from './cors.policy';
import { GraphiqlRoute, wantsHtml } from './graphiql.route';
import { executeGraphql, type GraphqlExecutionDeps } from './graphql.execution';
import { admitIdempotent } from './idempotency.admission';
import { TrustedDocuments } from './trusted-documents';

/** What `/graphql` needs from the service. */
export interface GraphqlRouteDeps extends GraphqlExecutionDeps {
  readonly config: Config;
  readonly authenticator: Authenticator;
}

/**
 * `/graphql`: CORS (preflights answered without a token), GraphiQL for browsers, then bearer
 * authentication, the body, trusted documents, Idempotency-Key admission and Apollo, in that
 * order, so that nothing runs for a request refused by an earlier step.
 */
export function graphqlRoute(deps: GraphqlRouteDeps, graphiql: GraphiqlRoute | null) {
  const cors = new CorsPolicy(deps.config.cors);
  const trusted = deps.config.trustedDocuments ? TrustedDocuments.load(deps.config.trustedDocuments) : null;
  return async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    if (cors.handle(req, res)) return;
    if (graphiql && wantsHtml(req)) return graphiql.page(res);
    const caller = await authenticate(deps.authenticator, req);
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readGraphqlBody(req, deps.config.limits.maxBodyBytes) : undefined;
    const params = { method, body, search: url.search };
    const resolved = trusted ? trusted.resolve(params) : params;
    const admission = await admitIdempotent(deps.idempotency, req, resolved.body, caller.key);
    await executeGraphql(deps, req, res, { ...resolved, caller, requestId, admission });
  };
}
