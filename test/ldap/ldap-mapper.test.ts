import { parseGeneralizedTime } from '../../adapters/ldap/ldap-mapper';

describe('LDAP GeneralizedTime', () => {
  test('the usual UTC form and its variants read as the same instant; malformed values are null', () => {
    const iso = (v: string) => parseGeneralizedTime(v)?.toISOString() ?? null;
    expect(iso('20261125093000Z')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('20261125093000.0Z')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('202611250930Z')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('20261125103000+0100')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('20240229000000Z')).toBe('2024-02-29T00:00:00.000Z');
    for (const bad of ['20261332093000Z', '20250229000000Z', '20261125253000Z', '2026112509300AZ', 'yesterday', '']) expect(iso(bad)).toBeNull();
  });
});
