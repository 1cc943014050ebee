/**
 * Drift test of the Customer Information Center's typed documents: like test/api/codegen.test.ts
 * does for schema/generated, the committed examples/customer-center/generated/ must be what
 * `npm run codegen` generates now from schema/schema.graphql and
 * examples/customer-center/operations/*.graphql (its own target, examples/customer-center/codegen.yml).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { getOperationAST } from 'graphql';

const root = join(__dirname, '../..');
const APP = 'examples/customer-center';
const GENERATED = `${APP}/generated/graphql.ts`;

describe('codegen of the Customer Information Center (examples/customer-center/codegen.yml → generated/graphql.ts)', () => {
  test('the committed generated files are what `npm run codegen` generates now (run it after changing the schema or an operation of the app)', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: join(root, APP, 'codegen.yml') });
    const outputs: { filename: string; content: string }[] = await generate({ ...config, cwd: root, silent: true }, false);
    // Every file of generated/ is an output, and every output is committed with the same text.
    expect(outputs.map((o) => o.filename).sort()).toEqual(readdirSync(join(root, APP, 'generated')).map((f) => `${APP}/generated/${f}`).sort());
    expect(outputs.map((o) => o.filename)).toEqual([GENERATED]);
    for (const output of outputs) {
      expect({ file: output.filename, content: readFileSync(join(root, output.filename), 'utf8') }).toEqual({ file: output.filename, content: output.content });
    }
  });

  test('every operation of the app has a typed document node of the same name', async () => {
    const generated = (await import('../../examples/customer-center/generated/graphql')) as Record<string, unknown>;
    const dir = join(root, APP, 'operations');
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^(?:query|mutation|subscription)\s+(\w+)/gm)].map((m) => m[1]!));
    expect(names.length).toBeGreaterThanOrEqual(14);
    for (const name of names) {
      const doc = generated[`${name}Document`];
      expect({ name, defined: doc !== undefined }).toEqual({ name, defined: true });
      expect(getOperationAST(doc as never)?.name?.value).toBe(name);
    }
  });
});
