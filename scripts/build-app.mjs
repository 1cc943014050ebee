#!/usr/bin/env node
// Bundles the reference Customer Information Center: examples/customer-center/index.tsx ->
// dist/app/app.js + app.css, served by the service at /app (src/http/app.route.ts).
// Usage: npm run build:app   (`npm run build` runs it with --if-stale)
//
// The output must be fully self-contained: no CDN, no web fonts, no remote CSS/JS. Fonts and
// images referenced from CSS are inlined as data: URLs; any remaining external reference in the
// CSS (url(http...), @import, protocol-relative url(//...)) or any obvious remote loader in the
// JS fails the build.
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcdir = path.join(root, 'examples', 'customer-center');
const entry = path.join(srcdir, 'index.tsx');
const outdir = path.join(root, 'dist', 'app');

function fail(msg) {
  console.error(`build-app: FAILED: ${msg}`);
  process.exit(1);
}

// --if-stale (used by `npm run build`): skip when the bundle is newer than its sources.
if (process.argv.includes('--if-stale')) {
  const mtime = async (f) => (await stat(f).catch(() => null))?.mtimeMs ?? 0;
  const built = Math.min(await mtime(path.join(outdir, 'app.js')), await mtime(path.join(outdir, 'app.css')));
  const files = (await readdir(srcdir, { recursive: true })).map((f) => path.join(srcdir, f));
  const times = await Promise.all([...files, fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')].map(mtime));
  const sources = Math.max(...times);
  if (built > sources) process.exit(0);
}

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { app: entry },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  legalComments: 'none',
  sourcemap: false,
  charset: 'utf8',
  // Inline every asset referenced from CSS; never emit files that would be fetched separately.
  loader: {
    '.woff': 'dataurl',
    '.woff2': 'dataurl',
    '.ttf': 'dataurl',
    '.eot': 'dataurl',
    '.otf': 'dataurl',
    '.svg': 'dataurl',
    '.png': 'dataurl',
    '.jpg': 'dataurl',
    '.gif': 'dataurl',
  },
  logLevel: 'warning',
  metafile: true,
});
if (result.errors.length > 0) fail(`${result.errors.length} esbuild error(s)`);

const files = (await readdir(outdir)).sort();
const expected = ['app.css', 'app.js'];
if (JSON.stringify(files) !== JSON.stringify(expected)) {
  fail(`unexpected output files ${JSON.stringify(files)} (expected ${JSON.stringify(expected)})`);
}

const css = await readFile(path.join(outdir, 'app.css'), 'utf8');
const js = await readFile(path.join(outdir, 'app.js'), 'utf8');

// CSS: anything here would be loaded by the browser, so be strict.
const cssChecks = [
  [/@import\b/i, '@import'],
  [/url\(\s*["']?\s*(?:https?:)?\/\//i, 'external url()'],
  [/url\(\s*["']?\s*(?!data:|#)[^)"'\s]/i, 'non-data url() (would be a separate request)'],
  [/fonts\.googleapis|fonts\.gstatic|cdn\.|unpkg\.com|jsdelivr/i, 'CDN/web-font host'],
];
for (const [re, what] of cssChecks) {
  const m = re.exec(css);
  if (m) fail(`app.css contains ${what}: ${JSON.stringify(css.slice(Math.max(0, m.index - 40), m.index + 80))}`);
}

// JS: URL strings in messages/links are fine (never fetched); flag things that would load code,
// styles or fonts from elsewhere.
const jsChecks = [
  [/fonts\.googleapis|fonts\.gstatic/i, 'web-font host'],
  [/(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh)/i, 'CDN host'],
  [/url\(\s*["']?\s*(?:https?:)?\/\//i, 'external CSS url() in JS'],
  [/@import\s+(?:url\()?["']?(?:https?:)?\/\//i, 'external @import in JS'],
  [/importScripts\s*\(|new\s+Worker\s*\(/, 'web worker loader'],
  [/\bimport\s*\(\s*["'](?:https?:)?\/\//, 'remote dynamic import'],
];
for (const [re, what] of jsChecks) {
  const m = re.exec(js);
  if (m) fail(`app.js contains ${what}: ${JSON.stringify(js.slice(Math.max(0, m.index - 60), m.index + 100))}`);
}

const kb = async (f) => `${((await stat(path.join(outdir, f))).size / 1024).toFixed(0)} KiB`;
console.log(`build-app: dist/app/app.js ${await kb('app.js')}, dist/app/app.css ${await kb('app.css')} (no external references)`);
