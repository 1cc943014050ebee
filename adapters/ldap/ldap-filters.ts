import {
  AndFilter,
  ApproximateFilter,
  EqualityFilter,
  ExtensibleFilter,
  Filter,
  FilterParser,
  GreaterThanEqualsFilter,
  LessThanEqualsFilter,
  NotFilter,
  OrFilter,
  PresenceFilter,
  SubstringFilter,
} from 'ldapts';

/**
 * Search filters are built as ldapts filter objects: values travel as BER octet strings and are
 * never parsed, so no input (`*`, `)(uid=*`, `\`, NUL, `(`) can widen a search (RFC 4515 escaping
 * applies only to the string form, which `Filter.toString()` produces for logs).
 */

/** Parses a configured filter string (RFC 4515); throws on a malformed one. */
export function parseFilter(text: string): Filter {
  return FilterParser.parseString(text);
}

/** `(&a b ...)`, dropping absent parts; a single part stands alone. */
export function and(...parts: (Filter | null | undefined)[]): Filter {
  const present = parts.flatMap((p) => (p == null ? [] : p instanceof AndFilter ? p.filters : [p]));
  if (present.length === 0) return new PresenceFilter({ attribute: 'objectClass' });
  return present.length === 1 ? present[0]! : new AndFilter({ filters: present });
}

/** `(|(a1=v1)(a2=v1)(a1=v2)...)`: any of the attributes equals any of the values. */
export function equalsAny(attributes: readonly string[], values: readonly string[]): Filter {
  const filters = values.flatMap((value) => attributes.map((attribute) => new EqualityFilter({ attribute, value })));
  return filters.length === 1 ? filters[0]! : new OrFilter({ filters });
}

/** The attribute values of an entry, by lower-cased attribute name. */
export type EntryValues = ReadonlyMap<string, readonly string[]>;

const BIT_AND = '1.2.840.113556.1.4.803';
const BIT_OR = '1.2.840.113556.1.4.804';

/**
 * Whether a filter can be evaluated by {@link matchesFilter}: `&`, `|`, `!`, `=`, `=*`,
 * substrings, `~=`, `>=`, `<=` and the Active Directory bit rules (LDAP_MATCHING_RULE_BIT_AND/OR).
 * Returns the reason when it cannot.
 */
export function unsupportedInFilter(filter: Filter): string | null {
  if (filter instanceof AndFilter || filter instanceof OrFilter) {
    for (const f of filter.filters) {
      const reason = unsupportedInFilter(f);
      if (reason) return reason;
    }
    return null;
  }
  if (filter instanceof NotFilter) return unsupportedInFilter(filter.filter);
  if (filter instanceof ExtensibleFilter) {
    if (filter.dnAttributes || !filter.matchType || ![BIT_AND, BIT_OR].includes(filter.rule)) {
      return `only the extensible rules ${BIT_AND} and ${BIT_OR} are supported`;
    }
    return null;
  }
  if (
    filter instanceof EqualityFilter ||
    filter instanceof PresenceFilter ||
    filter instanceof SubstringFilter ||
    filter instanceof ApproximateFilter ||
    filter instanceof GreaterThanEqualsFilter ||
    filter instanceof LessThanEqualsFilter
  ) {
    return null;
  }
  return `unsupported filter ${filter.toString()}`;
}

/** The attribute names a filter reads (lower case), to request them with the entries. */
export function filterAttributes(filter: Filter, into = new Set<string>()): Set<string> {
  if (filter instanceof AndFilter || filter instanceof OrFilter) filter.filters.forEach((f) => filterAttributes(f, into));
  else if (filter instanceof NotFilter) filterAttributes(filter.filter, into);
  else if (filter instanceof ExtensibleFilter) into.add(filter.matchType.toLowerCase());
  else if ('attribute' in filter && typeof filter.attribute === 'string') into.add(filter.attribute.toLowerCase());
  return into;
}

/**
 * Evaluates a filter against an entry already fetched, the way a directory does with its usual
 * matching rules: string values compare ignoring case, numbers numerically. Used for
 * `validFilter`, so that one search returns every entry with its validity.
 */
export function matchesFilter(filter: Filter, entry: EntryValues): boolean {
  if (filter instanceof AndFilter) return filter.filters.every((f) => matchesFilter(f, entry));
  if (filter instanceof OrFilter) return filter.filters.some((f) => matchesFilter(f, entry));
  if (filter instanceof NotFilter) return !matchesFilter(filter.filter, entry);
  if (filter instanceof PresenceFilter) return (entry.get(filter.attribute.toLowerCase()) ?? []).length > 0;
  if (filter instanceof ExtensibleFilter) {
    const mask = BigInt.asUintN(64, toBigInt(filter.value) ?? 0n);
    return values(entry, filter.matchType).some((v) => {
      const n = toBigInt(v);
      if (n === null) return false;
      const bits = BigInt.asUintN(64, n) & mask;
      return filter.rule === BIT_AND ? bits === mask : bits !== 0n;
    });
  }
  if (filter instanceof SubstringFilter) {
    return values(entry, filter.attribute).some((raw) => {
      const v = fold(raw);
      let at = 0;
      if (filter.initial) {
        const initial = fold(filter.initial);
        if (!v.startsWith(initial)) return false;
        at = initial.length;
      }
      for (const raw of filter.any) {
        const part = fold(raw);
        const i = v.indexOf(part, at);
        if (i < 0) return false;
        at = i + part.length;
      }
      const final = filter.final ? fold(filter.final) : '';
      return v.length - final.length >= at && v.endsWith(final);
    });
  }
  if (filter instanceof EqualityFilter || filter instanceof ApproximateFilter) {
    const wanted = String(filter.value);
    return values(entry, filter.attribute).some((v) => compare(v, wanted) === 0);
  }
  if (filter instanceof GreaterThanEqualsFilter) return values(entry, filter.attribute).some((v) => compare(v, filter.value) >= 0);
  if (filter instanceof LessThanEqualsFilter) return values(entry, filter.attribute).some((v) => compare(v, filter.value) <= 0);
  return false;
}

function values(entry: EntryValues, attribute: string): readonly string[] {
  return entry.get(attribute.toLowerCase()) ?? [];
}

function fold(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function compare(a: string, b: string): number {
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x !== null && y !== null) return x === y ? 0 : x < y ? -1 : 1;
  const fa = fold(a);
  const fb = fold(b);
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

function toBigInt(s: string): bigint | null {
  return /^\s*-?\d{1,20}\s*$/.test(s) ? BigInt(s.trim()) : null;
}
