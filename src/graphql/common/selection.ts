import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * True when the field being resolved selects a subfield of this name directly (through inline
 * fragments and fragment spreads too): a resolver's look-ahead at what will be read of its value.
 */
export function selectsSubfield(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  return fieldsAt(info, [name]).length > 0;
}

/**
 * The fields selected at `path` (field names, one level each) below the field being resolved,
 * through inline fragments and fragment spreads: a look-ahead more than one level deep, e.g.
 * `['edges', 'node', 'ticketCounts']` from a connection. Directives are not evaluated (a field
 * under `@include(if: false)` counts as selected), so use it for hints that change no answer.
 */
export function fieldsAt(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[]): readonly FieldNode[] {
  // Every row of a list resolves its fields with the same field nodes: walk them once.
  const key = path.join('.');
  let answers = reached.get(info.fieldNodes);
  if (!answers) reached.set(info.fieldNodes, (answers = new Map()));
  let found = answers.get(key);
  if (!found) {
    found = info.fieldNodes;
    for (const name of path) found = found.flatMap((node) => fieldsNamed(node.selectionSet, name, info.fragments));
    answers.set(key, found);
  }
  return found;
}

/** Answers of {@link fieldsAt} per field nodes (the nodes of one document; dropped with it) and path. */
const reached = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, readonly FieldNode[]>>();

function fieldsNamed(set: SelectionSetNode | undefined, name: string, fragments: GraphQLResolveInfo['fragments'], seen = new Set<string>()): FieldNode[] {
  if (!set) return [];
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === name ? [s] : [];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsNamed(s.selectionSet, name, fragments, seen);
    if (seen.has(s.name.value)) return [];
    seen.add(s.name.value);
    return fieldsNamed(fragments[s.name.value]?.selectionSet, name, fragments, seen);
  });
}
