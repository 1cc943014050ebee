/** How many encodings are kept (ids and cursors of the records recently listed). */
const KEPT = 20_000;

const kept = new Map<string, string>();

/**
 * base64url of the JSON of `value` (global ids and cursors). The same records are listed again
 * and again, so encodings are kept by their JSON: a map lookup instead of a buffer and a base64
 * pass per id. The map is emptied when full (a pure function: nothing else to invalidate).
 */
export function base64urlJson(value: unknown): string {
  const json = JSON.stringify(value);
  let encoded = kept.get(json);
  if (encoded === undefined) {
    encoded = Buffer.from(json, 'utf8').toString('base64url');
    if (kept.size >= KEPT) kept.clear();
    kept.set(json, encoded);
  }
  return encoded;
}
