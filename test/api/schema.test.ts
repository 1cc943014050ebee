import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { buildAppSchema, printAppSchema } from '../../src/graphql/schema';

const root = join(__dirname, '../..');

describe('schema', () => {
  test('schema/schema.graphql is the schema emitted from the code (run `npm run schema` after changing it)', () => {
    expect(readFileSync(join(root, 'schema/schema.graphql'), 'utf8')).toBe(printAppSchema());
  });

  test('the contract check reports 0 differences', () => {
    const out = execFileSync('node', [join(root, '../shared/contract/check-schema.mjs'), 'schema/schema.graphql'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('contract holds: 0 differences');
  });

  test('the contract check with the addition "live" (subscriptions) reports 0 differences', () => {
    const out = execFileSync('node', [join(root, '../shared/contract/check-schema.mjs'), 'schema/schema.graphql', '--with', 'live'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('contract holds: 0 differences');
  });

  test('the operations of the addition "live" validate against the schema', () => {
    const dir = join(root, '../shared/contract/additions/live/operations');
    for (const file of readdirSync(dir)) expect(validate(buildAppSchema(), parse(readFileSync(join(dir, file), 'utf8')))).toEqual([]);
  });

  test('schema/operations holds the contract operations, unchanged, and each validates', () => {
    const contractDir = join(root, '../shared/contract/operations');
    for (const file of readdirSync(contractDir)) {
      const text = readFileSync(join(contractDir, file), 'utf8');
      expect(readFileSync(join(root, 'schema/operations', file), 'utf8')).toBe(text);
      expect(validate(buildAppSchema(), parse(text))).toEqual([]);
    }
  });
});
