import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { buildAppSchema, printAppSchema } from '../../src/graphql/schema';
import { CONTRACT_DIR } from '../helpers/contract';

const root = join(__dirname, '../..');
/** The repository's copy of the contract (contract/; held equal to ../shared/contract by test/unit/contract-copy.test.ts). */
const contract = CONTRACT_DIR;
const shippedDir = join(root, 'schema/operations');

/** The additions of the contract this project holds (issue 11: relay; degraded lists). */
const ADDITIONS = ['relay', 'degraded', 'znuny', 'viewer'];

function operationsIn(dir: string): Map<string, OperationDefinitionNode> {
  const out = new Map<string, OperationDefinitionNode>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
    for (const def of parse(readFileSync(join(dir, file), 'utf8')).definitions) {
      if (def.kind === Kind.OPERATION_DEFINITION && def.name) out.set(def.name.value, def);
    }
  }
  return out;
}

/**
 * Every field an operation selects, as a path of response names mapped to its printed
 * arguments; `edges { node }` is read as `nodes` (the two forms of one connection), and an
 * edge's cursor is left out.
 */
function fieldPaths(selectionSet: SelectionSetNode | undefined, prefix = '', out = new Map<string, Map<string, string>>()): Map<string, Map<string, string>> {
  for (const sel of selectionSet?.selections ?? []) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      fieldPaths(sel.selectionSet, `${prefix}... on ${sel.typeCondition?.name.value ?? ''}/`, out);
      continue;
    }
    if (sel.kind !== Kind.FIELD) throw new Error('fragment spreads are not used in the shipped operations');
    const name = sel.alias?.value ?? sel.name.value;
    if (name === 'edges') {
      const node = sel.selectionSet?.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'node');
      if (node?.kind === Kind.FIELD) fieldPaths(node.selectionSet, `${prefix}nodes/`, out.set(`${prefix}nodes`, new Map()));
      continue;
    }
    out.set(`${prefix}${name}`, new Map((sel.arguments ?? []).map((a) => [a.name.value, print(a.value)])));
    fieldPaths(sel.selectionSet, `${prefix}${name}/`, out);
  }
  return out;
}

function variables(op: OperationDefinitionNode): Map<string, string> {
  return new Map((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, print(v.type)]));
}

describe('schema', () => {
  test('schema/schema.graphql is the schema emitted from the code (run `npm run schema` after changing it)', () => {
    expect(readFileSync(join(root, 'schema/schema.graphql'), 'utf8')).toBe(printAppSchema());
  });

  test.each([[[]], ...ADDITIONS.map((a) => [['--with', a]])])('the contract check %p reports 0 differences', (extra) => {
    const out = execFileSync('node', [join(contract, 'check-schema.mjs'), 'schema/schema.graphql', ...(extra as string[])], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('contract holds: 0 differences');
  });
});

describe('schema/operations: the shipped operations', () => {
  const schema = buildAppSchema();
  const shipped = operationsIn(shippedDir);
  const documents: [string, DocumentNode][] = readdirSync(shippedDir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => [f, parse(readFileSync(join(shippedDir, f), 'utf8'))]);

  test('each file validates on its own', () => {
    expect(documents.length).toBeGreaterThanOrEqual(8);
    for (const [file, doc] of documents) expect({ file, errors: validate(schema, doc).map((e) => e.message) }).toEqual({ file, errors: [] });
  });

  const contractDirs = [join(contract, 'operations'), ...ADDITIONS.map((a) => join(contract, 'additions', a, 'operations'))].filter(existsSync);
  const contractOps = contractDirs.flatMap((dir) => [...operationsIn(dir)].map(([name, op]) => [name, op] as const));

  test.each(contractOps.map(([name, op]) => [name, op]))(
    'contract operation %s is shipped: same name, its variables, every field it selects with its arguments (nodes may be edges { node })',
    (name, contractOp) => {
      const op = shipped.get(name as string);
      expect(op).toBeDefined();
      const mine = variables(op!);
      for (const [v, type] of variables(contractOp as OperationDefinitionNode)) expect({ variable: v, type: mine.get(v) }).toEqual({ variable: v, type });
      // Variables the contract does not have must be optional.
      for (const def of op!.variableDefinitions ?? []) {
        if (!variables(contractOp as OperationDefinitionNode).has(def.variable.name.value)) expect(def.type.kind).not.toBe(Kind.NON_NULL_TYPE);
      }
      const wanted = fieldPaths((contractOp as OperationDefinitionNode).selectionSet);
      const have = fieldPaths(op!.selectionSet);
      for (const [path, args] of wanted) {
        expect({ path, selected: have.has(path) }).toEqual({ path, selected: true });
        for (const [arg, value] of args) expect({ path, arg, value: have.get(path)!.get(arg) }).toEqual({ path, arg, value });
      }
    },
  );

  test('every object with an id selects it, and connections use edges, never nodes', () => {
    const missing: string[] = [];
    const nodesUsed: string[] = [];
    for (const [file, doc] of documents) {
      const typeInfo = new TypeInfo(schema);
      visit(
        doc,
        visitWithTypeInfo(typeInfo, {
          SelectionSet(node, _key, parent) {
            // A fragment's fields add to those of the selection it sits in, which has the id.
            if (parent && 'kind' in parent && parent.kind === Kind.INLINE_FRAGMENT) return;
            const type = typeInfo.getType() && getNamedType(typeInfo.getType());
            if (!(isObjectType(type) || isInterfaceType(type)) || !('id' in type.getFields())) return;
            const names = node.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
            if (!names.includes('id')) missing.push(`${file}: ${type.name} { ${names.join(' ')} }`);
          },
          Field(node) {
            const parent = typeInfo.getParentType();
            if (node.name.value === 'nodes' && parent?.name.endsWith('Connection')) nodesUsed.push(`${file}: ${parent.name}.nodes`);
          },
        }),
      );
    }
    expect(missing).toEqual([]);
    expect(nodesUsed).toEqual([]);
  });

  test('an object without an id is selected with the same fields everywhere (a cache replaces it whole: no data lost, no warning)', () => {
    const shapes = new Map<string, Set<string>>();
    for (const [, doc] of documents) {
      const typeInfo = new TypeInfo(schema);
      visit(
        doc,
        visitWithTypeInfo(typeInfo, {
          SelectionSet(node) {
            const type = typeInfo.getType() && getNamedType(typeInfo.getType());
            // Connections and edges are merged by the pagination policy; root types hold no data.
            if (!isObjectType(type) || 'id' in type.getFields() || /(Connection|Edge)$/.test(type.name)) return;
            if ([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type)) return;
            const names = node.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])).sort().join(' ');
            shapes.set(type.name, (shapes.get(type.name) ?? new Set()).add(names));
          },
        }),
      );
    }
    expect([...shapes.keys()].sort()).toEqual(expect.arrayContaining(['Country', 'Link', 'PageInfo', 'TicketCounts']));
    for (const [type, set] of shapes) expect({ type, shapes: [...set] }).toEqual({ type, shapes: [[...set][0]] });
  });
});
