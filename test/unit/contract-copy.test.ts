import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONTRACT_DIR, SHARED_CONTRACT_DIR } from '../helpers/contract';

// The repository keeps its own copy of the contract (contract/), so that a clone of the project
// alone passes its tests and its docs link inside it. The copy must be the contract itself: when
// ../shared/contract is beside the project, both hold the same files with the same bytes. After
// the contract changes: `rm -r contract && cp -r ../shared/contract contract && chmod -R u+w contract`.

/** Every file under dir, as a path relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('the repository copy of the contract (contract/)', () => {
  test('holds what the tests read: the schema, check-schema.mjs, the operations and every addition', () => {
    for (const f of ['README.md', 'schema.graphql', 'check-schema.mjs']) expect(existsSync(join(CONTRACT_DIR, f))).toBe(true);
    const files = filesUnder(CONTRACT_DIR);
    expect(files.filter((f) => f.startsWith('operations/')).length).toBeGreaterThan(0);
    for (const a of ['degraded', 'live', 'relay', 'viewer', 'znuny']) {
      expect(files).toContain(`additions/${a}/schema.graphql`);
      expect(files.some((f) => f.startsWith(`additions/${a}/operations/`))).toBe(true);
    }
  });

  test('equals ../shared/contract file by file (same paths, same bytes) when that folder is there', () => {
    if (!existsSync(SHARED_CONTRACT_DIR)) {
      // A clone of the project alone: nothing to compare with; the tests use the copy as it is.
      console.log(`contract copy: ${SHARED_CONTRACT_DIR} is absent (a clone alone), contract/ not compared`);
      return;
    }
    const mine = filesUnder(CONTRACT_DIR);
    expect(mine).toEqual(filesUnder(SHARED_CONTRACT_DIR));
    for (const f of mine) {
      expect({ file: f, same: readFileSync(join(CONTRACT_DIR, f)).equals(readFileSync(join(SHARED_CONTRACT_DIR, f))) }).toEqual({ file: f, same: true });
    }
  });
});
