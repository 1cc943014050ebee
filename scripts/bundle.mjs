// The one bundling helper of the browser pages the service serves itself (GraphiQL, the Customer
// Information Center): staleness check, esbuild options, and the check that the output references
// no other origin. Used by scripts/build-graphiql.mjs and scripts/build-app.mjs.
//
// The output must be fully self-contained: no CDN, no web fonts, no remote CSS/JS. Fonts and
// images referenced from CSS are inlined as data: URLs; any remaining external reference in the
// CSS (url(http...), @import, protocol-relative url(//...)) or any remote loader in the JS (a
// worker or script from anything but the page's own asset prefix) fails the build.
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder of package.json). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles `entryPoints` (name -> source file) into `outdir` as classic scripts (IIFE) plus the
 * CSS they import, and checks the result.
 *
 * @param {object} o
 * @param {string} o.name            prefix of messages, e.g. "build-graphiql"
 * @param {Record<string, string>} o.entryPoints  output name (without .js) -> entry file
 * @param {string} o.outdir          output folder (emptied first)
 * @param {string[]} o.expectedFiles exactly the files the output folder must hold afterwards
 * @param {string[]} o.sources       files and folders whose change makes the output stale
 * @param {string} [o.workerPrefix]  URL prefix `new Worker("...")` literals must start with; none
 *                                   allowed when absent
 * @param {boolean} [o.ifStale]      skip the build when every output is newer than every source
 */
export async function bundle({ name, entryPoints, outdir, expectedFiles, sources, workerPrefix, ifStale = process.argv.includes('--if-stale') }) {
  const fail = (msg) => {
    console.error(`${name}: FAILED: ${msg}`);
    process.exit(1);
  };

  if (ifStale && (await isFresh(outdir, expectedFiles, [...sources, fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')]))) return;

  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });

  const result = await build({
    absWorkingDir: root,
    entryPoints,
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
  const expected = [...expectedFiles].sort();
  if (JSON.stringify(files) !== JSON.stringify(expected)) {
    fail(`unexpected output files ${JSON.stringify(files)} (expected ${JSON.stringify(expected)})`);
  }

  for (const file of files) {
    const text = await readFile(path.join(outdir, file), 'utf8');
    const found = file.endsWith('.css') ? externalCssReference(text) : externalJsReference(text, workerPrefix);
    if (found) fail(`${file} contains ${found}`);
  }

  const sizes = await Promise.all(files.map(async (f) => `${path.relative(root, path.join(outdir, f))} ${((await stat(path.join(outdir, f))).size / 1024).toFixed(0)} KiB`));
  console.log(`${name}: ${sizes.join(', ')} (no external references)`);
}

/** True when every expected output exists and is newer than every source (folders: their files). */
async function isFresh(outdir, expectedFiles, sources) {
  const mtime = async (f) => (await stat(f).catch(() => null))?.mtimeMs ?? 0;
  const built = Math.min(...(await Promise.all(expectedFiles.map((f) => mtime(path.join(outdir, f))))));
  const files = [];
  for (const s of sources) {
    const st = await stat(s).catch(() => null);
    if (st?.isDirectory()) files.push(...(await readdir(s, { recursive: true })).map((f) => path.join(s, f)));
    else files.push(s);
  }
  const newest = Math.max(...(await Promise.all(files.map(mtime))));
  return built > newest;
}

/** What in a CSS file would be loaded from elsewhere (anything but data: URLs), or null. */
export function externalCssReference(css) {
  const checks = [
    [/@import\b/i, '@import'],
    [/url\(\s*["']?\s*(?:https?:)?\/\//i, 'external url()'],
    [/url\(\s*["']?\s*(?!data:|#)[^)"'\s]/i, 'non-data url() (would be a separate request)'],
    [/fonts\.googleapis|fonts\.gstatic|cdn\.|unpkg\.com|jsdelivr/i, 'CDN/web-font host'],
  ];
  return firstMatch(css, checks, 40, 80);
}

/**
 * What in a script would load code, styles or fonts from elsewhere, or null. URL strings in
 * messages and links are fine (never fetched). A worker may only be started from a string literal
 * under `workerPrefix` (a same-origin path); `importScripts` of an absolute URL and `blob:`/`data:`
 * workers are refused.
 */
export function externalJsReference(js, workerPrefix) {
  const quote = `["'\`]`;
  const checks = [
    [/fonts\.googleapis|fonts\.gstatic/i, 'web-font host'],
    [/(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh\/)/i, 'CDN host'],
    [/url\(\s*["']?\s*(?:https?:)?\/\//i, 'external CSS url() in JS'],
    [/@import\s+(?:url\()?["']?(?:https?:)?\/\//i, 'external @import in JS'],
    [new RegExp(`importScripts\\s*\\(\\s*${quote}(?:[a-z]+:|//)`, 'i'), 'importScripts of an absolute URL'],
    [new RegExp(`\\bimport\\s*\\(\\s*${quote}(?:https?:)?//`), 'remote dynamic import'],
    workerPrefix
      ? [new RegExp(`new\\s+(?:Shared)?Worker\\s*\\(\\s*${quote}(?!${escapeRegExp(workerPrefix)}[\\w.-]+${quote})`), `a worker not under ${workerPrefix}`]
      : [/importScripts\s*\(|new\s+(?:Shared)?Worker\s*\(/, 'web worker loader'],
  ];
  return firstMatch(js, checks, 60, 100);
}

function firstMatch(text, checks, before, after) {
  for (const [re, what] of checks) {
    const m = re.exec(text);
    if (m) return `${what}: ${JSON.stringify(text.slice(Math.max(0, m.index - before), m.index + after))}`;
  }
  return null;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
