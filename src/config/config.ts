import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { dataSourceConfigSchema } from '../composition/adapter-configs';
import { oidcSchema, tokenSchema } from '../auth/auth-config';

const linkTemplateSchema = z.object({ label: z.string().min(1), url: z.string().min(1) }).strict();

const corsSchema = z
  .object({
    /** Origins (scheme, host and port, e.g. `http://localhost:5173`) whose pages may call /graphql. */
    origins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin: scheme, host and optional port, no path (e.g. http://localhost:5173)')).default([]),
    /** How long a browser may cache a preflight answer. */
    maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
  })
  .strict();

const trustedDocumentsSchema = z
  .object({
    /** The manifest `{ "<sha256 hex>": "<document>" }` that `npm run codegen` writes. */
    manifest: z.string().min(1),
    /** `only`: nothing but the manifest's documents runs; `allow`: documents by hash and any other. */
    mode: z.enum(['only', 'allow']),
  })
  .strict();

const limitsSchema = z
  .object({
    /** Largest `first` a list accepts. */
    maxPageSize: z.number().int().min(1).max(1000).default(100),
    /** Largest request body, in bytes. */
    maxBodyBytes: z.number().int().min(1024).default(1_000_000),
    /** Deepest field nesting of an operation, fragments expanded. */
    maxDepth: z.number().int().min(1).max(100).default(12),
    /** Deepest nesting under __schema / __type; the standard introspection query needs 15. */
    maxIntrospectionDepth: z.number().int().min(1).max(100).default(16),
    /** Aliases in one document. */
    maxAliases: z.number().int().min(0).max(10_000).default(30),
    /** Directives in one document. */
    maxDirectives: z.number().int().min(0).max(10_000).default(20),
    /** Lexical tokens in one document (the parser stops beyond). */
    maxTokens: z.number().int().min(100).max(1_000_000).default(3000),
    /** Cost of one operation: one per field, a page of a list multiplies its fields by `first`. */
    maxCost: z.number().int().min(1).default(20_000),
    /** How long a SQLite write waits for another connection's lock before DATA_SOURCE_UNAVAILABLE. */
    busyTimeoutMs: z.number().int().min(0).max(60_000).default(5000),
    /** How long an Idempotency-Key and its first response are kept. */
    idempotencyKeyTtlSeconds: z.number().int().min(60).default(86_400),
    /** Introspection; default: on unless NODE_ENV=production. */
    introspection: z.boolean().optional(),
    /** "Did you mean" field suggestions in errors; default: on unless NODE_ENV=production. */
    fieldSuggestions: z.boolean().optional(),
  })
  .strict();

const liveSchema = z
  .object({
    /** At most one push per subscription per this many milliseconds; the latest state is pushed. */
    coalesceMs: z.number().int().min(0).max(60_000).default(250),
    /** Subscriptions one WebSocket connection may hold at once. */
    maxSubscriptionsPerConnection: z.number().int().min(1).max(10_000).default(50),
    /** Open WebSocket connections; an upgrade beyond is answered 503. */
    maxConnections: z.number().int().min(1).default(1000),
    /** Bytes queued for a socket that does not read; beyond, the connection is closed. */
    maxBufferedBytes: z.number().int().min(1024).default(1_048_576),
    /** Keep-alive ping interval; a connection that missed one pong is closed. */
    keepAliveMs: z.number().int().min(100).default(12_000),
    /** How long a connection may take to send connection_init. */
    connectionInitWaitMs: z.number().int().min(100).default(5000),
  })
  .strict();

const configSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(4000),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 4000 }),
    /** A SQLite file path, or `postgres://USER:PASSWORD@HOST:PORT/DB` (shared by replicas; `sslmode` in the URL). */
    database: z.string().min(1).default('data/helpdesk.db'),
    /** PostgreSQL only: connections per process, statement timeout, connection wait. */
    databasePool: z
      .object({
        size: z.number().int().min(1).max(200).default(10),
        statementTimeoutMs: z.number().int().min(100).max(600_000).default(5000),
        connectTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
      })
      .strict()
      .default({ size: 10, statementTimeoutMs: 5000, connectTimeoutMs: 5000 }),
    seed: z.enum(['demo']).nullable().default(null),
    auth: z
      .object({
        tokens: z.array(tokenSchema).default([]),
        /** Signed-in users: OpenID Connect access tokens of one issuer (src/auth/auth-config.ts). */
        oidc: oidcSchema.optional(),
        /** Development only: generate a random agent token into this file on first start. */
        devTokenFile: z.string().min(1).optional(),
      })
      .strict(),
    dataSources: z
      .array(dataSourceConfigSchema)
      .min(1),
    /**
     * The id of the data source whose database holds the tickets (an existing helpdesk's, such as
     * Znuny's); absent: the tickets live in `database`.
     */
    tickets: z.string().min(1).optional(),
    links: z
      .object({
        map: z.string().min(1).optional(),
        web: z.array(linkTemplateSchema).default([]),
        social: z.array(linkTemplateSchema).default([]),
      })
      .strict()
      .default({ web: [], social: [] }),
    /** DataLoader batching; off only to measure what it buys (`npm run bench`). */
    batching: z.boolean().default(true),
    graphiql: z.object({ enabled: z.boolean().optional() }).strict().default({}),
    /** The reference Customer Information Center at /app; default: on unless NODE_ENV=production. */
    app: z.object({ enabled: z.boolean().optional() }).strict().default({}),
    /** Browsers on other origins allowed to call /graphql; default none (same origin only). */
    cors: corsSchema.default({ origins: [], maxAgeSeconds: 600 }),
    /** Trusted documents: run documents named by hash from a manifest (`only` refuses any other). */
    trustedDocuments: trustedDocumentsSchema.optional(),
    limits: limitsSchema.default(limitsSchema.parse({})),
    /** Subscriptions over WebSocket (graphql-ws) at /graphql. */
    live: liveSchema.default(liveSchema.parse({})),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.dataSources.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['dataSources', i, 'id'], message: `duplicate id '${s.id}'` });
      seen.add(s.id);
    });
    if (c.tickets !== undefined && !seen.has(c.tickets)) {
      ctx.addIssue({ code: 'custom', path: ['tickets'], message: `names no data source: '${c.tickets}' is not the id of one in dataSources` });
    }
    if (c.auth.tokens.length === 0 && !c.auth.devTokenFile && !c.auth.oidc) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'tokens'], message: 'at least one token (or auth.oidc) is needed' });
    }
  });

