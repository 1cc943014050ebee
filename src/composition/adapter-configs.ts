import { z } from 'zod';
import { ldapSourceConfigSchema } from '../../adapters/ldap/ldap-config';
import { sqliteSourceConfigSchema } from '../../adapters/sqlite/sqlite-config';
import { znunySourceConfigSchema } from '../../adapters/znuny/znuny-config';

/**
 * The configuration schemas of the adapters, one union by `kind`: the part of the composition
 * root that the configuration module reads (it imports nothing but the adapters' schemas, so the
 * configuration never depends on the factory that opens the adapters). Adding an adapter adds its
 * schema here and a case in `openDataSource` (src/composition/adapter-factory.ts).
 */
export const dataSourceConfigSchema = z.discriminatedUnion('kind', [sqliteSourceConfigSchema, ldapSourceConfigSchema, znunySourceConfigSchema]);
