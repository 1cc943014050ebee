import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * True when the field being resolved selects a subfield of this name directly (through inline
 * fragments and fragment spreads too): a resolver's look-ahead at what will be read of its value.
 */
export function selectsSubfield(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  // Every row of a list resolves the field with the same field nodes: walk them once.
  let answers = answered.get(info.fieldNodes);
  if (!answers) answered.set(info.fieldNodes, (answers = new Map()));
  let answer = answers.get(name);
  if (answer === undefined) answers.set(name, (answer = walk(info, name)));
  return answer;
}

/** Answers of {@link selectsSubfield} per field nodes (the nodes of one document; dropped with it). */
const answered = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, boolean>>();

function walk(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return visit(info.fragments[s.name.value]?.selectionSet);
    }) ?? false;
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
