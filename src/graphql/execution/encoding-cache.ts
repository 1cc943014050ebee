/** How many encodings are kept (ids and cursors of the records recently listed). */
const KEPT = 20_000;

/**
 * base64url of JSON strings, kept by their JSON. A pure function with a bounded memo: the memo
 * changes no answer (the same JSON always gives the same text; emptied when full, nothing to
 * invalidate), so it is the one piece of the fast path that both execution modes share
 * (`test/differential/` checks it against the plain encoding).
 */
export class EncodingCache {
  private readonly kept = new Map<string, string>();

  constructor(private readonly capacity = KEPT) {}

  /** base64url of the UTF-8 of `json`. */
  encode(json: string): string {
    let encoded = this.kept.get(json);
    if (encoded === undefined) {
      encoded = Buffer.from(json, 'utf8').toString('base64url');
      if (this.kept.size >= this.capacity) this.kept.clear();
      this.kept.set(json, encoded);
    }
    return encoded;
  }

  /** How many encodings are kept now (tests). */
  get size(): number {
    return this.kept.size;
  }
}

const shared = new EncodingCache();

/**
 * base64url of the JSON of `value` (global ids and cursors). The same records are listed again
 * and again, so encodings are kept by their JSON: a map lookup instead of a buffer and a base64
 * pass per id (docs/performance.md, change 16).
 */
export function base64urlJson(value: unknown): string {
  return shared.encode(JSON.stringify(value));
}
