import type { IncomingMessage } from 'node:http';
import type { Caller, TokenAuthenticator } from '../auth/auth';
import { HttpError } from './error.response';

/** The caller of a request's bearer token; a missing or unknown token is a 401 `UNAUTHENTICATED`. */
export function authenticate(authenticator: TokenAuthenticator, req: IncomingMessage): Caller {
  const caller = authenticator.authenticate(req.headers.authorization);
  if (!caller) throw new HttpError(401, 'UNAUTHENTICATED', 'A valid bearer token is required', { 'www-authenticate': 'Bearer' });
  return caller;
}
