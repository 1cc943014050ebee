/**
 * What the screens make of errors: field errors from `extensions.field`, the sources named by
 * DATA_SOURCE_UNAVAILABLE (`extensions.source`), and whether the service could be reached at all.
 */
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

/** The GraphQL errors of an Apollo error (none for a network failure). */
export function graphqlErrors(error: unknown): readonly GraphQLFormattedError[] {
  return CombinedGraphQLErrors.is(error) ? error.errors : [];
}

/** The `extensions.code` of an error. */
export function codeOf(e: GraphQLFormattedError): string | undefined {
  const code = e.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Field errors by input field name, and the errors that name no field of the form. */
export function splitFieldErrors(error: unknown, fields: readonly string[]): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const e of graphqlErrors(error)) {
    const field = e.extensions?.field;
    if (typeof field === 'string' && fields.includes(field) && byField[field] === undefined) byField[field] = e.message;
    else other.push(e.message);
  }
  if (!CombinedGraphQLErrors.is(error) && error) other.push(describeFailure(error));
  return { byField, other };
}

/** Source ids named by DATA_SOURCE_UNAVAILABLE errors. */
export function unavailableSourceIds(error: unknown): string[] {
  const ids = new Set<string>();
  for (const e of graphqlErrors(error)) {
    if (codeOf(e) === 'DATA_SOURCE_UNAVAILABLE' && typeof e.extensions?.source === 'string') ids.add(e.extensions.source);
  }
  return [...ids];
}

/** True when the error is only about unavailable sources (the data that came is still good). */
export function onlyDegraded(error: unknown): boolean {
  const errors = graphqlErrors(error);
  return errors.length > 0 && errors.every((e) => codeOf(e) === 'DATA_SOURCE_UNAVAILABLE');
}

/** A sentence for a failed request: the service down, a refused token, or the errors' messages. */
export function describeFailure(error: unknown): string {
  const errors = graphqlErrors(error);
  if (errors.some((e) => codeOf(e) === 'UNAUTHENTICATED')) return 'The service refused the access token: enter a valid token.';
  if (errors.some((e) => codeOf(e) === 'FORBIDDEN')) return 'Your token does not allow this action.';
  if (errors.length > 0) return errors.map((e) => e.message).join(' ');
  if (ServerError.is(error)) return `The service answered with HTTP ${error.statusCode}.`;
  return 'The service cannot be reached. Check that it is running, then retry.';
}

/** True for a failure to reach the service at all (no GraphQL answer). */
export function isUnreachable(error: unknown): boolean {
  return Boolean(error) && !CombinedGraphQLErrors.is(error) && !ServerError.is(error);
}
