import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as patchModule from '../../src/graphql/execution/apollo-patch';
import { apolloPatchStatus, assertApolloPatched, createExecution, PATCHED_APOLLO_VERSION } from '../../src/graphql/execution';
import { appExecutableSchema } from '../../src/graphql/schema';

// patches/@apollo+server+5.5.1.patch (applied by patch-package on npm install) keeps finished
// requests out of old space (test/speed/request-retention.test.ts). Compiled execution refuses
// to start without it.

const ROOT = join(__dirname, '../..');
const PATCH = join(ROOT, `patches/@apollo+server+${PATCHED_APOLLO_VERSION}.patch`);
const FILE = 'utils/makeGatewayGraphQLRequestContext.js';

describe('the Apollo patch', () => {
  test('is applied to the installed tree (both builds) and the check passes', () => {
    const status = apolloPatchStatus();
    expect(status).toEqual({ version: PATCHED_APOLLO_VERSION, patched: ['cjs', 'esm'], unpatched: [] });
    expect(() => assertApolloPatched(status)).not.toThrow();
  });

  test('the check tells an unpatched tree (the patch reversed) and another version, with what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apollo-unpatched-'));
    try {
      const installed = dirname(dirname(dirname(require.resolve('@apollo/server', { paths: [ROOT] }))));
      const copy = join(dir, 'node_modules/@apollo/server');
      for (const f of ['package.json', 'dist/cjs/index.js', `dist/cjs/${FILE}`, `dist/esm/${FILE}`]) {
        mkdirSync(dirname(join(copy, f)), { recursive: true });
        cpSync(join(installed, f), join(copy, f));
      }
      expect(apolloPatchStatus(dir).unpatched).toEqual([]);
      // The patch file reverses cleanly on the installed files: it is what is installed.
      const reverse = spawnSync('git', ['apply', '-R', '--unsafe-paths', PATCH], { cwd: dir, encoding: 'utf8' });
      expect(reverse.stderr).toBe('');
      expect(reverse.status).toBe(0);
      const status = apolloPatchStatus(dir);
      expect(status).toEqual({ version: PATCHED_APOLLO_VERSION, patched: [], unpatched: ['cjs', 'esm'] });
      expect(() => assertApolloPatched(status)).toThrow(/patches\/@apollo\+server\+5\.5\.1\.patch is not applied to @apollo\/server \(cjs, esm build\); run `npm install`/);
      expect(() => assertApolloPatched({ ...status, version: '5.6.0' })).toThrow(/@apollo\/server 5\.6\.0 is installed, but patches\/@apollo\+server\+5\.5\.1\.patch is written for 5\.5\.1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('compiled execution checks it when it is created (at start); reference execution does not need it', () => {
    const check = jest.spyOn(patchModule, 'assertApolloPatched').mockImplementation(() => {
      throw new Error('not patched');
    });
    try {
      expect(() => createExecution(appExecutableSchema('compiled'))).toThrow('not patched');
      expect(createExecution(appExecutableSchema('reference')).mode).toBe('reference');
      expect(check).toHaveBeenCalledTimes(1);
    } finally {
      check.mockRestore();
    }
  });
});
