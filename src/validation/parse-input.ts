import type { z } from 'zod';
import { ValidationError } from '../domain/errors';
import type { Submitted } from '../domain/write-inputs';

/**
 * Parses a submitted write input with its schema (`src/domain/write-inputs.ts`) into the domain's
 * input type; the first problem becomes a `ValidationError` naming the input field (the top-level
 * key, e.g. `additionalCustomerIds` for one of its items), which the API answers as
 * BAD_USER_INPUT with `extensions.field`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: Submitted<S>): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? 'input');
  const message =
    issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null) ? 'is required' : issue.message;
  throw new ValidationError(field, `${field} ${message}`);
}
