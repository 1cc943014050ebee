import { compareKeys } from '../../src/domain/page';
import { Validity } from '../../src/domain/records';
import { collationKey } from '../../src/domain/sort-keys';
import { ListIndex, type IndexRow } from '../../adapters/list-index/list-index';

// A search over the whole list is one substring search over every row's text joined into one
// buffer; it must keep exactly the rows a per-row test keeps, in list order, whatever the text.
describe('list index search over the whole list', () => {
  const letters = ['a', 'b', 'ü', 'ł', 'ß', 'ø', '1', '@', '.', '\n', 'é', '😀'];
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n); // the high bits: the low bits of this generator repeat every few steps
  };
  const text = (length: number) => Array.from({ length }, () => letters[random(letters.length)]).join('');
  const rows: IndexRow[] = Array.from({ length: 3000 }, (_, i) => {
    const name = text(1 + random(6));
    return {
      stableId: `id${i}`,
      key: `user${i}`,
      sortKey: [collationKey(name), `user${i}`],
      valid: [Validity.VALID, Validity.INVALID][random(2)]!,
      customerIds: [],
      text: `user${i}\n${name}\n${text(random(8))}`,
      change: '',
    };
  });
  const index = new ListIndex({ compareChange: (a, b) => a.localeCompare(b), read: async () => rows }, { maxStalenessMs: 60_000, fullRefreshMs: 3_600_000 });
  const listed = [...rows].sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  const request = { after: null, before: null, size: 10_000, backward: false };

  beforeAll(() => index.refresh(true));

  test('keeps the rows a per-row substring test keeps, in list order, with the same total', () => {
    const searches = ['a', 'ü', 'ł1', 'ßa', 'user1', 'user29', '😀', 'r2\nb', '\n', 'zzz', ...Array.from({ length: 300 }, () => text(1 + random(3)))];
    let hits = 0;
    for (const search of searches) {
      for (const valid of [[Validity.VALID], [Validity.VALID, Validity.INVALID]]) {
        const expected = search.includes('\n') ? [] : listed.filter((r) => valid.includes(r.valid) && r.text.includes(search));
        const page = index.page(request, { valid, search, customerId: null });
        expect(page.rows.map((r) => r.stableId)).toEqual(expected.map((r) => r.stableId));
        expect(page.totalCount).toBe(expected.length);
        hits += expected.length;
      }
    }
    expect(hits).toBeGreaterThan(3000); // the searches do match, across rows and within them
  });

  test('a row changed by a lookup is searched by its new text', () => {
    const changed = { ...rows[5]!, text: 'user5\nqqqqq\n' };
    index.put(changed);
    expect(index.page(request, { valid: [changed.valid], search: 'qqqqq', customerId: null }).rows.map((r) => r.stableId)).toEqual(['id5']);
    index.put(rows[5]!);
    expect(index.page(request, { valid: [changed.valid], search: 'qqqqq', customerId: null }).totalCount).toBe(0);
  });

  test('the list order patched change by change equals the order sorted anew (renames, new entries, deletions, shared keys)', () => {
    const live = new Map(rows.map((r) => [r.stableId, r]));
    const everything = { valid: [Validity.VALID, Validity.INVALID], search: null, customerId: null };
    const expected = () => {
      const byKey = new Map<string, IndexRow>();
      for (const r of live.values()) {
        const seen = byKey.get(r.key.toLowerCase());
        if (!seen || r.stableId < seen.stableId) byKey.set(r.key.toLowerCase(), r);
      }
      return [...byKey.values()].sort((a, b) => compareKeys(a.sortKey, b.sortKey)).map((r) => r.stableId);
    };
    for (let step = 0; step < 400; step++) {
      const pick = [...live.keys()][random(live.size)]!;
      const op = random(4);
      if (op === 0) {
        live.delete(pick);
        index.remove(pick);
      } else {
        // A rename, a new entry, or an entry whose key another entry already has.
        const key = op === 3 ? live.get([...live.keys()][random(live.size)]!)!.key : op === 2 ? `new${step}` : live.get(pick)!.key;
        const name = text(1 + random(5));
        const row: IndexRow = { ...live.get(pick)!, stableId: op === 2 || op === 3 ? `s${step}` : pick, key, sortKey: [collationKey(name), key.toLowerCase()] };
        live.set(row.stableId, row);
        index.put(row);
      }
      expect(index.page(request, everything).rows.map((r) => r.stableId)).toEqual(expected());
    }
    expect(index.page(request, everything).rows.map((r) => r.stableId)).toEqual(expected());
  });
});
