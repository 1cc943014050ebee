import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '../..');
const SRC = join(ROOT, 'src');
const ADAPTERS = join(ROOT, 'adapters');

/** The composition root: the only files under src/ that may import adapters/. */
const COMPOSITION_ROOT = new Set(['src/app.ts', 'src/adapter-factory.ts']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx|mts|cts|js|mjs)$/.test(name) ? [path] : [];
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
    ];
    for (const form of forms) expect(adapterImports(file, form)).toHaveLength(1);
    expect(adapterImports(file, `import { x } from '../domain/records';`)).toHaveLength(0);
  });

  test('no other file under src/ imports adapters/', () => {
    const all = files(SRC);
    expect(all.length).toBeGreaterThan(20);
    const offenders = all
      .map((file) => ({ file: relative(ROOT, file).split(sep).join('/'), imports: adapterImports(file, readFileSync(file, 'utf8')) }))
      .filter((x) => x.imports.length > 0 && !COMPOSITION_ROOT.has(x.file));
    expect(offenders).toEqual([]);
  });

  test('the composition root does import them (the check is not vacuous)', () => {
    for (const file of COMPOSITION_ROOT) expect(adapterImports(join(ROOT, file), readFileSync(join(ROOT, file), 'utf8')).length).toBeGreaterThan(0);
  });
});
