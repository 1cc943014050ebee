import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  GraphQLError,
  Kind,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { errorParity } from './error-parity';

// Apollo's executor interface, as @apollo/server's own options declare it (the package that
// defines it, @apollo/server-gateway-interface, is Apollo's dependency, not ours).
/** Apollo Server's `gateway` option. */
export type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
/** What `load()` hands Apollo: runs one request's operation. */
export type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
/** The request as Apollo hands it to the executor (parsed, validated, operation resolved). */
export type GatewayRequestContext = Parameters<GatewayExecutor>[0];

/** Options of {@link compiledExecutionGateway}. */
export interface CompiledExecutionOptions {
  /** How many compiled operations are kept (least recently used dropped first). */
  readonly maxDocuments: number;
}

/** What the executor did, for tests and the benchmark. */
export interface CompiledExecutionStats {
  compiled: number;
  compiledRuns: number;
  interpretedRuns: number;
  cached: number;
}

/** The executor of compiled execution, with its counters. */
export type CompiledExecutionGateway = GatewayInterface & { readonly executor: GatewayExecutor; readonly stats: CompiledExecutionStats };

/** A compiled operation and how its errors are brought to graphql-js's. */
interface Compiled {
  readonly query: CompiledQuery['query'];
  readonly parity: ReturnType<typeof errorParity>;
}

/**
 * Apollo Server's public executor interface (the "gateway" option) serving one local schema:
 * validation, limits and every plugin stay Apollo's; only execution changes. Queries run as
 * JavaScript compiled once per document and operation by graphql-jit, kept in a bounded LRU.
 * Mutations, subscriptions, introspection, documents graphql-jit cannot compile, and requests
 * that fail before any field runs (variable coercion) go to graphql-js `execute`, so their
 * answers, serial mutation order and error messages are graphql-js's own. Field errors are
 * brought to graphql-js's (see {@link errorParity}).
 */
export function compiledExecutionGateway(schema: GraphQLSchema, options: CompiledExecutionOptions): CompiledExecutionGateway {
  const cache = new Map<string, Compiled | null>();
  const stats: CompiledExecutionStats = { compiled: 0, compiledRuns: 0, interpretedRuns: 0, cached: 0 };
  const listeners = new Set<(s: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void>();

  const interpret = (rc: GatewayRequestContext): Promise<ExecutionResult> | ExecutionResult => {
    stats.interpretedRuns++;
    return execute({
      schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: rc.request.variables,
      operationName: rc.request.operationName,
    });
  };

  const compiledFor = (rc: GatewayRequestContext, operation: OperationDefinitionNode): Compiled | null => {
    const key = `${rc.queryHash}\u0000${rc.operationName ?? ''}`;
    const hit = cache.get(key);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    let compiled: Compiled | null = null;
    if (operation.operation === 'query' && !selectsIntrospection(operation, rc.document)) {
      const result = compileQuery(schema, rc.document, rc.operationName ?? undefined);
      if (isCompiledQuery(result)) {
        compiled = { query: result.query, parity: errorParity(schema, rc.document, operation) };
        stats.compiled++;
      }
    }
    cache.set(key, compiled);
    if (cache.size > options.maxDocuments) cache.delete(cache.keys().next().value!);
    stats.cached = cache.size;
    return compiled;
  };

  const executor: GatewayExecutor = async (rc) => {
    // With an executor, Apollo hands over a document whose operation it could not pick: answer
    // as Apollo itself does without one.
    if (!rc.operation) {
      const name = rc.request.operationName;
      const message = name ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.';
      return { errors: [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } })] };
    }
    const compiled = compiledFor(rc, rc.operation);
    if (!compiled) return interpret(rc);
    const result = await compiled.query(undefined, rc.context, rc.request.variables ?? {});
    // No data: nothing ran (the variables did not coerce); graphql-js words such errors for Apollo's 400.
    if (result.data === undefined) return interpret(rc);
    stats.compiledRuns++;
    return result.errors ? { ...result, errors: compiled.parity(result.errors).map(asGraphqlJsError) } : result;
  };

  return {
    executor,
    stats,
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      const sdl = printSchema(schema);
      for (const l of listeners) l({ apiSchema: schema, coreSupergraphSdl: sdl });
      return { executor };
    },
    async stop() {
      cache.clear();
    },
  };
}

/** True when the operation reaches `__schema` or `__type` (GraphiQL's introspection): graphql-js answers those. */
function selectsIntrospection(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const seen = new Set<string>();
  const visit = (selections: OperationDefinitionNode['selectionSet']['selections']): boolean =>
    selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === '__schema' || s.name.value === '__type';
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet.selections);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      const f = fragments.get(s.name.value);
      return f ? visit(f.selectionSet.selections) : false;
    });
  return visit(operation.selectionSet.selections);
}

/**
 * graphql-jit's errors are not instances of graphql-js's GraphQLError; Apollo would wrap them
 * once more and the error mapping (src/graphql/errors.ts) would no longer reach the resolver's
 * own error. Rebuilt as graphql-js errors, they read exactly as the interpreter's.
 */
function asGraphqlJsError(jitError: GraphQLError): GraphQLError {
  // graphql-jit's class extends graphql-js's but leaves `extensions` undefined, which Apollo's formatting cannot take.
  if (Object.getPrototypeOf(jitError) === GraphQLError.prototype) return jitError;
  const e = jitError as Pick<GraphQLError, 'message' | 'path' | 'originalError' | 'extensions' | 'locations'>;
  const error = new GraphQLError(e.message, {
    path: e.path,
    originalError: e.originalError ?? undefined,
    ...(e.extensions && { extensions: e.extensions }),
  });
  (error as { locations: readonly SourceLocation[] | undefined }).locations = e.locations;
  return error;
}
