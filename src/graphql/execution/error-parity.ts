import {
  getNamedType,
  getNullableType,
  GraphQLNonNull,
  GraphQLString,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A position of the response: whether it may hold null, and what lies below it. */
interface Position {
  readonly nullable: boolean;
  /** The item of a list. */
  readonly item?: Position;
  /** The fields of an object, by response key. */
  readonly fields?: ReadonlyMap<string, Position>;
}

/** One field (its type and sub-selection) answering a response key. */
interface Answer {
  readonly type: GraphQLOutputType;
  readonly selectionSet: SelectionSetNode | undefined;
}

/** `__typename`: a non-null leaf on every composite type. */
const TYPENAME = new GraphQLNonNull(GraphQLString);

/**
 * graphql-js and graphql-jit report the same field errors except in one case; this makes
 * compiled execution answer as graphql-js there.
 *
 * An error on a non-null field nulls its nearest nullable ancestor (or `data`). graphql-js
 * reports the first error that reaches that ancestor and no other: the ancestor's object is
 * completed with `Promise.all`, which rejects once, so the error of a second non-null field
 * failing under it (two sibling connections over a source that does not answer) goes nowhere.
 * graphql-jit trims the data the same way but keeps one error per failing field. Errors of
 * nullable fields are reported by both wherever they happened.
 *
 * The returned function keeps, of the errors of non-null fields, the first per nulled ancestor
 * (in graphql-jit's order: the order in which the fields failed). Built once per compiled
 * operation.
 */
export function errorParity(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): <E extends GraphQLError>(errors: readonly E[]) => readonly E[] {
  const root = operationPositions(schema, document, operation);
  return (errors) => {
    if (errors.length < 2) return errors;
    const nulled = new Set<string>();
    const kept = errors.filter((error) => {
      const target = nulledAncestor(root, error.path);
      if (target === null) return true;
      const key = JSON.stringify(target);
      if (nulled.has(key)) return false;
      nulled.add(key);
      return true;
    });
    return kept.length === errors.length ? errors : kept;
  };
}

/**
 * The path of the position a non-null field's error nulls (its nearest nullable ancestor; `[]`
 * for `data`); null when the error is a nullable field's own, or its path is not a position of
 * the operation (then it is kept as it is).
 */
function nulledAncestor(root: Position, path: readonly (string | number)[] | undefined): (string | number)[] | null {
  if (!path || path.length === 0) return null;
  let position = root;
  let nullablePrefix = 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const next = typeof segment === 'number' ? position.item : position.fields?.get(segment);
    if (!next) return null;
    if (next.nullable && i < path.length - 1) nullablePrefix = i + 1;
    position = next;
  }
  return position.nullable ? null : path.slice(0, nullablePrefix);
}

/** The positions of an operation's response, from the schema and the operation's selections. */
function operationPositions(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Position {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const rootType = schema.getRootType(operation.operation);
  return { nullable: true, ...(rootType && { fields: fieldsOf(schema, fragments, [{ type: rootType, selectionSet: operation.selectionSet }]) }) };
}

/**
 * The fields these selection sets (each on its parent type) select, by response key. Every
 * fragment counts, whatever type it applies to: a key answered by several fields (fragments on
 * different types of an abstract one) is nullable if any of them is.
 */
function fieldsOf(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  sets: readonly { type: GraphQLCompositeType; selectionSet: SelectionSetNode }[],
): Map<string, Position> {
  const byKey = new Map<string, Answer[]>();
  const visit = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, spreads: ReadonlySet<string>): void => {
    for (const s of selectionSet.selections) {
      if (s.kind === Kind.FIELD) {
        const name = s.name.value;
        const type_ = name === '__typename' ? TYPENAME : 'getFields' in type ? type.getFields()[name]?.type : undefined;
        if (!type_) continue;
        const key = s.alias?.value ?? name;
        byKey.set(key, [...(byKey.get(key) ?? []), { type: type_, selectionSet: s.selectionSet }]);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const on = s.typeCondition ? typeFromAST(schema, s.typeCondition) : type;
        if (on && isCompositeType(on)) visit(on, s.selectionSet, spreads);
      } else {
        const fragment = fragments.get(s.name.value);
        if (!fragment || spreads.has(s.name.value)) continue;
        const on = typeFromAST(schema, fragment.typeCondition);
        if (on && isCompositeType(on)) visit(on, fragment.selectionSet, new Set([...spreads, s.name.value]));
      }
    }
  };
  for (const { type, selectionSet } of sets) visit(type, selectionSet, new Set());
  const out = new Map<string, Position>();
  for (const [key, answers] of byKey) out.set(key, positionOf(schema, fragments, answers));
  return out;
}

/** The position of one response key, from every field that answers it. */
function positionOf(schema: GraphQLSchema, fragments: ReadonlyMap<string, FragmentDefinitionNode>, answers: readonly Answer[]): Position {
  const nullable = answers.some((a) => !isNonNullType(a.type));
  const inner = answers.map((a) => ({ type: getNullableType(a.type) as GraphQLOutputType, selectionSet: a.selectionSet }));
  const lists = inner.filter((a) => isListType(a.type));
  if (lists.length > 0) {
    return { nullable, item: positionOf(schema, fragments, lists.map((a) => ({ type: (a.type as { ofType: GraphQLOutputType }).ofType, selectionSet: a.selectionSet }))) };
  }
  const sets = inner.flatMap((a) => {
    const named = getNamedType(a.type);
    return a.selectionSet && isCompositeType(named) ? [{ type: named, selectionSet: a.selectionSet }] : [];
  });
  return sets.length > 0 ? { nullable, fields: fieldsOf(schema, fragments, sets) } : { nullable };
}
