import { z } from 'zod';
import { parseFilter, unsupportedInFilter } from './ldap-filters';
import { LDAP_PRESET_NAMES } from './ldap-presets';

const attribute = z
  .string()
  .regex(/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/, 'an LDAP attribute name (letters, digits, -) or OID');

/** A map value: an attribute, or null to drop a field the preset maps. */
const mapped = attribute.nullable().optional();

const filterString = z.string().superRefine((text, ctx) => {
  try {
    parseFilter(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid LDAP filter (RFC 4515): ${(e as Error).message}` });
  }
});

/** A validity filter is also evaluated on fetched entries, so only evaluable operators are allowed. */
const validityFilter = filterString.superRefine((text, ctx) => {
  let reason: string | null = null;
  try {
    reason = unsupportedInFilter(parseFilter(text));
  } catch {
    return;
  }
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});

const dn = z
  .string()
  .min(1)
  .regex(/^\s*[A-Za-z0-9.-]+\s*=/, 'a distinguished name such as ou=people,dc=example,dc=com');

/** The service account as a DN, or as Active Directory also accepts it: `user@domain` (UPN) or `DOMAIN\\user`. */
const bindName = z
  .string()
  .min(1)
  .refine(
    (s) => /^\s*[A-Za-z0-9.-]+\s*=/.test(s) || /^[^\s@\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(s) || /^[A-Za-z0-9][A-Za-z0-9.-]{0,14}\\[^\s\\@][^\\]*$/.test(s),
    'a distinguished name (cn=reader,dc=example,dc=com), a user principal name (reader@example.com) or DOMAIN\\user',
  );

function objectSchema<S extends z.ZodRawShape>(mapShape: S) {
  return z
    .object({
      /** Where the entries are. */
      baseDN: dn,
      /** How deep below baseDN (default: the preset's). */
      scope: z.enum(['base', 'one', 'sub']).optional(),
      /** Which entries are records (default: the preset's). */
      filter: filterString.optional(),
      /** Entries that do not match are INVALID (default: the preset's; none = all VALID). */
      validFilter: validityFilter.optional(),
      /** Entries that are not valid and match this are INVALID_TEMPORARILY instead of INVALID. */
      temporarilyInvalidFilter: validityFilter.optional(),
      /** Judge Active Directory account state: disabled, expired, locked out (default: the preset's). */
      accountStatus: z.boolean().optional(),
      /** Attribute with the entry's stable id, or null for the DN (default: the preset's). */
      stableIdAttribute: attribute.nullable().optional(),
      /** Customer users: the primary customer id is the OU the user sits in (see the integrator docs). */
      customerIdFromOU: z.boolean().optional(),
      /** Contract field → attribute, over the preset's map. */
      map: z.object(mapShape).strict().optional(),
    })
    .strict();
}

const customerMapShape = {
  customerId: mapped,
  name: mapped,
  street: mapped,
  zip: mapped,
  city: mapped,
  country: mapped,
  url: mapped,
  comment: mapped,
  createdAt: mapped,
  changedAt: mapped,
};

const customerUserMapShape = {
  login: mapped,
  email: mapped,
  firstName: mapped,
  lastName: mapped,
  title: mapped,
  customerId: mapped,
  customerIds: mapped,
  phone: mapped,
  mobile: mapped,
  street: mapped,
  zip: mapped,
  city: mapped,
  country: mapped,
  comment: mapped,
  createdAt: mapped,
  changedAt: mapped,
};

const tlsSchema = z
  .object({
    /** Upgrade an ldap:// connection with the StartTLS extended operation before binding. */
    startTLS: z.boolean().default(false),
    /** PEM file of the CA(s) to trust instead of the system store. */
    caFile: z.string().min(1).optional(),
    /** Certificate and host name verification; switch off only for a throw-away test directory. */
    rejectUnauthorized: z.boolean().default(true),
    /** Name or IP address the certificate must carry, when it differs from the URL host (default: the URL host, IP or name). */
    servername: z.string().min(1).optional(),
  })
  .strict();

/** Configuration of an `ldap` data source (an OpenLDAP or Active Directory server), read-only. */
export const ldapSourceConfigSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1 to 64)'),
    name: z.string().min(1).max(200),
    kind: z.literal('ldap'),
    /** `ldap://host:port` or `ldaps://host:port`. */
    url: z.string().regex(/^ldaps?:\/\/[^/?#\s]+\/?$/i, 'an ldap:// or ldaps:// URL with host and optional port'),
    /** The service account; the adapter never reads anonymously. */
    bindDN: bindName,
    /** Use `${VAR}` to take it from the environment. */
    bindPassword: z.string().min(1, 'the bind password is required (use ${VAR})'),
    /** Every operation (connect, bind, all pages of a search) ends within this time. */
    timeoutMs: z.number().int().min(100).max(120_000).default(3000),
    preset: z.enum(LDAP_PRESET_NAMES).default('openldap'),
    /** Entries per page of a paged search (RFC 2696); default the preset's. */
    pageSize: z.number().int().min(1).max(100_000).optional(),
    tls: tlsSchema.default({ startTLS: false, rejectUnauthorized: true }),
    /** The in-memory list index (see adapters/list-index/list-index.ts). */
    index: z
      .object({
        /** A list answers from data at most this old (changes are read in the background after half of it); lookups are live. */
        maxStalenessSeconds: z.number().int().min(1).max(60).default(60),
        /**
         * Entries deleted, moved out of the base DN or no longer matching the filter leave the lists
         * within this time: a keys-only read of every entry's stable id (the sweep), with a refresh
         * once half of it has passed.
         */
        sweepSeconds: z.number().int().min(1).max(3600).default(60),
        /** A full re-read of every entry at least every this many minutes. */
        fullRefreshMinutes: z.number().int().min(1).max(1440).default(60),
        /** Time for the full read of every entry (on first use and every fullRefreshMinutes), and for a sweep. */
        readTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
      })
      .strict()
      .default({ maxStalenessSeconds: 60, sweepSeconds: 60, fullRefreshMinutes: 60, readTimeoutMs: 60_000 }),
    customers: objectSchema(customerMapShape).optional(),
    customerUsers: objectSchema(customerUserMapShape).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.customers?.customerIdFromOU) {
      ctx.addIssue({ code: 'custom', path: ['customers', 'customerIdFromOU'], message: 'customerIdFromOU is a customerUsers setting' });
    }
    if (!c.customers && !c.customerUsers) {
      ctx.addIssue({ code: 'custom', path: ['customers'], message: 'configure customers, customerUsers or both' });
    }
    if (c.tls.startTLS && /^ldaps:/i.test(c.url)) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'startTLS'], message: 'StartTLS is for ldap:// URLs; ldaps:// is already encrypted' });
    }
  });

/** See {@link ldapSourceConfigSchema}. */
export type LdapSourceConfig = z.infer<typeof ldapSourceConfigSchema>;
