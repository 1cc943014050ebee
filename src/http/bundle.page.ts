/**
 * The HTML shell of a page that is one script bundle (GraphiQL, the Customer Information
 * Center): the bundle and its stylesheet from the same origin, and the page's configuration as a
 * non-executable JSON data block, so that no inline script is needed.
 */

/** What a bundle page is made of. */
export interface BundlePage {
  readonly title: string;
  /** Where the bundle's `app.js` and `app.css` are, ending with `/`. */
  readonly assets: string;
  /** The id of the `<script type="application/json">` block the bundle reads its configuration from. */
  readonly configId: string;
  readonly config: unknown;
  /** The id of the element the bundle renders into, and what it shows without JavaScript. */
  readonly rootId: string;
  readonly noscript: string;
}

/**
 * Serialize a value as JSON that is safe inside an HTML `<script>` data block: `<`, `>` and `&`
 * are escaped as \u003c, \u003e, \u0026 (no `</script>` or `<!--` breakout), as are U+2028/9.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The page's HTML. */
export function renderBundlePage(page: BundlePage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${page.assets}app.css">
<script id="${page.configId}" type="application/json">${jsonForScript(page.config)}</script>
<script src="${page.assets}app.js" defer></script>
</head>
<body>
<div id="${page.rootId}"><noscript>${page.noscript}</noscript></div>
</body>
</html>
`;
}