/** The validated configuration file, before run-time additions. */
type ParsedConfig = z.infer<typeof configSchema>;
/** One configured data source. */
export type DataSourceConfig = ParsedConfig['dataSources'][number];
/** A configured bearer token, by its SHA-256. */
export type TokenConfig = z.infer<typeof tokenSchema>;
/** A role: `reader` runs queries, `agent` also mutations. */
export type Role = TokenConfig['role'];

/** The service's configuration: typed, validated, frozen. */
export type Config = DeepReadonly<
  ParsedConfig & {
    /** The development token in clear, when the embedded default generated or read one. */
    devToken: string | null;
    /** `NODE_ENV=production`: GraphiQL, introspection and suggestions default to off. */
    production: boolean;
    /** The log level, from `LOG_LEVEL` (default `info`). */
    logLevel: string;
    /** Whether the embedded default configuration is in use. */
    embeddedDefault: boolean;
  }
>;

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The configuration used when HELPDESK_CONFIG is not set: SQLite with the demo data. */
export const EMBEDDED_DEFAULT_CONFIG = {
  listen: { host: '127.0.0.1', port: 4000 },
  database: 'data/helpdesk.db',
  seed: 'demo',
  auth: { tokens: [], devTokenFile: 'data/dev-token' },
  dataSources: [{ id: 'local', name: 'Helpdesk database', kind: 'sqlite' }],
  links: {
    map: 'https://www.openstreetmap.org/search?query={street}, {zip} {city}, {country}',
    web: [{ label: 'Web search', url: 'https://duckduckgo.com/?q={name}' }],
    social: [{ label: 'LinkedIn', url: 'https://www.linkedin.com/search/results/companies/?keywords={name}' }],
  },
} as const;

/** A configuration that cannot be used; the message names the key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Where configuration comes from; tests pass their own. */
export interface ConfigSources {
  readonly env: NodeJS.ProcessEnv;
  /** Relative paths are resolved against this folder. */
  readonly cwd: string;
  /** A configuration object instead of HELPDESK_CONFIG (tests). */
  readonly raw?: unknown;
}

/**
 * Reads the configuration: the JSON file named by HELPDESK_CONFIG (or the embedded default),
 * `${NAME}` replaced by environment variables, then PORT, HOST and DATABASE. Validates it,
 * resolves paths, creates the development token where configured, and freezes the result.
 * Throws `ConfigError` naming the offending key.
 */
export function loadConfig(sources: ConfigSources = { env: process.env, cwd: process.cwd() }): Config {
  const { env, cwd } = sources;
  let raw: unknown;
  let embeddedDefault = false;
  if (sources.raw !== undefined) {
    raw = structuredClone(sources.raw);
  } else if (env.HELPDESK_CONFIG) {
    const file = resolve(cwd, env.HELPDESK_CONFIG);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`configuration: cannot read HELPDESK_CONFIG file ${file}: ${(e as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`configuration: ${file} is not valid JSON: ${(e as Error).message}`);
    }
  } else {
    raw = structuredClone(EMBEDDED_DEFAULT_CONFIG);
    embeddedDefault = true;
  }

  raw = substituteEnv(raw, env, []);
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const obj = raw as Record<string, any>;
    if (env.PORT !== undefined) {
      const port = Number(env.PORT);
      if (!/^\d+$/.test(env.PORT) || port > 65535) throw new ConfigError(`configuration: PORT must be a port number, got '${env.PORT}'`);
      obj.listen = { ...(obj.listen ?? {}), port };
    }
    if (env.HOST !== undefined) obj.listen = { ...(obj.listen ?? {}), host: env.HOST };
    if (env.DATABASE !== undefined) obj.database = env.DATABASE;
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.map(String).join('.') || '(root)';
    throw new ConfigError(`configuration: ${key}: ${issue.message}`);
  }
  const config = parsed.data;
  if (!/^postgres(ql)?:\/\//i.test(config.database)) config.database = resolve(cwd, config.database);
  for (const s of config.dataSources) if (s.kind === 'sqlite' && s.path) s.path = resolve(cwd, s.path);

  let devToken: string | null = null;
  if (config.auth.devTokenFile) {
    config.auth.devTokenFile = resolve(cwd, config.auth.devTokenFile);
    devToken = readOrCreateDevToken(config.auth.devTokenFile);
    config.auth.tokens.push({ name: 'development', role: 'agent', sha256: sha256Hex(devToken) });
  }
  if (config.trustedDocuments) config.trustedDocuments.manifest = resolve(cwd, config.trustedDocuments.manifest);
  const production = env.NODE_ENV === 'production';
  return deepFreeze({ ...config, devToken, embeddedDefault, production, logLevel: env.LOG_LEVEL ?? 'info' }) as Config;
}

/** Hex SHA-256 of a token, as configured in `auth.tokens`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function readOrCreateDevToken(file: string): string {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        throw new ConfigError(`configuration: environment variable ${name} is not set (used at ${path.join('.') || '(root)'})`);
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k])]));
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
