// The package's browser entry and English alone: its Node entry registers all 78 languages
// (about 9 MB of memory) for names the service never shows.
import countries from 'i18n-iso-countries/index';
import english from 'i18n-iso-countries/langs/en.json';

/** An ISO 3166-1 country. */
export interface CountryInfo {
  readonly code: string;
  readonly name: string;
}

// i18n-iso-countries (maintained, ISO-tracking, English names) rather than a hand-kept list.
countries.registerLocale(english);
const BY_CODE: ReadonlyMap<string, CountryInfo> = new Map(
  Object.entries(countries.getNames('en', { select: 'official' })).map(([code, name]) => [code, { code, name }]),
);

/** All ISO 3166-1 countries, by English name. */
export const ALL_COUNTRIES: readonly CountryInfo[] = [...BY_CODE.values()].sort((a, b) => a.name.localeCompare(b.name, 'en'));

/** The country of an alpha-2 code (any case), or null. */
export function countryByCode(code: string | null | undefined): CountryInfo | null {
  if (!code) return null;
  return BY_CODE.get(code.toUpperCase()) ?? null;
}

let byName: ReadonlyMap<string, string> | null = null;

/**
 * The alpha-2 code of a country named in English (the official name or a usual alias, any
 * case: "Germany", "United States", "UK"), or null for a name that names no country.
 */
export function countryCodeByName(name: string | null | undefined): string | null {
  const wanted = name?.trim().toLowerCase();
  if (!wanted) return null;
  if (!byName) {
    const map = new Map<string, string>();
    for (const [code, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
      for (const n of names) map.set(n.toLowerCase(), code);
    }
    byName = map;
  }
  return byName.get(wanted) ?? null;
}
