import type { Entry, Filter } from 'ldapts';
import { distinctIds, idKey, Validity, type CustomerRecord, type CustomerUserRecord } from '../../src/domain/records';
import { decodeBinary, isBinaryAttribute } from './ldap-binary';
import { matchesFilter, type EntryValues } from './ldap-filters';
import type { CustomerAttributeMap, CustomerUserAttributeMap } from './ldap-presets';

/** How an entry's validity is judged: both filters are evaluated on the fetched entry. */
export interface ValidityRule {
  readonly validFilter: Filter | null;
  readonly temporarilyInvalidFilter: Filter | null;
  /**
   * Active Directory account state first: disabled (userAccountControl bit 2) or expired
   * (`accountExpires` in the past) is INVALID, locked out (msDS-User-Account-Control-Computed
   * bit 16, else a non-zero `lockoutTime`) INVALID_TEMPORARILY; the filters judge the rest.
   */
  readonly accountStatus: boolean;
}

/** The attributes {@link ValidityRule.accountStatus} reads. */
export const ACCOUNT_STATUS_ATTRIBUTES = ['userAccountControl', 'accountExpires', 'lockoutTime', 'msDS-User-Account-Control-Computed'] as const;

/** How the entries of one object kind become records. */
export interface EntryMapping<M> {
  readonly map: M;
  readonly validity: ValidityRule;
  readonly sourceId: string;
  /** Attribute holding the stable id (entryUUID, objectGUID); the DN when absent. */
  readonly stableIdAttribute: string | null;
  /**
   * Customer users only: take the primary customer id from the organizational unit the user
   * sits in, the OU directly below this base DN (the customers' base) or else the parent OU.
   * Null: from the mapped attribute.
   */
  readonly customerIdFromOU?: { readonly customersBaseDN: string | null } | null;
}

/** An entry's attribute values as strings, by lower-cased attribute name; binary ones decoded (see ldap-binary.ts). */
export function entryValues(entry: Entry): EntryValues {
  const out = new Map<string, string[]>();
  for (const name in entry) {
    if (name === 'dn') continue;
    const raw = entry[name] as string | Buffer | (string | Buffer)[];
    const binary = isBinaryAttribute(name);
    const strings: string[] = [];
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      const s = binary ? decodeBinary(name, Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'latin1')) : typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
      if (s !== null && s.length > 0) strings.push(s);
    }
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

function validity(values: EntryValues, rule: ValidityRule, now: number): Validity {
  if (rule.accountStatus) {
    const status = accountStatus(values, now);
    if (status !== Validity.VALID) return status;
  }
  if (!rule.validFilter || matchesFilter(rule.validFilter, values)) return Validity.VALID;
  if (rule.temporarilyInvalidFilter && matchesFilter(rule.temporarilyInvalidFilter, values)) return Validity.INVALID_TEMPORARILY;
  return Validity.INVALID;
}

const ACCOUNTDISABLE = 0x2n;
const UF_LOCKOUT = 0x10n;
/** Milliseconds between 1601-01-01 (the FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_MS = 11_644_473_600_000n;
const NEVER = 0x7fffffffffffffffn;

function integer(values: EntryValues, attribute: string): bigint | null {
  const v = values.get(attribute.toLowerCase())?.[0];
  return v !== undefined && /^-?\d{1,20}$/.test(v.trim()) ? BigInt(v.trim()) : null;
}

/** See {@link ValidityRule.accountStatus}. */
function accountStatus(values: EntryValues, now: number): Validity {
  const uac = integer(values, 'userAccountControl');
  if (uac !== null && (uac & ACCOUNTDISABLE) !== 0n) return Validity.INVALID;
  const expires = expiresAt(values);
  if (expires !== null && expires <= now) return Validity.INVALID;
  return lockedOut(values) ? Validity.INVALID_TEMPORARILY : Validity.VALID;
}

/** When the account expires (ms since the epoch): `accountExpires`, a FILETIME; null for never (0 or the largest value). */
function expiresAt(values: EntryValues): number | null {
  const expires = integer(values, 'accountExpires');
  return expires !== null && expires > 0n && expires !== NEVER ? Number(expires / 10_000n - FILETIME_EPOCH_MS) : null;
}

/** Locked out: bit 16 of the constructed msDS-User-Account-Control-Computed, else a non-zero `lockoutTime`. */
function lockedOut(values: EntryValues): boolean {
  const computed = integer(values, 'msDS-User-Account-Control-Computed');
  return computed !== null ? (computed & UF_LOCKOUT) !== 0n : (integer(values, 'lockoutTime') ?? 0n) > 0n;
}

/** When an entry's validity changes by time alone (see {@link validityTiming}). */
export interface ValidityTiming {
  /** The instant (ms since the epoch) at which the account expires, while it does not count INVALID for other reasons. */
  readonly validUntil?: number;
  /** Locked out: the lockout lapses at an instant the entry does not tell (the domain's lockout duration, or a password settings object's, decides). */
  readonly recheck?: boolean;
}

/**
 * When an entry's validity (judged at `now`) changes by time alone, with no change marker
 * moving: with {@link ValidityRule.accountStatus}, an account that is not INVALID and expires
 * later (`accountExpires`) changes then; a locked-out one when its lockout lapses, at an instant
 * the entry does not tell, so it is to be read again (the server computes
 * msDS-User-Account-Control-Computed at read time). Disabled and expired accounts stay INVALID
 * until someone changes the entry, which moves its marker.
 */
export function validityTiming(values: EntryValues, rule: ValidityRule, now: number): ValidityTiming {
  if (!rule.accountStatus || validity(values, rule, now) === Validity.INVALID) return {};
  const expires = expiresAt(values);
  return { ...(expires !== null && expires > now && { validUntil: expires }), ...(lockedOut(values) && { recheck: true }) };
}

