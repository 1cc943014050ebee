#!/usr/bin/env node
// Bundles the offline GraphiQL page assets: graphiql/app.tsx -> dist/graphiql/app.js + app.css, and
// the Monaco editor's web workers (GraphiQL 5 edits in Monaco) -> dist/graphiql/*.worker.js, which
// graphiql/app.tsx starts from the page's own origin (/graphiql/<label>.worker.js).
// Usage: npm run build:graphiql   (`npm run build` runs it with --if-stale)
// Bundling, staleness and the no-other-origin check are shared with the app: scripts/bundle.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, root } from './bundle.mjs';

const srcdir = path.join(root, 'graphiql');
const resolve = (specifier) => fileURLToPath(import.meta.resolve(specifier));

/** The workers Monaco asks for, by label (see graphiql/app.tsx MonacoEnvironment.getWorker). */
const workers = {
  'editor.worker': resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
  'json.worker': resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
  'graphql.worker': resolve('monaco-graphql/esm/graphql.worker.js'),
};

await bundle({
  name: 'build-graphiql',
  entryPoints: { app: path.join(srcdir, 'app.tsx'), ...workers },
  outdir: path.join(root, 'dist', 'graphiql'),
  expectedFiles: ['app.css', 'app.js', ...Object.keys(workers).map((w) => `${w}.js`)],
  sources: [srcdir, fileURLToPath(import.meta.url)],
  workerPrefix: '/graphiql/',
});
