import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/** Where each parameter kind of a field resolver sits in GraphQL's `(root, args, context, info)`. */
const POSITION: Readonly<Record<string, number>> = { root: 0, context: 2, info: 3 };

type Method = (...params: unknown[]) => unknown;

/**
 * type-graphql runs every field resolver through a generic handler: per call it asks its
 * container for the resolver instance, runs the (empty) middleware chain, sorts and maps the
 * parameter metadata and checks for promises. The list screen makes about 350 such calls. For
 * a field resolver that takes only `@Root`, `@Ctx` and `@Info` (whole values: nothing to convert
 * or validate), with no middleware and no roles, this installs a resolver that calls the method
 * directly with the same arguments, on one instance of its class. Anything else (arguments,
 * middlewares, auth) keeps type-graphql's handler. Returns how many fields it changed.
 *
 * The schema must be built without global middlewares or an auth checker (src/graphql/schema.ts).
 */
export function installDirectResolvers(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  const candidates = new Map<string, GraphQLFieldResolver<unknown, unknown> | null>();
  const instances = new Map<unknown, object>();
  for (const fr of storage.fieldResolvers) {
    const typeName = typeNames.get(fr.getObjectType?.());
    if (!typeName) continue;
    const field = `${typeName}.${fr.schemaName}`;
    const params = [...(fr.params ?? [])].sort((a, b) => a.index - b.index);
    const plain = params.every((p) => p.kind in POSITION && !('propertyName' in p && p.propertyName) && !('getType' in p && p.getType));
    const target = fr.target as new () => object;
    if (candidates.has(field) || !plain || (fr.middlewares?.length ?? 0) > 0 || fr.roles !== undefined || target.length > 0) {
      // Two declarations of one field, or one that needs type-graphql's handler: leave it.
      candidates.set(field, null);
      continue;
    }
    let instance = instances.get(target);
    if (!instance) instances.set(target, (instance = new target()));
    const method = (instance as Record<string, Method>)[fr.methodName];
    if (typeof method !== 'function') {
      candidates.set(field, null);
      continue;
    }
    candidates.set(field, direct(method.bind(instance), params.map((p) => POSITION[p.kind]!)));
  }
  let installed = 0;
  for (const [name, resolve] of candidates) {
    if (!resolve) continue;
    const [typeName, fieldName] = name.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field?.resolve) continue;
    field.resolve = resolve;
    installed++;
  }
  return installed;
}

/** A resolver passing GraphQL's arguments at `positions` to `method`, in that order. */
function direct(method: Method, positions: readonly number[]): GraphQLFieldResolver<unknown, unknown> {
  switch (positions.join()) {
    case '':
      return () => method();
    case '0':
      return (root) => method(root);
    case '0,2':
      return (root, _args, context) => method(root, context);
    case '0,2,3':
      return (root, _args, context, info) => method(root, context, info);
    default:
      return (...given: unknown[]) => method(...positions.map((p) => given[p]));
  }
}
