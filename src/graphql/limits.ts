import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** The request limits in force (the `limits` block of the configuration). */
export interface RequestLimits {
  /** Deepest field nesting of an operation, fragments expanded. */
  readonly maxDepth: number;
  /** Deepest nesting under `__schema` / `__type` (the standard introspection query is 15 deep). */
  readonly maxIntrospectionDepth: number;
  /** Aliases in one document. */
  readonly maxAliases: number;
  /** Directives in one document. */
  readonly maxDirectives: number;
  /** Largest cost of one operation (see {@link operationCost}). */
  readonly maxCost: number;
  /** Largest `first` a list accepts; caps the multiplier of a list in the cost. */
  readonly maxPageSize: number;
}

function refuse(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/**
 * Field depth of a selection set with fragments expanded. A fragment already on the current path
 * counts as nothing (cycles are refused by GraphQL's own NoFragmentCycles rule).
 */
function depthOf(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  path: Set<string>,
  stopAt: number,
  memo = new Map<string, number>(),
): number {
  if (!set) return 0;
  let deepest = 0;
  for (const s of set.selections) {
    let d = 0;
    if (s.kind === Kind.FIELD) d = s.selectionSet ? 1 + depthOf(s.selectionSet, fragments, path, stopAt - 1, memo) : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, fragments, path, stopAt, memo);
    else {
      // A fragment's depth does not depend on where it is spread: computed once (documents that
      // spread fragments exponentially often stay cheap to check).
      const name = s.name.value;
      const fragment = fragments.get(name);
      if (memo.has(name)) d = memo.get(name)!;
      else if (fragment && !path.has(name)) {
        path.add(name);
        d = depthOf(fragment.selectionSet, fragments, path, Number.MAX_SAFE_INTEGER, memo);
        path.delete(name);
        memo.set(name, d);
      }
    }
    deepest = Math.max(deepest, d);
    if (deepest > stopAt) return deepest; // already over: no need to walk the rest
  }
  return deepest;
}

/** Validation rules for the document-only limits: depth, aliases, directives. */
export function limitRules(limits: RequestLimits): ValidationRule[] {
  const depth: ValidationRule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const fragments = fragmentsOf(context.getDocument());
      // Introspection (root fields __schema and __type) has its own bound: GraphiQL's standard
      // introspection query is deeper than any data query needs to be.
      const meta = (s: SelectionNode) => s.kind === Kind.FIELD && s.name.value.startsWith('__') && s.selectionSet !== undefined;
      const part = (keep: boolean): SelectionSetNode => ({ ...node.selectionSet, selections: node.selectionSet.selections.filter((s) => meta(s) === keep) });
      const d = depthOf(part(false), fragments, new Set(), limits.maxDepth);
      if (d > limits.maxDepth) context.reportError(refuse(`The operation is nested deeper than ${limits.maxDepth} fields`));
      const i = depthOf(part(true), fragments, new Set(), limits.maxIntrospectionDepth);
      if (i > limits.maxIntrospectionDepth) context.reportError(refuse(`The introspection is nested deeper than ${limits.maxIntrospectionDepth} fields`));
    },
  });
  const counts: ValidationRule = (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    let directives = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Directive() {
        directives++;
      },
      Document: {
        leave() {
          if (aliases > limits.maxAliases) context.reportError(refuse(`The document has more than ${limits.maxAliases} aliases`));
          if (directives > limits.maxDirectives) context.reportError(refuse(`The document has more than ${limits.maxDirectives} directives`));
        },
      },
    };
  };
  // graphql 16 lets an operation of a type the schema lacks (subscription here) pass validation and
  // fail in execution as an internal error; refuse it as an invalid document instead.
  const knownOperationTypes: ValidationRule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      if (!root) context.reportError(refuse(`The schema does not support ${node.operation} operations`));
    },
  });
  return [depth, counts, knownOperationTypes];
}

