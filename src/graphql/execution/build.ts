import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync, type BuildSchemaOptions } from 'type-graphql';
import { installDirectResolvers, type DirectResolverReport } from './direct-resolvers';
import { installSyncResolveTypes } from './sync-resolve-type';

/**
 * How queries execute. `compiled` (the default): graphql-jit behind Apollo's executor
 * interface, on a schema whose plain field resolvers are called directly and whose abstract
 * types resolve synchronously. `reference`: graphql-js on the schema exactly as type-graphql
 * built it, through Apollo's own execution; what compiled execution must equal
 * (test/differential/).
 */
export type ExecutionMode = 'compiled' | 'reference';

/** The mode when the caller names none. */
export const DEFAULT_EXECUTION_MODE: ExecutionMode = 'compiled';

/** The fast path's changes to the schema (compiled mode), field by field. */
export interface FastPathReport extends DirectResolverReport {
  /** Abstract types whose resolveType is synchronous. */
  readonly syncResolveTypes: readonly string[];
}

/** A schema built for one execution mode. Not changed once returned. */
export interface ExecutableSchema {
  readonly mode: ExecutionMode;
  readonly schema: GraphQLSchema;
  /** What compiled mode changed (null in reference mode, which changes nothing). */
  readonly fastPath: FastPathReport | null;
}

/** Options of {@link buildExecutableSchema} beyond type-graphql's. */
export interface ExecutableSchemaOptions {
  readonly mode?: ExecutionMode;
  /** Descriptions of the root types (type-graphql has no option for them). */
  readonly rootDescriptions?: Partial<Record<'Query' | 'Mutation' | 'Subscription', string>>;
}

/**
 * Builds the schema with type-graphql, once, and prepares it for the mode before anyone sees
 * it; nothing changes it afterwards. In compiled mode the direct resolvers' preconditions are
 * checked first: type-graphql options that would run code around every field resolver (global
 * middlewares, an auth checker) or give resolvers their instances (a container) fail the build
 * with the reason. Field resolvers that need type-graphql's handler (arguments, middlewares,
 * roles, converted roots, ...) keep it and are listed in `fastPath.handler` with the reason.
 */
export function buildExecutableSchema(options: BuildSchemaOptions, extra: ExecutableSchemaOptions = {}): ExecutableSchema {
  const mode = extra.mode ?? DEFAULT_EXECUTION_MODE;
  if (mode === 'compiled') assertFastPathPreconditions(options);
  const schema = buildSchemaSync(options);
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    const description = type && extra.rootDescriptions?.[type.name as 'Query' | 'Mutation' | 'Subscription'];
    if (type && !type.description && description) type.description = description;
  }
  if (mode === 'reference') return { mode, schema, fastPath: null };
  const resolvers = installDirectResolvers(schema, options.resolvers);
  const syncResolveTypes = installSyncResolveTypes(schema);
  return { mode, schema, fastPath: { ...resolvers, syncResolveTypes } };
}

/** The type-graphql options under which direct resolvers would answer differently: fails with the reason. */
export function assertFastPathPreconditions(options: BuildSchemaOptions): void {
  const violated = [
    (options.globalMiddlewares?.length ?? 0) > 0 && 'global middlewares (they run around every field resolver; direct resolvers would skip them)',
    options.authChecker !== undefined && 'an auth checker (direct resolvers would skip @Authorized checks)',
    options.container !== undefined && 'a container (type-graphql takes resolver instances from it; direct resolvers make their own)',
  ].filter((v): v is string => typeof v === 'string');
  if (violated.length > 0) {
    throw new Error(`compiled execution: the schema is built with ${violated.join(' and ')}; build it without them or use execution 'reference'`);
  }
}
