import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// What imports what (docs/developers.md, "Architecture"), in every direction: the composition
// root alone imports adapters/; adapters import only the ports and the shared plumbing; the
// domain imports nothing; configuration does not import the composition root; lower layers do
// not import upper ones; the fast path's framework internals stay in src/graphql/execution; and
// no file takes part in an import cycle (type-only imports count: a cycle of types is still a
// knot in the design).
//
// KNOWN lists the violations found when the check was written (issue 21, item 5); each is also a
// test.todo naming it. A violation not listed fails; fixing one leaves its entry stale: remove it.

const ROOT = join(__dirname, '../..');
const SRC = join(ROOT, 'src');
const ADAPTERS = join(ROOT, 'adapters');

/** The composition root: the only files under src/ that may import adapters/ (app.ts wires through the factory). */
const COMPOSITION_ROOT = new Set(['src/composition/app.ts', 'src/composition/adapter-factory.ts', 'src/composition/adapter-configs.ts']);

/** Violations of today, by rule: `importer -> imported` (repository paths). */
const KNOWN: Readonly<Record<'adapters' | 'config' | 'cycles', readonly string[]>> = {
  adapters: [
  ],
  config: [],
  cycles: [],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : files(path);
    return /\.(ts|tsx|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Module specifiers of static imports, re-exports, dynamic imports and require calls. */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The specifiers of `file` (absolute) that resolve into adapters/. */
function adapterImports(file: string, source: string): string[] {
  return specifiers(source).filter((s) => {
    if (!s.startsWith('.')) return false;
    const target = resolve(dirname(file), s);
    return target === ADAPTERS || target.startsWith(ADAPTERS + sep);
  });
}

/** Repository path, with forward slashes. */
const rel = (file: string) => relative(ROOT, file).split(sep).join('/');

/** The file a relative specifier of `file` names (as TypeScript resolves it), or null. */
function resolveFile(file: string, specifier: string): string | null {
  const base = resolve(dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The import graph of some files: each file's local imports (repository paths). */
export function importGraph(all: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of all) {
    const targets = specifiers(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => resolveFile(file, s))
      .filter((t): t is string => t !== null)
      .map(rel);
    graph.set(rel(file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * Every import cycle of the graph, one per strongly connected component (Tarjan), each written
 * as a closed path through the component starting at its smallest file.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => cyclePath(graph, new Set(component))).sort();
}

/** A closed path through a component: from its smallest file, each step to the smallest unvisited member it imports. */
function cyclePath(graph: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>): string {
  const start = [...members].sort()[0]!;
  const path = [start];
  let at = start;
  for (;;) {
    const targets = (graph.get(at) ?? []).filter((t) => members.has(t)).sort();
    const step = targets.find((t) => !path.includes(t)) ?? (targets.includes(start) ? start : targets[0]!);
    path.push(step);
    if (step === start || path.length > members.size + 1) break;
    at = step;
  }
  return path.join(' -> ');
}

const under = (path: string, ...prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(p.endsWith('.ts') ? p : `${p}/`));

const ALL = [...files(SRC), ...files(ADAPTERS)];
const GRAPH = importGraph(ALL);

/** `importer -> imported` for every local import whose ends match. */
function edges(from: (f: string) => boolean, to: (t: string) => boolean): string[] {
  return [...GRAPH].flatMap(([file, targets]) => (from(file) ? targets.filter(to).map((t) => `${file} -> ${t}`) : [])).sort();
}

const unknown = (found: readonly string[], known: readonly string[]) => found.filter((f) => !known.includes(f));

describe('only the composition root imports adapters/', () => {
  test('the check sees every form of import', () => {
    const file = join(SRC, 'services', 'x.ts');
    const forms = [
      `import { A } from '../../adapters/sqlite/sqlite-store';`,
      `import type { B } from "../../adapters/postgres/postgres-store";`,
      `export { C } from '../../adapters/ldap/ldap-config';`,
      `const m = await import('../../adapters/sqlite/sqlite-connection');`,
      `const r = require('../../adapters/sqlite/sqlite-keyset');`,
      `import '../../adapters/sqlite/sqlite-migrations';`,
      `import {\n  D,\n  E,\n} from '../../adapters/sqlite/sqlite-mapper';`,
      `export * from '../../adapters/sqlite/sqlite-keyset';`,
    ];
    for (const form of forms) expect(adapterImports(file, form)).toHaveLength(1);
    expect(adapterImports(file, `import { x } from '../domain/records';`)).toHaveLength(0);
  });

  test('no other file under src/ imports adapters/', () => {
    const all = files(SRC);
    expect(all.length).toBeGreaterThan(20);
    const offenders = all
      .map((file) => ({ file: rel(file), imports: adapterImports(file, readFileSync(file, 'utf8')) }))
      .filter((x) => x.imports.length > 0 && !COMPOSITION_ROOT.has(x.file));
    expect(offenders).toEqual([]);
  });

  test('the composition root does import them (the check is not vacuous)', () => {
    for (const file of ['src/composition/adapter-factory.ts', 'src/composition/adapter-configs.ts']) {
      expect(adapterImports(join(ROOT, file), readFileSync(join(ROOT, file), 'utf8')).length).toBeGreaterThan(0);
    }
  });
});

describe('every other direction', () => {
  test('adapters/ import, of src/, only the ports (src/domain), the log and the metrics', () => {
    const found = edges((f) => under(f, 'adapters'), (t) => under(t, 'src') && !under(t, 'src/domain', 'src/log', 'src/metrics'));
    expect(unknown(found, KNOWN.adapters)).toEqual([]);
    // Not vacuous: adapters do import the ports.
    expect(edges((f) => under(f, 'adapters'), (t) => under(t, 'src/domain')).length).toBeGreaterThan(20);
  });
  for (const v of KNOWN.adapters) test.todo(`adapters import only src/domain, src/log, src/metrics; today: ${v}`);

  test('adapters/ never import the application: src/live, src/graphql, src/services, src/http, src/registry, src/config, the composition root', () => {
    const application = ['src/live', 'src/graphql', 'src/services', 'src/http', 'src/registry', 'src/config', 'src/auth', 'src/composition/app.ts', 'src/composition/adapter-factory.ts', 'src/main.ts'];
    const found = edges((f) => under(f, 'adapters'), (t) => under(t, ...application));
    expect(unknown(found, KNOWN.adapters)).toEqual([]);
  });

  test('src/domain (the ports) imports nothing outside itself', () => {
    expect(edges((f) => under(f, 'src/domain'), (t) => !under(t, 'src/domain'))).toEqual([]);
  });

  test('src/config imports neither the composition root nor adapters/', () => {
    const found = edges((f) => under(f, 'src/config'), (t) => under(t, 'src/composition/app.ts', 'src/composition/adapter-factory.ts', 'src/main.ts', 'adapters'));
    expect(unknown(found, KNOWN.config)).toEqual([]);
  });
  for (const v of KNOWN.config) test.todo(`src/config does not import the composition root; today: ${v}`);

  test('no module below the composition root imports it (src/composition/app.ts, src/composition/adapter-factory.ts, src/main.ts)', () => {
    const below = ['src/domain', 'src/registry', 'src/services', 'src/validation', 'src/graphql', 'src/live', 'src/auth', 'src/log', 'src/metrics', 'src/config'];
    const found = edges((f) => under(f, ...below), (t) => under(t, 'src/composition/app.ts', 'src/composition/adapter-factory.ts', 'src/main.ts'));
    expect(unknown(found, KNOWN.config)).toEqual([]);
  });

  test('lower layers do not import upper ones', () => {
    // registry, services and validation sit under GraphQL, live updates and HTTP; GraphQL under HTTP.
    expect(edges((f) => under(f, 'src/registry', 'src/services', 'src/validation'), (t) => under(t, 'src/graphql', 'src/live', 'src/http', 'src/auth'))).toEqual([]);
    expect(edges((f) => under(f, 'src/graphql', 'src/live'), (t) => under(t, 'src/http'))).toEqual([]);
    expect(edges((f) => under(f, 'src/log', 'src/metrics'), (t) => !under(t, 'src/log', 'src/metrics', 'src/domain'))).toEqual([]);
  });

  test("Apollo's and type-graphql's internals, and graphql-jit, are reached only from src/graphql/execution", () => {
    const internal = (s: string) => s === 'graphql-jit' || s.startsWith('graphql-jit/') || s === '@apollo/server-gateway-interface' || /^@apollo\/server\/dist\//.test(s) || /^type-graphql\/build\//.test(s);
    const offenders = ALL.filter((f) => !under(rel(f), 'src/graphql/execution')).flatMap((f) => {
      const source = readFileSync(f, 'utf8');
      const hits = specifiers(source).filter(internal);
      if (/\bgetMetadataStorage\b|\bBuildContext\b|\bmakeGatewayGraphQLRequestContext\b/.test(source)) hits.push('type-graphql metadata or Apollo request internals');
      return hits.map((h) => `${rel(f)}: ${h}`);
    });
    expect(offenders).toEqual([]);
    // Not vacuous: the execution module does use them.
    const execution = ALL.filter((f) => under(rel(f), 'src/graphql/execution')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(execution).toMatch(/from 'graphql-jit'/);
    expect(execution).toMatch(/getMetadataStorage/);
  });
});

describe('import cycles', () => {
  test('the cycle finder finds cycles, and names them as paths', () => {
    const graph = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['g']],
      ['g', []],
    ]);
    expect(importCycles(graph)).toEqual(['a -> b -> c -> a', 'e -> e']);
  });

  test('no file of src/ or adapters/ is part of an import cycle', () => {
    expect(GRAPH.size).toBeGreaterThan(100);
    expect(unknown(importCycles(GRAPH), KNOWN.cycles)).toEqual([]);
  });
  for (const v of KNOWN.cycles) test.todo(`no import cycle; today: ${v}`);
});
