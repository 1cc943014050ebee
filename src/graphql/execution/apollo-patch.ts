import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Apollo Server version the patch is written for (patches/@apollo+server+<version>.patch). */
export const PATCHED_APOLLO_VERSION = '5.5.1';

/** The file the patch changes, under each of Apollo's builds (dist/cjs, dist/esm). */
const PATCHED_FILE = join('utils', 'makeGatewayGraphQLRequestContext.js');

/** What the patched file holds: the status accessor on a class, not in an object literal. */
const PATCH_MARK = /class GatewayResponseHTTP\b[\s\S]*get status\(\)[\s\S]*set status\(/;

/** What {@link apolloPatchStatus} found. */
export interface ApolloPatchStatus {
  readonly version: string;
  /** The builds whose gateway request context has the class-based accessor. */
  readonly patched: readonly string[];
  /** The builds that do not (or whose file is missing). */
  readonly unpatched: readonly string[];
}

/** Reads the installed @apollo/server: its version and, per build, whether the patch is in. */
export function apolloPatchStatus(resolveFrom: string = __dirname): ApolloPatchStatus {
  // `main` of @apollo/server is dist/cjs/index.js; the esm build sits beside it.
  const cjsIndex = require.resolve('@apollo/server', { paths: [resolveFrom] });
  const dist = dirname(dirname(cjsIndex));
  const pkg = JSON.parse(readFileSync(join(dirname(dist), 'package.json'), 'utf8')) as { version: string };
  const patched: string[] = [];
  const unpatched: string[] = [];
  for (const build of ['cjs', 'esm']) {
    const file = join(dist, build, PATCHED_FILE);
    (existsSync(file) && PATCH_MARK.test(readFileSync(file, 'utf8')) ? patched : unpatched).push(build);
  }
  return { version: pkg.version, patched, unpatched };
}

/**
 * Fails when the installed Apollo Server is not the patched one. Compiled execution hands every
 * request to Apollo's gateway executor, whose unpatched request context keeps each finished
 * request reachable from old space (docs/performance.md, change 19): the service would run, but
 * tenure every request. Checked when compiled execution is created, that is at start.
 */
export function assertApolloPatched(status: ApolloPatchStatus = apolloPatchStatus()): void {
  const patch = `patches/@apollo+server+${PATCHED_APOLLO_VERSION}.patch`;
  if (status.version !== PATCHED_APOLLO_VERSION) {
    throw new Error(`compiled execution: @apollo/server ${status.version} is installed, but ${patch} is written for ${PATCHED_APOLLO_VERSION}; port the patch to the new version (and rename it) or pin @apollo/server to ${PATCHED_APOLLO_VERSION}`);
  }
  if (status.unpatched.length > 0) {
    throw new Error(`compiled execution: ${patch} is not applied to @apollo/server (${status.unpatched.join(', ')} build); run \`npm install\` (its postinstall runs patch-package) or \`npx patch-package\``);
  }
}