/**
 * The cost of an operation: every field costs 1; a field with `first`/`last` arguments (a page
 * of a list) multiplies the cost of its selection by its page size: the literal, else the
 * variable's value, else the variable's default, else the field's default page size (its
 * `pageSize` extension), capped at `maxPageSize`
 * (a larger `first` is refused with BAD_USER_INPUT when it runs). Fragments are expanded; a
 * fragment cycle costs nothing more (such documents are refused by validation anyway).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  maxPageSize: number,
  stopAt = Number.MAX_SAFE_INTEGER,
  readVariables?: Set<string>,
): number {
  const fragments = fragmentsOf(document);
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const variableValues: Record<string, unknown> = {};
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (variables[name] !== undefined) variableValues[name] = variables[name];
    else if (def.defaultValue?.kind === Kind.INT) variableValues[name] = Number(def.defaultValue.value);
  }

  function pageSize(value: unknown): number {
    return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(Math.trunc(value), 0), maxPageSize) : maxPageSize;
  }

  const memo = new Map<string, number>();
  function cost(set: SelectionSetNode | undefined, type: GraphQLNamedType | null | undefined, path: Set<string>, budget: number): number {
    if (!set) return 0;
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith('__')) {
          total += 1;
          continue;
        }
        const def = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[s.name.value] : undefined;
        let multiplier = 1;
        if (def?.args.some((a) => a.name === 'first' || a.name === 'last')) {
          const sizes = ['first', 'last'].map((name) => {
            const given = s.arguments?.find((a) => a.name.value === name)?.value;
            if (given?.kind === Kind.INT) return Number(given.value);
            if (given?.kind === Kind.VARIABLE) {
              readVariables?.add(given.name.value);
              return variableValues[given.name.value] ?? undefined;
            }
            return given && given.kind !== Kind.NULL ? Number.NaN : undefined;
          });
          multiplier = pageSize(sizes.find((v) => v != null) ?? def.extensions?.pageSize);
        }
        total += 1 + multiplier * cost(s.selectionSet, def ? getNamedType(def.type) : undefined, path, budget);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const t = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        total += cost(s.selectionSet, t, path, budget);
      } else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (memo.has(name)) total += memo.get(name)!;
        else if (fragment && !path.has(name)) {
          path.add(name);
          const c = cost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), path, budget);
          path.delete(name);
          memo.set(name, c);
          total += c;
        }
      }
      if (total > budget) return total; // over budget: stop walking (bounds the work on huge documents)
    }
    return total;
  }
  return cost(operation.selectionSet, root, new Set(), stopAt);
}

/**
 * Refuses operations over the cost limit before anything executes. The cost depends on variables,
 * so it is checked per request (validation results are cached per document).
 */
export function costLimitPlugin<C extends object>(limits: RequestLimits): ApolloServerPlugin<C> {
  // The cost of an operation depends only on its document and the variables it reads as page
  // sizes: kept per operation (documents are parsed once and cached by Apollo) and per those
  // variables' values, for costs within the limit.
  const known = new WeakMap<OperationDefinitionNode, { readonly variables: readonly string[]; readonly costs: Map<string, number> }>();
  const refuseOver = (c: number) => {
    if (c > limits.maxCost) throw refuse(`The operation costs more than ${limits.maxCost} (page sizes multiply nested fields)`);
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          const entry = known.get(operation);
          const key = entry && costKey(entry.variables, variables);
          const hit = key === undefined ? undefined : entry!.costs.get(key);
          if (hit !== undefined) return refuseOver(hit);
          const read = new Set<string>();
          const c = operationCost(schema, document, operation, variables, limits.maxPageSize, limits.maxCost, read);
          refuseOver(c);
          const kept = entry ?? { variables: [...read], costs: new Map<string, number>() };
          if (!entry) known.set(operation, kept);
          if (kept.costs.size >= COSTS_PER_OPERATION) kept.costs.clear();
          kept.costs.set(costKey(kept.variables, variables), c);
        },
      };
    },
  };
}

/** The values of the page-size variables (an absent one, which takes its default, apart from null). */
function costKey(names: readonly string[], variables: Readonly<Record<string, unknown>>): string {
  return names.map((v) => (variables[v] === undefined ? '~' : JSON.stringify(variables[v]))).join(',');
}

/** Costs kept per operation (page-size combinations; the shipped screens use a handful). */
const COSTS_PER_OPERATION = 64;
