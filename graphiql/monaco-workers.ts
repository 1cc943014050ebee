/**
 * Where Monaco (GraphiQL 5's editor) starts its web workers: from the page's own origin, the
 * bundles scripts/build-graphiql.mjs writes into dist/graphiql/ (served under /graphiql/). The
 * page's CSP (`worker-src 'self'`) refuses any other worker source, blob: and data: included.
 *
 * Imported by app.tsx before GraphiQL, so the environment exists when Monaco loads.
 * `globalAPI` exposes Monaco's documented global `monaco` (its editors and models), which the
 * browser test reads the editors through.
 */
import type { Environment } from 'monaco-editor';

const environment: Environment = {
  globalAPI: true,
  // One literal URL per worker: the build checks that every worker comes from /graphiql/.
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'graphql':
        return new Worker('/graphiql/graphql.worker.js', { name: label });
      case 'json':
        return new Worker('/graphiql/json.worker.js', { name: label });
      default:
        return new Worker('/graphiql/editor.worker.js', { name: label });
    }
  },
};

(globalThis as { MonacoEnvironment?: Environment }).MonacoEnvironment = environment;
