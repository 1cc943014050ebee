/** How many encodings are kept (ids and cursors of the records recently listed). */
const KEPT = 20_000;

/**
 * base64url of JSON strings: cursors kept by their JSON, global ids by their parts. The same
 * records are listed again and again, so a map lookup replaces a buffer and a base64 pass per id
 * (docs/performance.md, changes 16 and 24). One per service (`AppServices.encodings`, made by the
 * composition root), none at module level. The memo changes no answer (the same JSON always gives
 * the same text; emptied when full, nothing to invalidate), so both execution modes share it
 * (`test/differential/` checks it against the plain encoding).
 */
export class EncodingCache {
  private readonly kept = new Map<string, string>();
  /** Global ids by their parts: per type and source (per type for tickets), then by stable or row id. */
  private readonly ids = new Map<string, Map<string | number, string>>();
  private idCount = 0;

  constructor(private readonly capacity = KEPT) {}

  /**
   * base64url of the JSON of a global id's parts, `[type, sourceId, stableId]` or `[type, rowId]`,
   * kept by the parts themselves: an id made before costs two map lookups and no JSON.
   */
  globalId(type: string, a: string | number, b?: string): string {
    // A type name has no NUL, so `type NUL sourceId` names one type and source.
    const group = b === undefined ? type : `${type}\u0000${a}`;
    const member = b === undefined ? a : b;
    let members = this.ids.get(group);
    let encoded = members?.get(member);
    if (encoded === undefined) {
      encoded = Buffer.from(JSON.stringify(b === undefined ? [type, a] : [type, a, b]), 'utf8').toString('base64url');
      if (this.idCount >= this.capacity) {
        this.ids.clear();
        this.idCount = 0;
        members = undefined;
      }
      if (!members) this.ids.set(group, (members = new Map()));
      members.set(member, encoded);
      this.idCount++;
    }
    return encoded;
  }

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
    return this.kept.size + this.idCount;
  }
}

/**
 * base64url of the JSON of `value`, not kept: for values encoded once (tests, messages). The
 * service's ids and cursors go through its {@link EncodingCache} (`AppServices.encodings`).
 */
export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
