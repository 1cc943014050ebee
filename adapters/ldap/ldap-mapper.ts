import type { Entry, Filter } from 'ldapts';
import { idKey, Validity, type CustomerRecord, type CustomerUserRecord } from '../../src/domain/records';
import { matchesFilter, type EntryValues } from './ldap-filters';
import type { CustomerAttributeMap, CustomerUserAttributeMap } from './ldap-presets';

/** How an entry's validity is judged: both filters are evaluated on the fetched entry. */
export interface ValidityRule {
  readonly validFilter: Filter | null;
  readonly temporarilyInvalidFilter: Filter | null;
}

/** An entry's attribute values as strings, by lower-cased attribute name. */
export function entryValues(entry: Entry): EntryValues {
  const out = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const list = (Array.isArray(raw) ? raw : [raw]) as (string | Buffer)[];
    const strings = list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).filter((v) => v.length > 0);
    if (strings.length > 0) out.set(name.toLowerCase(), strings);
  }
  return out;
}

function first(values: EntryValues, attribute: string | undefined): string | null {
  if (!attribute) return null;
  const v = values.get(attribute.toLowerCase())?.[0];
  return v === undefined ? null : v;
}

function all(values: EntryValues, attribute: string | undefined): readonly string[] {
  return attribute ? (values.get(attribute.toLowerCase()) ?? []) : [];
}

function validity(values: EntryValues, rule: ValidityRule): Validity {
  if (!rule.validFilter || matchesFilter(rule.validFilter, values)) return Validity.VALID;
  if (rule.temporarilyInvalidFilter && matchesFilter(rule.temporarilyInvalidFilter, values)) return Validity.INVALID_TEMPORARILY;
  return Validity.INVALID;
}

/** ISO 3166-1 alpha-2 upper case, or null for anything else (AD's `c` holds the code too). */
function countryCode(value: string | null): string | null {
  return value && /^[A-Za-z]{2}$/.test(value.trim()) ? value.trim().toUpperCase() : null;
}

/** LDAP GeneralizedTime (`20261125093000Z`, `20261125093000.0Z`, `...+0100`) to a Date. */
export function parseGeneralizedTime(value: string | null): Date | null {
  if (!value) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{2}(?:\d{2})?)?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi = '00', s = '00', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3) || '00'}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The attributes to request for a map and validity rule. */
export function requestedAttributes(map: Record<string, string | undefined>, extra: Iterable<string>): string[] {
  const names = new Map<string, string>();
  for (const a of [...Object.values(map), ...extra]) if (a) names.set(a.toLowerCase(), a);
  return [...names.values()];
}

/** A customer entry as a record; null when it lacks a customer id. */
export function toCustomer(entry: Entry, map: CustomerAttributeMap, rule: ValidityRule, sourceId: string): CustomerRecord | null {
  const v = entryValues(entry);
  const customerId = first(v, map.customerId);
  if (customerId === null) return null;
  return {
    sourceId,
    stableId: entry.dn,
    customerId,
    name: first(v, map.name) ?? customerId,
    valid: validity(v, rule),
    street: first(v, map.street),
    zip: first(v, map.zip),
    city: first(v, map.city),
    countryCode: countryCode(first(v, map.country)),
    url: first(v, map.url),
    comment: first(v, map.comment),
    createdAt: parseGeneralizedTime(first(v, map.createdAt)),
    changedAt: parseGeneralizedTime(first(v, map.changedAt)),
  };
}

/**
 * A customer user entry as a record; null when it lacks a login. The primary customer id is the
 * first value of `customerId` (else of `customerIds`); the further ids follow, without repeats.
 */
export function toCustomerUser(entry: Entry, map: CustomerUserAttributeMap, rule: ValidityRule, sourceId: string): CustomerUserRecord | null {
  const v = entryValues(entry);
  const login = first(v, map.login);
  if (login === null) return null;
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const id of [...all(v, map.customerId), ...all(v, map.customerIds)]) {
    if (!seen.has(idKey(id))) {
      seen.add(idKey(id));
      ids.push(id);
    }
  }
  return {
    sourceId,
    stableId: entry.dn,
    login,
    email: first(v, map.email) ?? '',
    title: first(v, map.title),
    firstName: first(v, map.firstName) ?? '',
    lastName: first(v, map.lastName) ?? '',
    phone: first(v, map.phone),
    mobile: first(v, map.mobile),
    street: first(v, map.street),
    zip: first(v, map.zip),
    city: first(v, map.city),
    countryCode: countryCode(first(v, map.country)),
    comment: first(v, map.comment),
    valid: validity(v, rule),
    customerId: ids[0] ?? '',
    customerIds: ids,
    createdAt: parseGeneralizedTime(first(v, map.createdAt)),
    changedAt: parseGeneralizedTime(first(v, map.changedAt)),
  };
}
