import 'reflect-metadata';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { assertInterfaceType, GraphQLError } from 'graphql';
import type { Logger } from '../log/logger';
import type { Metrics } from '../metrics/metrics';
import type { Context } from './context';
import { formatError, isUnexpected } from './errors';
import { compiledExecutionGateway } from './executor';
import { costLimitPlugin, limitRules, type RequestLimits } from './limits';
import { partialErrorsPlugin } from './partial-errors';
import { nodeTypeOf } from './node/node.type';
import { buildAppSchema } from './schema';

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
   * Queries run compiled by graphql-jit (default) or interpreted by graphql-js; the benchmark
   * compares both (docs/performance.md).
   */
  readonly execution?: 'compiled' | 'interpreted';
  /** The executor of compiled execution (tests read its counters); default a new one. */
  readonly gateway?: ReturnType<typeof compiledExecutionGateway>;
}

/** How many compiled operations the executor keeps (the contract's operations are a handful). */
const COMPILED_DOCUMENTS = 200;

/** The Apollo server of the service (not started). */
export function createApollo(options: ApolloOptions): ApolloServer<Context> {
  const limits = options.limits;
  const schema = buildAppSchema();
  // type-graphql wraps resolveType in an async function; compiled execution (graphql-jit) needs
  // the type name synchronously. Same answer for graphql-js.
  assertInterfaceType(schema.getType('Node')).resolveType = nodeTypeOf;
  return new ApolloServer<Context>({
    ...(options.execution === 'interpreted' ? { schema } : { gateway: options.gateway ?? compiledExecutionGateway(schema, { maxDocuments: COMPILED_DOCUMENTS }) }),
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
      ApolloServerPluginLandingPageDisabled(),
      ...(limits ? [costLimitPlugin<Context>(limits)] : []),
      rolePlugin,
      partialErrorsPlugin,
      observabilityPlugin(options.metrics, options.logger),
    ],
  });
}
