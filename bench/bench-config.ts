import type { Config } from '../src/config/config';
import type { CustomerRecord } from '../src/domain/records';
import { customerLinks, mapUrl } from '../src/graphql/customer/customer-links';

/** The link templates of the benchmark's service configuration (the contract's example). */
export const BENCH_LINKS = {
  map: 'https://www.openstreetmap.org/search?query={street}, {zip} {city}, {country}',
  web: [] as { label: string; url: string }[],
  social: [{ label: 'LinkedIn', url: 'https://www.linkedin.com/search/results/companies/?keywords={name}' }],
};

const linkConfig = { links: BENCH_LINKS } as unknown as Config;

/** The map URL and links of a customer, filled exactly as the service fills them. */
export function benchLinks(
  c: Pick<CustomerRecord, 'customerId' | 'name' | 'street' | 'zip' | 'city' | 'countryCode' | 'url'>,
): { mapUrl: string | null; links: { kind: string; label: string; url: string }[] } {
  const record = c as CustomerRecord;
  return { mapUrl: mapUrl(linkConfig, record), links: customerLinks(linkConfig, record) };
}
