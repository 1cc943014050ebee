import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isQueuePattern } from '../domain/ticket-scope';
import type { Config, Role } from '../config/config';
import { AccessDeniedError, IdentityProviderUnavailableError, type Identity } from './caller';

/** Whether a bearer token has the shape of a JWS in compact serialization (three base64url parts; an unsigned one has an empty third). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/**
 * The value of a claim named by `path`: a top-level claim of that exact name (names may hold dots,
 * e.g. Auth0's `https://example.com/roles`), else a dotted path into nested objects
 * (`realm_access.roles`, `resource_access.helpdesk-api.roles`).
 */
export function claimAt(payload: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** `auth.oidc` of the configuration. */
export type OidcConfig = NonNullable<Config['auth']['oidc']>;

/** Options of {@link OidcVerifier}. */
export interface OidcVerifierOptions {
  /** The ticket store resolves Znuny agents: `agentClaim` is read (else ignored). */
  readonly agents: boolean;
}

/**
 * Verifies OpenID Connect access tokens of one issuer with `jose`: the signature against the
 * issuer's published keys (JWKS from `jwksUrl` or the discovery document's `jwks_uri`; cached,
 * re-read when a token names an unknown key id, at most once per `jwksCooldownSeconds`), an
 * allowed asymmetric algorithm, `iss`, `aud` (or `azp`), `exp` (required) and `nbf` with the
 * clock tolerance; then maps the claims to a role, a name, and a Znuny agent or queues.
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | null = null;
  /** The last failure to read the discovery document and when (it is not asked again before the cooldown). */
  private discoveryFailure: { at: number; error: Error } | null = null;
  private readonly audiences: readonly string[];

  constructor(
    private readonly config: OidcConfig,
    private readonly options: OidcVerifierOptions,
  ) {
    this.audiences = typeof config.audience === 'string' ? [config.audience] : config.audience;
  }

  /**
   * The identity of a signed access token. `AccessDeniedError` 401 for a forged, expired, not yet
   * valid, foreign or malformed token, 403 for one whose roles map to none of this service's;
   * `IdentityProviderUnavailableError` when the keys cannot be read.
   */
  async verify(token: string): Promise<Identity> {
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.config.issuer,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw refusal(e);
    }
    const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!this.audiences.some((a) => aud.includes(a) || payload.azp === a)) {
      throw new AccessDeniedError(401, 'The access token is meant for another audience', true);
    }
    const name = this.nameOf(payload);
    return {
      name,
      key: `oidc:${payload.sub ?? name}`,
      role: this.roleOf(payload),
      via: 'oidc',
      ...this.restrictionOf(payload),
      expiresAt: (payload.exp! + this.config.clockToleranceSeconds) * 1000,
    };
  }

  /** The role the token's roles give: agent before reader; none is 403. */
  private roleOf(payload: JWTPayload): Role {
    const value = claimAt(payload, this.config.rolesClaim);
    const held = new Set(typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
    if (this.config.roles.agent.some((r) => held.has(r))) return 'agent';
    if (this.config.roles.reader.some((r) => held.has(r))) return 'reader';
    throw new AccessDeniedError(403, 'The access token grants no role of this service');
  }

  private nameOf(payload: JWTPayload): string {
    const claims = this.config.nameClaim ? [this.config.nameClaim] : ['preferred_username', 'name', 'email', 'sub'];
    for (const claim of claims) {
      const value = claimAt(payload, claim);
      if (typeof value === 'string' && value.length > 0) return value.slice(0, 200);
    }
    return payload.sub ?? 'unknown';
  }

  /**
   * The Znuny agent (`agentClaim`, when the ticket store resolves agents) or the queues
   * (`queuesClaim`): a configured claim the token lacks restricts it to no ticket.
   */
  private restrictionOf(payload: JWTPayload): Pick<Identity, 'agentLogin' | 'queues'> {
    const { agentClaim, queuesClaim } = this.config;
    if (agentClaim && this.options.agents) {
      const login = claimAt(payload, agentClaim);
      if (typeof login === 'string' && login.length > 0 && login.length <= 200) return { agentLogin: login, queues: null };
      if (!queuesClaim) return { agentLogin: null, queues: [] };
    }
    if (!queuesClaim) return { agentLogin: null, queues: null };
    const value = claimAt(payload, queuesClaim);
    if (value === undefined || value === null) return { agentLogin: null, queues: [] };
    const patterns = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string' && isQueuePattern(p)) || patterns.length > 1000) {
      throw new AccessDeniedError(403, `The access token's ${queuesClaim} claim is not a list of queue names`);
    }
    return { agentLogin: null, queues: patterns as string[] };
  }

  /** The issuer's key set, read once (discovery first when no `jwksUrl` is configured). */
  private keySet(): Promise<JWTVerifyGetKey> {
    const failure = this.discoveryFailure;
    if (failure && Date.now() < failure.at + this.config.jwksCooldownSeconds * 1000) return Promise.reject(failure.error);
    this.keys ??= this.jwksUrl().then(
      (url) =>
        createRemoteJWKSet(url, {
          cooldownDuration: this.config.jwksCooldownSeconds * 1000,
          cacheMaxAge: this.config.jwksCacheSeconds * 1000,
          timeoutDuration: this.config.timeoutMs,
        }),
      (e: Error) => {
        this.keys = null;
        this.discoveryFailure = { at: Date.now(), error: e };
        throw e;
      },
    );
    return this.keys;
  }

  /** `jwksUrl`, or `jwks_uri` of `<issuer>/.well-known/openid-configuration` (whose `issuer` must be the configured one). */
  private async jwksUrl(): Promise<URL> {
    if (this.config.jwksUrl) return new URL(this.config.jwksUrl);
    const where = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(where, { signal: AbortSignal.timeout(this.config.timeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`it answered HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (e) {
      throw new IdentityProviderUnavailableError(`The identity provider's discovery document ${where} could not be read: ${(e as Error).message}`);
    }
    if (document.issuer !== this.config.issuer) {
      throw new IdentityProviderUnavailableError(`The discovery document ${where} names the issuer ${JSON.stringify(document.issuer)}, not the configured ${this.config.issuer}`);
    }
    if (typeof document.jwks_uri !== 'string' || !/^https?:\/\//.test(document.jwks_uri)) {
      throw new IdentityProviderUnavailableError(`The discovery document ${where} has no jwks_uri`);
    }
    return new URL(document.jwks_uri);
  }
}

/** A verification failure as the client sees it: 401 with the reason, or 503 when the keys could not be read. */
function refusal(e: unknown): Error {
  if (!(e instanceof errors.JOSEError)) {
    // Reading the JWKS failed (network, TLS): not the token's fault.
    return new IdentityProviderUnavailableError(`The identity provider's keys could not be read: ${(e as Error)?.message ?? String(e)}`);
  }
  switch (e.code) {
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC': // a JWKS answer other than 200 with JSON
      return new IdentityProviderUnavailableError(`The identity provider's keys could not be read: ${e.message}`);
    case 'ERR_JWT_EXPIRED':
      return new AccessDeniedError(401, 'The access token has expired', true);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (e as errors.JWTClaimValidationFailed).claim;
      if (claim === 'nbf') return new AccessDeniedError(401, 'The access token is not valid yet', true);
      if (claim === 'iss') return new AccessDeniedError(401, 'The access token was issued by another issuer', true);
      if (claim === 'exp') return new AccessDeniedError(401, 'The access token has no expiry (exp)', true);
      return new AccessDeniedError(401, `The access token's ${claim} claim is not valid`, true);
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new AccessDeniedError(401, "The access token's signature algorithm is not accepted", true);
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new AccessDeniedError(401, 'The access token is signed with a key the issuer does not publish', true);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AccessDeniedError(401, "The access token's signature does not verify", true);
    default:
      return new AccessDeniedError(401, 'The access token is malformed or not supported', true);
  }
}
