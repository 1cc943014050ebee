import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/errors';

/** Codes a client can act on that GraphQL and Apollo themselves raise; kept as they are. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The message of every masked error. */
export const MASKED_MESSAGE = 'Internal server error';

/**
 * The one place where errors meet clients: a domain error becomes its code (with the input
 * field); GraphQL's own client errors pass; everything else is masked, with no SQL, stack, DN,
 * path or host. Masked errors are logged with the request id by the error plugin.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, ...(formatted.locations && { locations: formatted.locations }), ...(formatted.path && { path: formatted.path }) };
  if (original instanceof DomainError) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.code, ...(original.field !== undefined && { field: original.field }) },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASS_THROUGH.has(code) && !isUnexpected(original)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions };
  }
  return { ...base, message: MASKED_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** True for errors that are not GraphQL's own (a bug or a backend failure inside a resolver). */
export function isUnexpected(original: unknown): boolean {
  if (original instanceof DomainError) return false;
  return !(original instanceof GraphQLError);
}
