import type { Config } from '../../config/config';
import type { CustomerRecord } from '../../domain/records';
import { countryByCode } from '../../domain/countries';
import type { Link } from './customer.type';

/** The values a link template may name as `{field}`. */
function templateFields(c: CustomerRecord): Record<string, string> {
  return {
    customerId: c.customerId,
    name: c.name,
    street: c.street ?? '',
    zip: c.zip ?? '',
    city: c.city ?? '',
    country: countryByCode(c.countryCode)?.name ?? '',
    countryCode: c.countryCode ?? '',
    url: c.url ?? '',
  };
}

/**
 * Fills a template: each `{field}` becomes the URL-encoded field. Returns null when every field
 * the template names is empty (the link is left out).
 */
export function fillTemplate(template: string, c: CustomerRecord): string | null {
  const fields = templateFields(c);
  let named = 0;
  let filled = 0;
  const url = template.replace(/\{(\w+)\}/g, (m, name: string) => {
    if (!(name in fields)) return m;
    named++;
    const value = fields[name]!;
    if (value !== '') filled++;
    return encodeURIComponent(value);
  });
  if (named > 0 && filled === 0) return null;
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The map link: null when the customer has neither street nor city, or no map is configured. */
export function mapUrl(config: Config, c: CustomerRecord): string | null {
  if (!config.links.map || (!c.street && !c.city)) return null;
  return fillTemplate(config.links.map, c);
}

/** The information card's links: the customer's web site, the map, then configured web and social links. */
export function customerLinks(config: Config, c: CustomerRecord): Link[] {
  const links: Link[] = [];
  if (c.url) links.push({ kind: 'web', label: 'Website', url: c.url });
  const map = mapUrl(config, c);
  if (map) links.push({ kind: 'map', label: 'Map', url: map });
  for (const [kind, templates] of [['web', config.links.web], ['social', config.links.social]] as const) {
    for (const t of templates) {
      const url = fillTemplate(t.url, c);
      if (url) links.push({ kind, label: t.label, url });
    }
  }
  return links;
}
