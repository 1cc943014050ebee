import { z } from 'zod';
import { isQueuePattern } from '../domain/ticket-scope';

/** A queue pattern: a queue name, or a path ending with `*` (`Sales::*`); see `TicketScope`. */
const queuePatternSchema = z
  .string()
  .refine(isQueuePattern, 'a queue name, optionally ending with * (e.g. "Sales" or "Sales::*"); no other *, at most 200 characters');

/** One configured API token, by its SHA-256, optionally restricted to queues or acting as a Znuny agent. */
export const tokenSchema = z
  .object({
    name: z.string().min(1),
    role: z.enum(['reader', 'agent']),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 of the token (64 hex digits)'),
    /** Only the tickets of these queues (names or `Path::*` patterns); none given: every queue. */
    queues: z.array(queuePatternSchema).max(1000).optional(),
    /** The login of a Znuny agent whose permissions restrict the tickets (needs a ticket store with agent permissions). */
    agent: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((t) => !(t.queues && t.agent), { message: 'a token is restricted by queues or by an agent, not both', path: ['agent'] });

/** The asymmetric JWS algorithms an access token may be signed with. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const algorithmSchema = z.string().superRefine((alg, ctx) => {
  if (/^none$/i.test(alg)) ctx.addIssue({ code: 'custom', message: "'none' is refused: an access token must be signed" });
  else if (/^HS/i.test(alg)) ctx.addIssue({ code: 'custom', message: `'${alg}' is refused: HMAC algorithms are not accepted (a public key must never verify a token)` });
  else if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
    ctx.addIssue({ code: 'custom', message: `'${alg}' is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}` });
  }
});

/** An http(s) URL; plain http only for a loopback host (a test or local identity provider). */
const secureUrlSchema = z
  .string()
  .url()
  .refine((value) => {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'an https URL (http only for localhost, 127.0.0.1 or [::1])');

/** A claim name or a dotted path into nested claims (`realm_access.roles`). */
const claimSchema = z.string().min(1).max(200);

/** An OAuth scope list: space-separated scope tokens (RFC 6749 section 3.3), `openid` among them. */
const scopeSchema = z
  .string()
  .max(1000)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'space-separated scope tokens, e.g. "openid profile"')
  .refine((s) => s.split(' ').includes('openid'), 'the scopes must include "openid"');

/**
 * The reference Customer Information Center (/app) signs its people in with the issuer: a public
 * client (no secret), authorization code with PKCE (S256); the access token it gets is the bearer.
 */
export const oidcAppSchema = z
  .object({
    /** The app's client id at the identity provider (a public client; its redirect URI is the page's address, `https://<host>/app`). */
    clientId: z.string().min(1).max(200),
    /** The scopes the app asks for; add the API's scope where the provider needs one for an access token of this audience (Entra ID). */
    scope: scopeSchema.default('openid profile'),
  })
  .strict();

/** Signed-in users: OpenID Connect access tokens (signed JWTs) of one issuer. */
export const oidcSchema = z
  .object({
    /** The issuer (`iss` of its tokens); its discovery document is `<issuer>/.well-known/openid-configuration`. */
    issuer: secureUrlSchema,
    /** The audience this service accepts: `aud` contains it (or `azp` equals it). */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** The issuer's JWKS; default: `jwks_uri` of the discovery document. */
    jwksUrl: secureUrlSchema.optional(),
    /** Where the roles are: a claim or a dotted path (Keycloak `realm_access.roles`, Entra ID `roles`). */
    rolesClaim: claimSchema.default('roles'),
    /** The identity provider's roles that give each role of this service (agent wins over reader). */
    roles: z
      .object({ agent: z.array(z.string().min(1)).default([]), reader: z.array(z.string().min(1)).default([]) })
      .strict()
      .refine((r) => r.agent.length + r.reader.length > 0, 'name at least one role of the identity provider'),
    /** The claim of the name `viewer` shows; default `preferred_username`, then `name`, `email`, `sub`. */
    nameClaim: claimSchema.optional(),
    /** The claim holding a Znuny agent's login (used when the ticket store knows agent permissions). */
    agentClaim: claimSchema.optional(),
    /** The claim holding queue patterns (a list, or one string); when configured, a token without it sees no ticket. */
    queuesClaim: claimSchema.optional(),
    /** Clock skew allowed for `exp` and `nbf`. */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    /** Signature algorithms accepted; `none` and HMAC (HS*) are refused. */
    algorithms: z.array(algorithmSchema).min(1).default([...ASYMMETRIC_ALGORITHMS]),
    /** An unknown key id re-reads the JWKS at most once per this many seconds. */
    jwksCooldownSeconds: z.number().int().min(0).max(3600).default(30),
    /** Keys are re-read at the latest after this many seconds. */
    jwksCacheSeconds: z.number().int().min(1).max(86_400).default(600),
    /** How long a request to the identity provider (discovery, JWKS) may take. */
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    /** The reference Customer Information Center's client: when set, /app offers "Sign in" with this issuer. */
    app: oidcAppSchema.optional(),
  })
  .strict();
