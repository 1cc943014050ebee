import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/** Where each parameter kind of a field resolver sits in GraphQL's `(root, args, context, info)`. */
const POSITION: Readonly<Record<string, number>> = { root: 0, context: 2, info: 3 };

type Method = (...params: unknown[]) => unknown;

/** A field resolver left to type-graphql's handler, and why. */
export interface HandlerField {
  readonly field: string;
  readonly reason: string;
}

/** What {@link installDirectResolvers} did, field by field (`Type.field`). */
export interface DirectResolverReport {
  /** Fields whose resolver now calls the method directly. */
  readonly direct: readonly string[];
  /** Field resolvers of this schema that keep type-graphql's handler. */
  readonly handler: readonly HandlerField[];
}

/**
 * type-graphql runs every field resolver through a generic handler: per call it asks its
 * container for the resolver instance, runs the middleware chain, sorts and maps the parameter
 * metadata and checks for promises. The list screen makes about 350 such calls. For a field
 * resolver that takes only `@Root`, `@Ctx` and `@Info` (whole values: nothing to convert or
 * validate), with no middleware and no roles, this installs a resolver that calls the method
 * directly with the same arguments, on one instance of its resolver class (the subclass in this
 * build, for a field resolver inherited from a base resolver class). Every other field resolver of
 * the schema keeps type-graphql's handler and is listed with the reason.
 *
 * Only for a schema just built by type-graphql from `resolvers`, before anything else sees it,
 * and built without global middlewares, auth checker or container: build.ts checks those
 * before it calls this. Metadata that does not match the schema (a field resolver whose field
 * the schema lacks) fails: nothing is skipped silently.
 */
export function installDirectResolvers(schema: GraphQLSchema, resolvers: readonly Function[]): DirectResolverReport {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  const ours = new Set(resolvers);
  const candidates = new Map<string, GraphQLFieldResolver<unknown, unknown> | string>();
  const instances = new Map<unknown, object>();
  for (const fr of storage.fieldResolvers) {
    // The class whose instance type-graphql calls the method on: the resolver class itself, or
    // the one resolver class of this build extending it (type-graphql moves inherited field
    // resolvers to the subclass). Field resolvers of classes outside this build belong to
    // another schema.
    const owners = fr.kind !== 'external' ? [] : ours.has(fr.target) ? [fr.target] : resolvers.filter((r) => Object.prototype.isPrototypeOf.call(fr.target, r));
    if (fr.kind === 'external' && owners.length === 0) continue;
    const objectType = fr.getObjectType?.();
    const typeName = typeNames.get(objectType);
    const interfaceName = typeName === undefined ? storage.interfaceTypes.find((i) => i.target === objectType)?.name : undefined;
    const field = `${typeName ?? interfaceName ?? '?'}.${fr.schemaName}`;
    if (typeName === undefined && interfaceName === undefined) {
      if (fr.kind === 'internal') continue; // a method field of a type outside this build
      throw new Error(`direct resolvers: the field resolver ${fr.target.name}.${fr.methodName} names no object or interface type type-graphql knows`);
    }
    if (!schema.getType(typeName ?? interfaceName!)) {
      if (fr.kind === 'internal') continue; // a method field of a type of another schema
      throw new Error(`direct resolvers: ${fr.target.name}.${fr.methodName} resolves ${field}, a type the schema built from its class does not have`);
    }
    if (!Array.isArray(fr.params) || !Array.isArray(fr.middlewares)) {
      throw new Error(`direct resolvers: the metadata of ${field} is not built; call installDirectResolvers right after type-graphql built the schema`);
    }
    const owner = owners[0] as (new () => object) | undefined;
    const params = [...fr.params].sort((a, b) => a.index - b.index);
    const reason = candidates.has(field)
      ? 'declared twice'
      : fr.kind !== 'external' || !owner
        ? 'a method of the object type (type-graphql converts the root to its class)'
        : owners.length > 1
          ? 'inherited by several resolver classes'
          : typeName === undefined
            ? 'declared on an interface'
            : !params.every((p) => p.kind in POSITION)
              ? 'takes arguments or a custom parameter'
              : params.some((p) => (p.kind === 'root' || p.kind === 'context') && p.propertyName)
                ? 'takes a property of the root or context'
                : params.some((p) => p.kind === 'root' && p.getType)
                  ? 'its root is typed as a class (type-graphql converts it)'
                  : fr.middlewares.length > 0
                    ? 'has middlewares'
                    : fr.roles !== undefined
                      ? 'has roles'
                      : owner.length > 0
                        ? 'its class takes constructor arguments'
                        : null;
    if (reason || !owner) {
      // A second declaration also sends the first one back to the handler.
      candidates.set(field, reason ?? 'no resolver class');
      continue;
    }
    let instance = instances.get(owner);
    if (!instance) instances.set(owner, (instance = new owner()));
    const method = (instance as Record<string, Method>)[fr.methodName];
    if (typeof method !== 'function') {
      candidates.set(field, 'its method is not a function of the class instance');
      continue;
    }
    candidates.set(field, direct(method.bind(instance), params.map((p) => POSITION[p.kind]!)));
  }
  const installed: string[] = [];
  const handler: HandlerField[] = [];
  for (const [name, resolve] of candidates) {
    const [typeName, fieldName] = name.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = isObjectType(type) || (type && 'getFields' in type) ? (type as { getFields(): Record<string, { resolve?: unknown }> }).getFields()[fieldName] : undefined;
    if (!field?.resolve) throw new Error(`direct resolvers: type-graphql has a field resolver for ${name}, but the schema has no resolver there`);
    if (typeof resolve === 'string') {
      handler.push({ field: name, reason: resolve });
      continue;
    }
    (field as { resolve: GraphQLFieldResolver<unknown, unknown> }).resolve = resolve;
    installed.push(name);
  }
  return { direct: installed, handler };
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