/** The record's stable id: the decoded stable-id attribute, else the DN. */
export function stableIdOf(entry: Entry, values: EntryValues, attribute: string | null): string {
  return first(values, attribute ?? undefined) ?? entry.dn;
}

/** The RDNs of a DN, outermost last, with their attribute type lower-cased and value unescaped. */
export function parseDn(dn: string): { type: string; value: string }[] {
  const rdns: { type: string; value: string }[] = [];
  let type = '';
  let value = '';
  let inValue = false;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && i + 1 < dn.length) {
      const hex = /^[0-9a-fA-F]{2}/.exec(dn.slice(i + 1, i + 3));
      // Hex pairs are UTF-8 bytes; collected as latin1 and re-decoded below.
      value += hex ? String.fromCharCode(parseInt(hex[0], 16)) : dn[i + 1]!;
      i += hex ? 2 : 1;
    } else if (!inValue && ch === '=') {
      inValue = true;
    } else if (inValue && (ch === ',' || ch === ';')) {
      rdns.push({ type: type.trim().toLowerCase(), value: value.trim() });
      type = '';
      value = '';
      inValue = false;
    } else if (inValue) value += ch;
    else type += ch;
  }
  if (inValue) rdns.push({ type: type.trim().toLowerCase(), value: value.trim() });
  return rdns.map((r) => ({ type: r.type, value: /[\u0080-\u00ff]/.test(r.value) ? Buffer.from(r.value, 'latin1').toString('utf8') : r.value }));
}

/** Whether `dn` lies below `base` (compared RDN by RDN, ignoring case), and its RDNs. */
function below(dn: string, base: string): { type: string; value: string }[] | null {
  const rdns = parseDn(dn);
  const baseRdns = parseDn(base);
  if (rdns.length <= baseRdns.length) return null;
  const tail = rdns.slice(rdns.length - baseRdns.length);
  const same = tail.every((r, i) => r.type === baseRdns[i]!.type && r.value.toLowerCase() === baseRdns[i]!.value.toLowerCase());
  return same ? rdns.slice(0, rdns.length - baseRdns.length) : null;
}

/** See {@link EntryMapping.customerIdFromOU}: the OU value, or null when the user sits in none. */
export function customerIdFromDn(dn: string, customersBaseDN: string | null): string | null {
  const inside = customersBaseDN ? below(dn, customersBaseDN) : null;
  if (inside && inside.length >= 2 && inside[inside.length - 1]!.type === 'ou') return inside[inside.length - 1]!.value;
  const parent = parseDn(dn)[1];
  return parent?.type === 'ou' ? parent.value : null;
}

/** ISO 3166-1 alpha-2 upper case, or null for anything else (AD's `c` holds the code too). */
function countryCode(value: string | null): string | null {
  return value && /^[A-Za-z]{2}$/.test(value.trim()) ? value.trim().toUpperCase() : null;
}

/** LDAP GeneralizedTime (`20261125093000Z`, `20261125093000.0Z`, `...+0100`) to a Date. */
export function parseGeneralizedTime(value: string | null): Date | null {
  if (!value) return null;
  if (value.length === 15 && UTC_SECONDS_RE.test(value)) {
    // The usual form (`20261125093000Z`), read without building an ISO string.
    const n = (from: number, to: number) => Number(value.slice(from, to));
    const date = new Date(Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14)));
    return date.getUTCMonth() === n(4, 6) - 1 && date.getUTCDate() === n(6, 8) && n(8, 10) < 24 && n(10, 12) < 60 && n(12, 14) < 60 ? date : null;
  }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{2}(?:\d{2})?)?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi = '00', s = '00', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3) || '00'}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const UTC_SECONDS_RE = /^\d{14}Z$/;

/** The attributes to request for a map and validity rule. */
export function requestedAttributes(map: Record<string, string | undefined>, extra: Iterable<string>): string[] {
  const names = new Map<string, string>();
  for (const a of [...Object.values(map), ...extra]) if (a) names.set(a.toLowerCase(), a);
  return [...names.values()];
}

/** A customer entry as a record; null when it lacks a customer id. */
export function toCustomer(entry: Entry, m: EntryMapping<CustomerAttributeMap>, now = Date.now()): CustomerRecord | null {
  const { map } = m;
  const v = entryValues(entry);
  const customerId = first(v, map.customerId);
  if (customerId === null) return null;
  return {
    sourceId: m.sourceId,
    stableId: stableIdOf(entry, v, m.stableIdAttribute),
    customerId,
    name: first(v, map.name) ?? customerId,
    valid: validity(v, m.validity, now),
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
export function toCustomerUser(entry: Entry, m: EntryMapping<CustomerUserAttributeMap>, now = Date.now()): CustomerUserRecord | null {
  const { map } = m;
  const v = entryValues(entry);
  const login = first(v, map.login);
  if (login === null) return null;
  const fromOU = m.customerIdFromOU ? customerIdFromDn(entry.dn, m.customerIdFromOU.customersBaseDN) : null;
  const primary = m.customerIdFromOU ? (fromOU === null ? [] : [fromOU]) : all(v, map.customerId);
  const ids = distinctIds([...primary, ...all(v, map.customerIds)]);
  return {
    sourceId: m.sourceId,
    stableId: stableIdOf(entry, v, m.stableIdAttribute),
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
    valid: validity(v, m.validity, now),
    customerId: ids[0] ?? '',
    customerIds: ids,
    createdAt: parseGeneralizedTime(first(v, map.createdAt)),
    changedAt: parseGeneralizedTime(first(v, map.changedAt)),
  };
}
