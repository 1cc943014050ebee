import { parseGeneralizedTime, validityTiming } from '../../adapters/ldap/ldap-mapper';
import { filetimeOf } from './ldap-fixture';

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

describe('Active Directory account state by time', () => {
  const now = Date.UTC(2026, 11, 6, 12, 0, 0);
  const rule = { validFilter: null, temporarilyInvalidFilter: null, accountStatus: true };
  const values = (v: Record<string, string>) => new Map(Object.entries(v).map(([k, x]) => [k.toLowerCase(), [x]]));

  test('an account that expires later changes then; a locked-out one is read again; disabled, expired and never-expiring ones never change by time', () => {
    expect(validityTiming(values({ userAccountControl: '512', accountExpires: filetimeOf(now + 5000) }), rule, now)).toEqual({ validUntil: now + 5000 });
    expect(validityTiming(values({ userAccountControl: '512', 'msDS-User-Account-Control-Computed': '16' }), rule, now)).toEqual({ recheck: true });
    expect(validityTiming(values({ userAccountControl: '512', accountExpires: filetimeOf(now + 5000), lockoutTime: '1' }), rule, now)).toEqual({ validUntil: now + 5000, recheck: true });
    expect(validityTiming(values({ userAccountControl: '514', accountExpires: filetimeOf(now + 5000) }), rule, now)).toEqual({});
    expect(validityTiming(values({ userAccountControl: '512', accountExpires: filetimeOf(now) }), rule, now)).toEqual({});
    for (const never of ['0', '9223372036854775807']) expect(validityTiming(values({ userAccountControl: '512', accountExpires: never }), rule, now)).toEqual({});
    expect(validityTiming(values({ userAccountControl: '512', accountExpires: filetimeOf(now + 5000) }), { ...rule, accountStatus: false }, now)).toEqual({});
  });
});
