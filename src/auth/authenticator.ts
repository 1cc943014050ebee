import { ConfigError, type Config } from '../config/config';
import { ALL_TICKETS, type TicketScope } from '../domain/ticket-scope';
import type { TicketStore } from '../domain/tickets';
import type { Logger } from '../log/logger';
import { AccessDeniedError, type Caller, type Identity } from './caller';
import { looksLikeJwt, OidcVerifier } from './oidc-verifier';
import { TokenTable } from './token-table';

/** Longest bearer token read (an access token with many claims runs to a few kilobytes). */
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Authenticates a request's bearer token, once per HTTP request or WebSocket connection: a
 * configured API token (looked up by its SHA-256), else, with `auth.oidc`, a signed JWT access
 * token of the issuer; then resolves which tickets the caller may see (every ticket, its queues,
 * or its Znuny agent's permissions through the ticket store).
 */
export class Authenticator {
  constructor(
    private readonly tokens: TokenTable,
    private readonly oidc: OidcVerifier | null,
    private readonly tickets: Pick<TicketStore, 'agentScope'>,
  ) {}

  /**
   * The caller of an `Authorization` header value. Throws `AccessDeniedError` (401: missing,
   * unknown, forged, expired or foreign; 403: a signed-in user without a role of this service),
   * `IdentityProviderUnavailableError` when the issuer's keys cannot be read, and whatever the
   * ticket store throws resolving an agent (`DataSourceUnavailableError`).
   */
  async authenticate(header: string | undefined): Promise<Caller> {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const token = match && match[1]!.length <= MAX_TOKEN_LENGTH ? match[1]! : null;
    if (!token) throw new AccessDeniedError(401, 'A valid bearer token is required');
    const identity = this.tokens.lookup(token) ?? (this.oidc && looksLikeJwt(token) ? await this.oidc.verify(token) : null);
    if (!identity) throw new AccessDeniedError(401, 'A valid bearer token is required');
    return { ...identity, scope: await this.scopeOf(identity) };
  }

  /** Which tickets an identity sees: its agent's (resolved by the ticket store), its queues, or all. */
  private async scopeOf(identity: Identity): Promise<TicketScope> {
    if (identity.agentLogin !== null) {
      if (!this.tickets.agentScope) throw new Error('the ticket store does not resolve agents');
      return this.tickets.agentScope(identity.agentLogin);
    }
    if (identity.queues !== null) return { kind: 'queues', patterns: identity.queues };
    return ALL_TICKETS;
  }
}

/**
 * The authenticator of a configuration and ticket store. A token acting as an agent needs a
 * ticket store with agent permissions (`tickets` naming a Znuny source): else a `ConfigError`
 * at start. `auth.oidc.agentClaim` is read only with such a store (else a warning, and ignored).
 */
export function createAuthenticator(auth: Config['auth'], tickets: Pick<TicketStore, 'capabilities' | 'agentScope'>, logger: Logger): Authenticator {
  const agents = tickets.capabilities.agentPermissions && typeof tickets.agentScope === 'function';
  auth.tokens.forEach((t, i) => {
    if (t.agent !== undefined && !agents) {
      throw new ConfigError(
        `configuration: auth.tokens.${i}.agent: token '${t.name}' acts as the agent '${t.agent}', but the ticket store knows no agent permissions ` +
          `(set "tickets" to a Znuny source, or restrict the token with "queues")`,
      );
    }
  });
  if (auth.oidc?.agentClaim && !agents) {
    logger.warn({ agentClaim: auth.oidc.agentClaim }, 'auth.oidc.agentClaim is ignored: the ticket store knows no agent permissions');
  }
  const oidc = auth.oidc ? new OidcVerifier(auth.oidc, { agents }) : null;
  return new Authenticator(new TokenTable(auth.tokens), oidc, tickets);
}
