import { isAbstractType, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql wraps every `resolveType` given to `@InterfaceType` or `createUnionType` in an
 * async function (so that it may return a promise or a class). graphql-jit does not await a
 * type resolver: it needs the type name synchronously. This installs, on a schema just built,
 * a synchronous wrapper of the same function that answers as type-graphql's does (a name as it
 * is, a class by its type's name, anything that is not one of the abstract type's possible
 * types undefined). A resolveType that returns a promise fails loudly instead of being read as
 * a type name. Returns the names of the abstract types it changed.
 */
export function installSyncResolveTypes(schema: GraphQLSchema): string[] {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  const declared = [
    ...storage.interfaceTypes.map((i) => ({ name: i.name, resolveType: i.resolveType })),
    ...storage.unions.map((u) => ({ name: u.name, resolveType: u.resolveType })),
  ];
  const changed: string[] = [];
  for (const { name, resolveType } of declared) {
    const type = schema.getType(name);
    if (!resolveType || !type || !isAbstractType(type)) continue;
    const possible = new Set(schema.getPossibleTypes(type).map((t) => t.name));
    const sync: GraphQLTypeResolver<unknown, unknown> = (value, context, info, abstractType) => {
      const resolved: unknown = resolveType(value, context, info, abstractType);
      if (resolved && typeof (resolved as PromiseLike<unknown>).then === 'function') {
        throw new Error(`resolveType of ${name} returned a promise: compiled execution needs it synchronous`);
      }
      if (typeof resolved === 'string') return resolved;
      const typeName = resolved ? typeNames.get(resolved) : undefined;
      return typeName !== undefined && possible.has(typeName) ? typeName : undefined;
    };
    type.resolveType = sync;
    changed.push(name);
  }
  return changed;
}
