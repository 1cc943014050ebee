// GraphQL Code Generator plugin: the trusted-documents manifest of schema/operations/*.graphql.
// Writes `{ "<sha256 hex>": "<document>" }`, one entry per operation, the document being
// graphql-js `print()` of the operation and the fragments it uses: exactly what
// `print(XxxDocument)` of schema/generated/graphql.ts gives, so a client hashes the document it
// holds. The service runs it by hash (`trustedDocuments` in the configuration).
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

/** Fragment names a definition spreads, directly or through other fragments. */
function usedFragments(definition, fragments, seen = new Set()) {
  visit(definition, {
    FragmentSpread(node) {
      const name = node.name.value;
      if (seen.has(name) || !fragments.has(name)) return;
      seen.add(name);
      usedFragments(fragments.get(name), fragments, seen);
    },
  });
  return seen;
}

module.exports = {
  plugin(_schema, documents) {
    const definitions = documents.flatMap((d) => (d.document ? d.document.definitions : []));
    const fragments = new Map(definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    const manifest = {};
    for (const operation of definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)) {
      const used = [...usedFragments(operation, fragments)].map((name) => fragments.get(name));
      const text = print({ kind: Kind.DOCUMENT, definitions: [operation, ...used] });
      manifest[createHash('sha256').update(text, 'utf8').digest('hex')] = text;
    }
    const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : 1)));
    return JSON.stringify(sorted, null, 2) + '\n';
  },
};
