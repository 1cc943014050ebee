#!/usr/bin/env node
// Bundles the reference Customer Information Center: examples/customer-center/index.tsx ->
// dist/app/app.js + app.css, served by the service at /app (src/http/app.route.ts).
// Usage: npm run build:app   (`npm run build` runs it with --if-stale)
// Bundling, staleness and the no-other-origin check are shared with GraphiQL: scripts/bundle.mjs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, root } from './bundle.mjs';

const srcdir = path.join(root, 'examples', 'customer-center');

await bundle({
  name: 'build-app',
  entryPoints: { app: path.join(srcdir, 'index.tsx') },
  outdir: path.join(root, 'dist', 'app'),
  expectedFiles: ['app.css', 'app.js'],
  sources: [srcdir, fileURLToPath(import.meta.url)],
});
