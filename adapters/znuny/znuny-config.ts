import { z } from 'zod';

/** The ticket state types a fresh Znuny counts as open (its `Ticket::ViewableStateType`). */
export const ZNUNY_VIEWABLE_STATE_TYPES = ['new', 'open', 'pending reminder', 'pending auto'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Configuration of a `znuny` data source: the database of an existing Znuny (6.x, 7.x), OTOBO
 * (10, 11) or OTRS 6 helpdesk, read as it is. Read-only unless `readOnly` is false.
 */
export const znunySourceConfigSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1 to 64)'),
    name: z.string().min(1).max(200),
    kind: z.literal('znuny'),
    /** `mysql://USER:PASSWORD@HOST:PORT/DB` (MariaDB or MySQL) or `postgres://…` (`${NAME}` for the password). */
    url: z.string().regex(/^(mysql|mariadb|postgres|postgresql):\/\/[^/\s]+\/[^/?\s]+(\?\S*)?$/i, 'a mysql:// or postgres:// URL with host and database'),
    /** False lets the service create and change customers and customer users in Znuny's tables. */
    readOnly: z.boolean().default(true),
    /** The Znuny user id written to `create_by` / `change_by` (1 is root@localhost). */
    agentId: z.number().int().min(1).default(1),
    /** Znuny's `OTRSTimeZone`: the zone its DATETIME columns are written in. */
    timeZone: z.string().min(1).refine(isTimeZone, 'an IANA time zone such as UTC or Europe/Berlin').default('UTC'),
    /** Znuny's `Ticket::ViewableStateType`: the state type names whose (valid) states count as open. */
    viewableStateTypes: z.array(z.string().min(1).max(200)).min(1).default([...ZNUNY_VIEWABLE_STATE_TYPES]),
    /** Customer users' e-mail addresses are unique, as Znuny's `CustomerUserEmailUniqCheck` (on by default) has them. */
    uniqueEmail: z.boolean().default(true),
    /** How often changes made in Znuny itself are read (tickets, customers, customer users). */
    pollSeconds: z.number().min(1).max(3600).default(5),
    pool: z
      .object({
        size: z.number().int().min(1).max(200).default(10),
        /** A statement running longer is cancelled: DATA_SOURCE_UNAVAILABLE. */
        statementTimeoutMs: z.number().int().min(100).max(600_000).default(5000),
        connectTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
      })
      .strict()
      .default({ size: 10, statementTimeoutMs: 5000, connectTimeoutMs: 5000 }),
    /** MariaDB / MySQL TLS (PostgreSQL: `sslmode` and friends in the URL, as for the helpdesk database). */
    tls: z
      .object({
        /** PEM file of the CA(s) to trust instead of the system store. */
        caFile: z.string().min(1).optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .optional(),
    /** A full re-read of the customer keys (which drops deleted rows) at least every this many minutes. */
    fullRefreshMinutes: z.number().int().min(1).max(1440).default(60),
  })
  .strict();

/** See {@link znunySourceConfigSchema}. */
export type ZnunySourceConfig = z.infer<typeof znunySourceConfigSchema>;

/** The SQL dialect a Znuny URL names. */
export type ZnunyDialect = 'mysql' | 'postgres';

/** The dialect of a Znuny database URL. */
export function dialectOf(url: string): ZnunyDialect {
  return /^postgres(ql)?:/i.test(url) ? 'postgres' : 'mysql';
}
