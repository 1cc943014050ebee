import type { IncomingMessage } from 'node:http';
import { AccessDeniedError, IdentityProviderUnavailableError, type Caller } from '../auth/caller';
import type { Authenticator } from '../auth/authenticator';
import { DataSourceUnavailableError } from '../domain/errors';
import { HttpError } from './error.response';

/**
 * The caller of a request's bearer token. A missing, unknown, forged, expired or foreign token is
 * a 401 `UNAUTHENTICATED` (with `WWW-Authenticate: Bearer`), a signed-in user whose roles give
 * none of this service's a 403 `FORBIDDEN`; an identity provider or agent store that cannot be
 * reached a 503 `DATA_SOURCE_UNAVAILABLE`.
 */
export async function authenticate(authenticator: Authenticator, req: IncomingMessage): Promise<Caller> {
  try {
    return await authenticator.authenticate(req.headers.authorization);
  } catch (e) {
    throw httpErrorOf(e);
  }
}

/** An authentication failure as an HTTP answer (anything unexpected is passed on, masked as 500). */
export function httpErrorOf(e: unknown): unknown {
  if (e instanceof AccessDeniedError) {
    if (e.status === 403) return new HttpError(403, 'FORBIDDEN', e.message);
    return new HttpError(401, 'UNAUTHENTICATED', e.message, { 'www-authenticate': e.invalidToken ? 'Bearer error="invalid_token"' : 'Bearer' });
  }
  if (e instanceof IdentityProviderUnavailableError) {
    return new HttpError(503, 'DATA_SOURCE_UNAVAILABLE', 'The identity provider cannot be reached; try again later', {}, { source: 'oidc' });
  }
  if (e instanceof DataSourceUnavailableError) {
    return new HttpError(503, 'DATA_SOURCE_UNAVAILABLE', e.message, {}, { source: e.sourceId });
  }
  return e;
}
