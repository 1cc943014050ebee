import 'reflect-metadata';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { Context } from './context';
import { formatError, isUnexpected } from './errors';
import { createExecution, DEFAULT_EXECUTION_MODE, type Execution, type ExecutionMode } from './execution';
import { costLimitPlugin, limitRules, type RequestLimits } from './limits';
import { partialErrorsPlugin } from './partial-errors';
import { appExecutableSchema } from './schema';

/** Refuses mutations to callers whose role is not `agent`, before anything executes. */
const rolePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.operation === 'mutation' && contextValue.role !== 'agent') {
          throw new GraphQLError('Your role may not run mutations', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
        }
      },
    };
  },
};

/** Request metrics, and the log of masked errors under the request id the client sees. */
function observabilityPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      const start = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const e of errors) {
            const original = unwrapResolverError(e);
            if (isUnexpected(original)) logger.error({ requestId: contextValue.requestId, err: original, path: e.path }, 'masked internal error');
          }
        },
        async willSendResponse({ response, operationName }) {
          metrics.observeRequest(operationName ?? request.operationName, Number(process.hrtime.bigint() - start) / 1e9);
          if (response.body.kind === 'single') {
            for (const e of response.body.singleResult.errors ?? []) {
              if (e.extensions?.code === 'INTERNAL_SERVER_ERROR') (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}

/** Options of {@link createApollo}. */
export interface ApolloOptions {
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly introspection: boolean;
  /** Request limits; without them only GraphQL's own validation applies (tests of resolvers). */
  readonly limits?: RequestLimits & { readonly maxTokens: number };
  /** "Did you mean" suggestions in validation errors (they reveal schema details). */
  readonly fieldSuggestions?: boolean;
  /**
   * The one switch of the fast path (src/graphql/execution): `compiled` (default) runs queries
   * compiled by graphql-jit on the prepared schema; `reference` runs graphql-js on the schema as
   * type-graphql built it. Or an execution made by `createExecution` (tests read its counters).
   * `interpreted` is the former name of `reference`.
   */
  readonly execution?: ExecutionMode | 'interpreted' | Execution;
}

/** The Apollo server of the service (not started). */
export function createApollo(options: ApolloOptions): ApolloServer<Context> {
  const limits = options.limits;
  const execution = typeof options.execution === 'object' ? options.execution : createExecution(appExecutableSchema(options.execution === 'interpreted' ? 'reference' : (options.execution ?? DEFAULT_EXECUTION_MODE)));
  return new ApolloServer<Context>({
    ...execution.apollo,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: options.fieldSuggestions === false,
    // Every request reaching Apollo carries a valid bearer token (src/http checks it first), and a
    // browser never sends an Authorization header on its own: such a request, a GET query
    // included, cannot be a cross-site request forgery. Other requests keep Apollo's check.
    csrfPrevention: { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    // main.ts drains the HTTP server first on SIGTERM; Apollo stopping itself would fail requests in flight.
    stopOnTerminationSignals: false,
    // No automatic persisted queries: clients send documents; nothing client-sent is cached.
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    ...(limits && { parseOptions: { maxTokens: limits.maxTokens }, validationRules: limitRules(limits) }),
    // Cache-control hints cost time on every field and nothing here uses them.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      // Not a federated subgraph: Apollo's default inline-trace plugin would only look at every request.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ...(limits ? [costLimitPlugin<Context>(limits)] : []),
      rolePlugin,
      partialErrorsPlugin,
      observabilityPlugin(options.metrics, options.logger),
    ],
  });
}
