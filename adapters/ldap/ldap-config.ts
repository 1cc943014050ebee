import { z } from 'zod';

// Placeholder until the LDAP adapter lands (issue "Read-only LDAP"): a configuration naming an
// ldap source is refused at start with a clear message rather than accepted and ignored.
/** Configuration of an `ldap` data source. */
export const ldapSourceConfigSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.literal('ldap'),
  })
  .passthrough()
  .refine(() => false, { message: 'ldap data sources are not supported by this build yet' });

/** See {@link ldapSourceConfigSchema}. */
export type LdapSourceConfig = z.infer<typeof ldapSourceConfigSchema>;
