import type { LdapSourceConfig } from '../../adapters/ldap/ldap-config';
import { LdapDataSource } from '../../adapters/ldap/ldap-data-source';
import { ldapSourceConfigSchema } from '../../adapters/ldap/ldap-config';
import pino from 'pino';
import { createLogger, type Logger } from '../../src/log/logger';
import { READER_DN, READER_PASSWORD, SUFFIX, type Slapd } from './slapd';

/** The source configuration of the OpenLDAP layout (fixtures/ldap/openldap-layout.ldif), as an integrator writes it. */
export function openldapSourceConfig(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'directory',
    name: 'Corporate directory',
    kind: 'ldap',
    url,
    bindDN: READER_DN,
    bindPassword: READER_PASSWORD,
    timeoutMs: 2000,
    preset: 'openldap',
    customers: {
      baseDN: `ou=customers,${SUFFIX}`,
      filter: '(objectClass=organization)',
      validFilter: '(!(|(businessCategory=closed)(businessCategory=suspended)))',
      temporarilyInvalidFilter: '(businessCategory=suspended)',
    },
    customerUsers: {
      baseDN: `ou=people,${SUFFIX}`,
      filter: '(objectClass=inetOrgPerson)',
      validFilter: '(!(employeeType=disabled))',
    },
    ...extra,
  };
}

/** The source configuration of the Active-Directory-like layout: the preset plus two overrides. */
export function activeDirectorySourceConfig(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ad',
    name: 'Active Directory',
    kind: 'ldap',
    url,
    bindDN: READER_DN,
    bindPassword: READER_PASSWORD,
    timeoutMs: 2000,
    preset: 'active-directory',
    // slapd's msuser schema has neither AD's objectCategory short names nor adminDescription on
    // an OU, nor objectGUID: this layout keeps objectClass=user, info and entryUUID (test/ad runs
    // the preset unchanged on Samba).
    customers: {
      baseDN: `ou=Customers,${SUFFIX}`,
      validFilter: '(!(|(businessCategory=closed)(businessCategory=suspended)))',
      temporarilyInvalidFilter: '(businessCategory=suspended)',
      stableIdAttribute: 'entryUUID',
      map: { comment: 'info' },
    },
    customerUsers: { baseDN: `ou=Users,${SUFFIX}`, filter: '(objectClass=user)', stableIdAttribute: 'entryUUID', map: { customerIds: 'o' } },
    ...extra,
  };
}

/** A logger (same redaction as the service's) that keeps every JSON line for assertions. */
export function capturingLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug', base: undefined, redact: { paths: ['*.bindPassword', '*.password', 'password'], censor: '[redacted]' } },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, lines: () => lines };
}

/** An LDAP source on a running directory, counting its search pages; `now`: its clock (see {@link testClock}). */
export function openSource(
  raw: Record<string, unknown>,
  logger?: Logger,
  now?: () => number,
): { source: LdapDataSource; pages: () => number; config: LdapSourceConfig } {
  let pages = 0;
  const config = ldapSourceConfigSchema.parse(raw);
  const source = new LdapDataSource({ config, logger: logger ?? createLogger('silent'), onSearchPage: () => pages++, ...(now && { now }) });
  return { source, pages: () => pages, config };
}

/** Convenience: the OpenLDAP-layout source on a slapd. */
export function openldapSource(slapd: Slapd, extra: Record<string, unknown> = {}, logger?: Logger, now?: () => number) {
  return openSource(openldapSourceConfig(slapd.url, extra), logger, now);
}

/** A clock a test moves by hand (ms since the epoch), starting at the real time. */
export function testClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** A FILETIME (100 ns since 1601, as Active Directory keeps `accountExpires` and `lockoutTime`) for an instant in ms. */
export function filetimeOf(ms: number): string {
  return ((BigInt(ms) + 11_644_473_600_000n) * 10_000n).toString();
}
