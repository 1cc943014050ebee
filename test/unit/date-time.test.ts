import fc from 'fast-check';
import { DateTimeScalar, isoString } from '../../src/graphql/common/scalars';

// DateTime serialization by arithmetic (isoString) against the native Date#toISOString.

test('isoString equals toISOString for every instant of four-digit years', () => {
  fc.assert(
    fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
    }),
    { numRuns: 20_000 },
  );
});

test('isoString at the edges: epoch, leap days, the ends of the range and beyond, and invalid dates', () => {
  const edges = [0, -1, 1, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, -62_167_219_200_000, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001, 1.5];
  for (const ms of edges) expect(isoString(ms)).toBe(new Date(ms).toISOString());
  expect(() => isoString(Number.NaN)).toThrow(RangeError);
});

test('the DateTime scalar serializes Dates and date strings as before', () => {
  expect(DateTimeScalar.serialize(new Date('2026-02-28T23:59:59.999Z'))).toBe('2026-02-28T23:59:59.999Z');
  expect(DateTimeScalar.serialize('2024-02-29T12:00:00+02:00')).toBe('2024-02-29T10:00:00.000Z');
  expect(() => DateTimeScalar.serialize('not a date')).toThrow(RangeError);
});
