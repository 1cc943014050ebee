import type { Role } from '../config/config';
import { ALL_TICKETS, type TicketScope } from '../domain/ticket-scope';

/** Who a credential says the caller is, before its tickets' scope is resolved. */
export interface Identity {
  /** The token's configured name, or the signed-in user's name. */
  readonly name: string;
  /** Unique among callers, for what is kept per caller (Idempotency-Keys): the token's name, or `oidc:` and the user's `sub`. */
  readonly key: string;
  readonly role: Role;
  /** `token`: a configured API token; `oidc`: a signed-in user's access token. */
  readonly via: 'token' | 'oidc';
  /** Queue patterns the caller is restricted to (configured or claimed); null: none given. */
  readonly queues: readonly string[] | null;
  /** The Znuny agent whose permissions restrict the caller's tickets; null: none. */
  readonly agentLogin: string | null;
  /** Epoch milliseconds after which the credential is no longer accepted (a JWT's `exp` plus the clock tolerance); null: never. */
  readonly expiresAt: number | null;
}

/** An authenticated caller: its identity and the tickets it may see, resolved once per request (or WebSocket connection). */
export interface Caller extends Identity {
  readonly scope: TicketScope;
}

/** A caller with every right of its role and no restriction (tests, the benchmark, in-process execution). */
export function unrestrictedCaller(role: Role, name: string = role): Caller {
  return { name, key: name, role, via: 'token', queues: null, agentLogin: null, expiresAt: null, scope: ALL_TICKETS };
}

/**
 * A credential that is refused: 401 `UNAUTHENTICATED` (missing, unknown, forged, expired or
 * foreign; 4401 on the WebSocket) or 403 `FORBIDDEN` (a valid credential that grants no role;
 * 4403). The message names the reason without echoing the credential.
 */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
  constructor(
    readonly status: 401 | 403,
    message: string,
    /** A token that was read and refused (a bad JWT): `WWW-Authenticate` then says `error="invalid_token"` (RFC 6750). */
    readonly invalidToken = false,
  ) {
    super(message);
  }

  get code(): 'UNAUTHENTICATED' | 'FORBIDDEN' {
    return this.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  }
}

/** The identity provider (discovery document, keys) could not be reached: not the token's fault (503). */
export class IdentityProviderUnavailableError extends Error {
  override name = 'IdentityProviderUnavailableError';
}
