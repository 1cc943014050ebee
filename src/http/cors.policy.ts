import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './error.response';

/** Request headers a browser application may send (the preflight allows them). */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'accept', 'apollo-require-preflight', 'x-apollo-operation-name'] as const;
/** Response headers a browser application may read beside the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'idempotent-replayed', 'www-authenticate', 'allow'] as const;
const METHODS = 'GET, POST';

/** The `cors` configuration keys. */
export interface CorsOptions {
  readonly origins: readonly string[];
  readonly maxAgeSeconds: number;
}

/**
 * CORS for `/graphql`: origins listed in `cors.origins` may call it from a browser; none by
 * default (same origin only). The bearer token is the protection, not the Origin header: a
 * request from another origin is served without CORS headers (the browser then hides the answer,
 * and a browser never adds the token by itself), and its preflight is refused with 403.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(private readonly options: CorsOptions) {
    this.origins = new Set(options.origins.map((o) => o.toLowerCase()));
  }

  /**
   * Sets the CORS headers of a `/graphql` response and answers preflights (without a token).
   * Returns true when the request was answered here. Throws 403 for a preflight of an origin
   * that is not allowed.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.origins.size > 0) res.setHeader('vary', 'Origin');
    const origin = req.headers.origin;
    const allowed = origin !== undefined && this.origins.has(origin.toLowerCase());
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    }
    if (req.method !== 'OPTIONS') return false;
    if (origin === undefined || req.headers['access-control-request-method'] === undefined) {
      res.writeHead(204, { allow: `${METHODS}, OPTIONS` });
      res.end();
      return true;
    }
    if (!allowed) {
      throw new HttpError(403, 'FORBIDDEN', `The origin ${origin} may not call this API from a browser (cors.origins)`);
    }
    res.writeHead(204, {
      'access-control-allow-methods': METHODS,
      'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
      'access-control-max-age': String(this.options.maxAgeSeconds),
    });
    res.end();
    return true;
  }
}
