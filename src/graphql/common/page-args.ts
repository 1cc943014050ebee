import { ValidationError } from '../../domain/errors';
import type { PageRequest } from '../../domain/page';
import { Validity } from '../../domain/records';
import { decodeCursor } from './cursor';

/**
 * The page a list argument pair asks for: `first` (null means the default) between 0 and the
 * configured maximum, `after` a cursor of this list.
 */
export function pageRequest(
  first: number | null | undefined,
  after: string | null | undefined,
  defaults: { first: number; max: number; shape: readonly ('string' | 'number')[] },
): PageRequest {
  const n = first ?? defaults.first;
  if (!Number.isInteger(n) || n < 0 || n > defaults.max) {
    throw new ValidationError('first', `first must be between 0 and ${defaults.max}`);
  }
  return { first: n, after: after == null ? null : decodeCursor(after, defaults.shape) };
}

/** The validity filter of a list: VALID unless given. */
export function validityFilter(valid: readonly Validity[] | null | undefined): readonly Validity[] {
  return valid == null ? [Validity.VALID] : [...new Set(valid)];
}

/** A literal search string, or null for none (empty matches everything). */
export function searchFilter(search: string | null | undefined): string | null {
  return search == null || search === '' ? null : search;
}

/** Sort key column types of each list. */
export const SHAPES = {
  customer: ['string', 'string'],
  customerUser: ['string', 'string', 'string'],
  ticket: ['number', 'number'],
} as const;
