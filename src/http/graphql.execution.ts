import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../auth/caller';
import { createContext, type AppServices, type Context } from '../graphql/context';
import type { Logger } from '../log/logger';
import type { IdempotencyStore } from '../services/idempotency';
import type { Admission } from './idempotency.admission';
import type { GraphqlRequestParams } from './trusted-documents';

/** What running an operation needs from the service. */
export interface GraphqlExecutionDeps extends AppServices {
  readonly apollo: ApolloServer<Context>;
  readonly idempotency: IdempotencyStore;
  readonly logger: Logger;
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * Runs one admitted GraphQL request through Apollo and writes the answer: a replay of the first
 * response under its Idempotency-Key, or a run whose response is recorded for the key.
 */
export async function executeGraphql(
  deps: GraphqlExecutionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  request: GraphqlRequestParams & { caller: Caller; requestId: string; admission: Admission },
): Promise<void> {
  const { admission, caller, requestId } = request;
  if (admission.kind === 'replay') {
    res.writeHead(admission.status, { 'content-type': 'application/json; charset=utf-8', 'idempotent-replayed': 'true' });
    return void res.end(admission.body);
  }
  const scope = admission.kind === 'new' ? admission.scope : null;
  const execute = () =>
    deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method, headers: headerMap(req), search: request.search, body: request.body },
      context: async () => createContext(deps, caller, requestId),
    });
  const response = scope
    ? await deps.idempotency.run(scope, execute).catch((e: unknown) => {
        deps.idempotency.abandon(scope);
        throw e;
      })
    : await execute();
  const headers: Record<string, string> = {};
  for (const [key, value] of response.headers) headers[key] = value;
  const status = response.status ?? 200;
  if (response.body.kind === 'complete') {
    if (scope) {
      try {
        await deps.idempotency.finish(scope, status, response.body.string);
      } catch (e) {
        // The write stands; a retry takes the key over and replays the recorded write.
        deps.idempotency.abandon(scope);
        deps.logger.error({ requestId, err: e }, 'could not store the idempotent response');
      }
    }
    // A declared length: without it Node frames the answer as chunked (header, chunk size, body
    // and terminator written as four buffers) and the client has to parse the chunks.
    headers['content-length'] = String(Buffer.byteLength(response.body.string));
    res.writeHead(status, headers);
    return void res.end(response.body.string);
  }
  if (scope) deps.idempotency.abandon(scope);
  res.writeHead(status, headers);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
