import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as graphqlESLint from '@graphql-eslint/eslint-plugin';
import { Linter } from 'eslint';

const root = join(__dirname, '../..');
const SCHEMA = 'schema/schema.graphql';

/**
 * The schema linter's configuration: @graphql-eslint's `schema-all` (which includes
 * `schema-recommended`) and `schema-relay` rules, with `require-description` on every kind of
 * definition. Each rule switched off or narrowed says why.
 */
const rules: Linter.RulesRecord = {
  ...graphqlESLint.configs['flat/schema-all'].rules,
  ...graphqlESLint.configs['flat/schema-relay'].rules,
  // Every type, field, argument, enum value and input field has a description (issue 11, item 6).
  '@graphql-eslint/require-description': [
    'error',
    { types: true, rootField: true, DirectiveDefinition: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true },
  ],
  // Connections also offer `nodes` beside `edges` (a contract field, GitHub's shortcut), and plain
  // lists (links, countries, customerIds) are not connections: a list need not wrap an edge type.
  '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false }],
  // Types without identity of their own: value objects embedded in their parent (Country, Link,
  // TicketCounts, PageInfo, DynamicFieldValue, and the caller's Viewer) and the Relay connection and edge types, which by definition have no id.
  '@graphql-eslint/strict-id-in-types': [
    'error',
    { acceptedIdNames: ['id'], acceptedIdTypes: ['ID'], exceptions: { types: ['Country', 'Link', 'TicketCounts', 'PageInfo', 'DynamicFieldValue', 'Viewer'], suffixes: ['Connection', 'Edge'] } },
  ],
  // Off: `Customer.customerId` and `Customer.customerUsers` are names of the contract (OTRS's
  // CustomerID), which the project may not rename.
  '@graphql-eslint/no-typename-prefix': 'off',
  // Off: schema/schema.graphql is generated, sorted by graphql-js's lexicographicSortSchema, whose
  // order differs from this rule's (it puts `id` first); nobody orders the file by hand.
  '@graphql-eslint/alphabetize': 'off',
  // Off: the contract defines Mutation and Subscription root types.
  '@graphql-eslint/no-root-type': 'off',
  // Off: the contract's mutations return their non-null record (errors carry extensions.code) and
  // its list queries a non-null connection; making them nullable would break clients.
  '@graphql-eslint/require-nullable-result-in-root': 'off',
  // Off: the contract's mutations return the changed record itself, with its id, which a
  // normalized cache merges; a Query field in each payload is not part of the contract.
  '@graphql-eslint/require-field-of-type-query-in-mutation-result': 'off',
  // Off: update mutations take the record's key beside `input` (updateCustomer(customerId, input)),
  // as the contract defines them.
  '@graphql-eslint/input-name': 'off',
};

function lint(): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config[] = [
    {
      files: ['**/*.graphql'],
      languageOptions: { parser: graphqlESLint.parser, parserOptions: { graphQLConfig: { schema: join(root, SCHEMA) } } },
      plugins: { '@graphql-eslint': graphqlESLint as never },
      rules,
    },
  ];
  return linter.verify(readFileSync(join(root, SCHEMA), 'utf8'), config, join(root, SCHEMA));
}

describe('schema linter (@graphql-eslint: schema-all and schema-relay rules)', () => {
  test(`${SCHEMA}: 0 findings`, () => {
    const findings = lint().map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'parser'}: ${m.message}`);
    expect(findings).toEqual([]);
  });

  test('the rules run: a field without a description is found (the check can fail)', () => {
    const linter = new Linter({ configType: 'flat' });
    const sdl = '"""A query."""\ntype Query {\n  """Described."""\n  a: Int\n  b: Int\n}\n';
    const messages = linter.verify(
      sdl,
      [{ files: ['**/*.graphql'], languageOptions: { parser: graphqlESLint.parser, parserOptions: { graphQLConfig: { schema: sdl } } }, plugins: { '@graphql-eslint': graphqlESLint as never }, rules: { '@graphql-eslint/require-description': rules['@graphql-eslint/require-description']! } }],
      'probe.graphql',
    );
    expect(messages.map((m) => m.message)).toEqual(['Description is required for field "b" in type "Query"']);
  });

  test('every rule switched off is justified by a comment in this configuration', () => {
    const source = readFileSync(__filename, 'utf8');
    const off = Object.entries(rules).filter(([, v]) => v === 'off').map(([k]) => k);
    expect(off.length).toBeGreaterThan(0);
    for (const rule of off) expect({ rule, justified: new RegExp(`// Off: [^\\n]+\\n(?:\\s*//[^\\n]*\\n)*\\s*'${rule}': 'off'`).test(source) }).toEqual({ rule, justified: true });
  });
});
