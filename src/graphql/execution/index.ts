import type { GraphQLSchema } from 'graphql';
import { assertApolloPatched } from './apollo-patch';
import type { ExecutableSchema, ExecutionMode } from './build';
import { compiledExecutionGateway, type CompiledExecutionGateway, type CompiledExecutionStats } from './compiled-executor';

// The fast path of the service behind one seam. Everything that reaches into type-graphql's
// metadata or Apollo's internals is in this folder; the rest of the service asks for an
// execution mode and gets a schema and what Apollo needs to run it.

export { apolloPatchStatus, assertApolloPatched, PATCHED_APOLLO_VERSION, type ApolloPatchStatus } from './apollo-patch';
export { buildExecutableSchema, assertFastPathPreconditions, DEFAULT_EXECUTION_MODE, type ExecutableSchema, type ExecutableSchemaOptions, type ExecutionMode, type FastPathReport } from './build';
export { compiledExecutionGateway, type CompiledExecutionGateway, type CompiledExecutionStats } from './compiled-executor';
export { type DirectResolverReport, type HandlerField } from './direct-resolvers';
export { base64urlJson, EncodingCache } from './encoding-cache';

/** How many compiled operations are kept (the contract's operations are a handful). */
const COMPILED_DOCUMENTS = 200;

/** What Apollo Server is given to execute operations: a schema, or the compiled executor. */
export type ApolloExecutionOptions = { readonly schema: GraphQLSchema; readonly gateway?: undefined } | { readonly gateway: CompiledExecutionGateway; readonly schema?: undefined };

/** One server's execution: its mode, schema, Apollo's options and (compiled) the executor's counters. */
export interface Execution {
  readonly mode: ExecutionMode;
  readonly schema: GraphQLSchema;
  readonly apollo: ApolloExecutionOptions;
  /** Compiled mode: what the executor did (tests, bench); reference: null. */
  readonly stats: CompiledExecutionStats | null;
}

/** Options of {@link createExecution}. */
export interface ExecutionOptions {
  /** Compiled operations kept (least recently used dropped); default 200. */
  readonly maxDocuments?: number;
}

/**
 * The execution of one Apollo server over a schema built for its mode. Compiled: graphql-jit
 * behind Apollo's executor interface; fails at once when the Apollo patch is not applied.
 * Reference: Apollo's own graphql-js execution of the schema.
 */
export function createExecution(executable: ExecutableSchema, options: ExecutionOptions = {}): Execution {
  const { mode, schema } = executable;
  if (mode === 'reference') return { mode, schema, apollo: { schema }, stats: null };
  assertApolloPatched();
  const gateway = compiledExecutionGateway(schema, { maxDocuments: options.maxDocuments ?? COMPILED_DOCUMENTS });
  return { mode, schema, apollo: { gateway }, stats: gateway.stats };
}
