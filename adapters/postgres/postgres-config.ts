import { z } from 'zod';

/** Pool and timeouts of a PostgreSQL helpdesk database (config key `databasePool`). */
export const postgresPoolConfigSchema = z
  .object({
    /** Connections per service process. */
    size: z.number().int().min(1).max(200).default(10),
    /** A statement running longer is cancelled: DATA_SOURCE_UNAVAILABLE (retryable). */
    statementTimeoutMs: z.number().int().min(100).max(600_000).default(5000),
    /** How long a request waits for a connection (a free one of the pool, or a new one). */
    connectTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict();

/** See {@link postgresPoolConfigSchema}. */
export type PostgresPoolConfig = z.infer<typeof postgresPoolConfigSchema>;

/** True when a `database` setting names a PostgreSQL database. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}
