/** Trigram buckets: a power of two; trigrams that share a bucket only add candidates to verify. */
const BUCKETS = 1 << 16;

/**
 * Substring search over the search texts of a list index's rows, in row order. The texts are
 * joined into one UTF-8 buffer (a UTF-8 match is a code-point match, and one contiguous buffer
 * is read many times faster than 50,000 strings spread over the heap), with a posting list per
 * trigram bucket: a search of three bytes or more verifies only the rows that hold its rarest
 * trigram; shorter ones scan the buffer. Built once per change of the rows; about 5 bytes per
 * byte of text (the buffer and the postings).
 */
export class TextSearch {
  private readonly bytes: Buffer;
  /** Byte offset where each row's text starts, and the end. */
  private readonly starts: Int32Array;
  /** `postings[offsets[b]] .. postings[offsets[b + 1]]`: the rows (ascending) holding a trigram of bucket `b`. */
  private readonly offsets: Int32Array;
  private readonly postings: Int32Array;

  constructor(texts: readonly string[]) {
    this.starts = new Int32Array(texts.length + 1);
    let offset = 0;
    texts.forEach((t, i) => {
      this.starts[i] = offset;
      offset += Buffer.byteLength(t, 'utf8') + 1;
    });
    this.starts[texts.length] = offset;
    this.bytes = Buffer.from(texts.map((t) => `${t}\n`).join(''), 'utf8');
    // Each row's distinct trigram buckets, once: counted per bucket, then placed.
    const buckets = new Uint16Array(this.bytes.length);
    const ends = new Int32Array(texts.length);
    const lastRow = new Int32Array(BUCKETS).fill(-1);
    const offsets = new Int32Array(BUCKETS + 1);
    const bytes = this.bytes;
    let n = 0;
    for (let row = 0; row < texts.length; row++) {
      // The row's text without its closing newline: no trigram spans two rows.
      for (let p = this.starts[row]!, end = this.starts[row + 1]! - 1; p + 2 < end; p++) {
        const b = bucketOf(bytes[p]!, bytes[p + 1]!, bytes[p + 2]!);
        if (lastRow[b] === row) continue;
        lastRow[b] = row;
        buckets[n++] = b;
        offsets[b + 1]!++;
      }
      ends[row] = n;
    }
    for (let b = 0; b < BUCKETS; b++) offsets[b + 1]! += offsets[b]!;
    const postings = new Int32Array(n);
    const next = offsets.slice(0, BUCKETS);
    for (let row = 0, i = 0; row < texts.length; row++) {
      for (; i < ends[row]!; i++) postings[next[buckets[i]!]!++] = row;
    }
    this.offsets = offsets;
    this.postings = postings;
  }

  /** The rows whose text contains `search`, ascending. */
  *matches(search: string): Generator<number, void, undefined> {
    const needle = Buffer.from(search, 'utf8');
    if (needle.length === 0) return;
    if (needle.length < 3) {
      for (let at = this.bytes.indexOf(needle, 0); at !== -1; ) {
        const row = this.rowAt(at);
        yield row;
        at = this.bytes.indexOf(needle, this.starts[row + 1]!);
      }
      return;
    }
    let rarest = bucketOf(needle[0]!, needle[1]!, needle[2]!);
    for (let i = 1; i + 2 < needle.length; i++) {
      const b = bucketOf(needle[i]!, needle[i + 1]!, needle[i + 2]!);
      if (this.size(b) < this.size(rarest)) rarest = b;
    }
    for (let p = this.offsets[rarest]!; p < this.offsets[rarest + 1]!; p++) {
      const row = this.postings[p]!;
      if (this.bytes.subarray(this.starts[row]!, this.starts[row + 1]!).indexOf(needle) !== -1) yield row;
    }
  }

  private size(bucket: number): number {
    return this.offsets[bucket + 1]! - this.offsets[bucket]!;
  }

  /** The row whose bytes hold `offset`: the last start <= offset. */
  private rowAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function bucketOf(a: number, b: number, c: number): number {
  return Math.imul((a << 16) | (b << 8) | c, 0x9e3779b1) >>> 16;
}
