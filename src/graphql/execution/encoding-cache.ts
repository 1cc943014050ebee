/** How many encodings are kept (ids and cursors of the records recently listed). */
const KEPT = 20_000;

/**
 * base64url of JSON strings, kept by their JSON: global ids and cursors. The same records are
 * listed again and again, so a map lookup replaces a buffer and a base64 pass per id
 * (docs/performance.md, change 16). One per service (`AppServices.encodings`, made by the
 * composition root), none at module level. The memo changes no answer (the same JSON always gives
 * the same text; emptied when full, nothing to invalidate), so both execution modes share it
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

  /** base64url of the UTF-8 JSON of `value`. */
  json(value: unknown): string {
    return this.encode(JSON.stringify(value));
  }

  /** How many encodings are kept now (tests). */
  get size(): number {
    return this.kept.size;
  }
}

/**
 * base64url of the JSON of `value`, not kept: for values encoded once (tests, messages). The
 * service's ids and cursors go through its {@link EncodingCache} (`AppServices.encodings`).
 */
export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
