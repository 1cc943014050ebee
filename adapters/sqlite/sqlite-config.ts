import { z } from 'zod';

/** Configuration of a `sqlite` data source. */
export const sqliteSourceConfigSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1 to 64)'),
    name: z.string().min(1).max(200),
    kind: z.literal('sqlite'),
    /** Another SQLite file; without it the source is the helpdesk database itself. */
    path: z.string().min(1).optional(),
  })
  .strict();

/** See {@link sqliteSourceConfigSchema}. */
export type SqliteSourceConfig = z.infer<typeof sqliteSourceConfigSchema>;
