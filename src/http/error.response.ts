import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Codes of the errors the HTTP layer answers itself, before or around Apollo. Apollo's own
 * HTTP-level refusals (405 for a mutation over GET, 406, 415 for a GET with another content
 * type) carry `BAD_REQUEST` too; the status tells them apart.
 */
export const HTTP_ERROR_CODES = ['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PERSISTED_QUERY_NOT_FOUND', 'DATA_SOURCE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'] as const;

/** One of {@link HTTP_ERROR_CODES}. */
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** An answer at the HTTP level: its status, `extensions.code`, message and extra headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The GraphQL-over-HTTP media type of responses. */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

/**
 * The JSON media type that `accept` prefers: `application/graphql-response+json` when the client
 * ranks it at least as high as `application/json` (by quality, then specificity, then its own
 * order), else `application/json`, which is also the answer to a missing or unsatisfiable header.
 */
export function responseMediaType(accept: string | undefined): string {
  if (!accept) return JSON_TYPE;
  const ranges = accept.split(',').map((part, index) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { range, q: q ? Number(q.slice(2)) || 0 : 1, index };
  });
  const rank = (type: string): [number, number, number] => {
    let best: [number, number, number] = [0, 0, 0];
    for (const r of ranges) {
      const specificity = r.range === type ? 3 : r.range === 'application/*' ? 2 : r.range === '*/*' ? 1 : 0;
      if (specificity > best[1]) best = [r.q, specificity, -r.index];
    }
    return best;
  };
  const [a, b] = [rank(GRAPHQL_RESPONSE_JSON), rank(JSON_TYPE)];
  const graphqlWins = a[0] > 0 && (a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2]);
  return graphqlWins ? GRAPHQL_RESPONSE_JSON : JSON_TYPE;
}

/** Writes a JSON body (`mediaType`, UTF-8) with the given status and headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, mediaType = JSON_TYPE): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': `${mediaType}; charset=utf-8`, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers an {@link HttpError} as a GraphQL error response in the media type the client accepts. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  const body = { errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] };
  sendJson(res, error.status, body, error.headers, responseMediaType(req.headers.accept));
}
