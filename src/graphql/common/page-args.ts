import { ArgsType, Extensions, Field, Int } from 'type-graphql';
import { ValidationError } from '../../domain/errors';
import type { PageRequest } from '../../domain/page';
import { Validity } from '../../domain/records';
import { decodeCursor } from './cursor';

/**
 * The Relay page arguments every connection field takes. `first`/`after` page forward,
 * `last`/`before` backward; a field's default page size applies when neither `first` nor
 * `last` is given.
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "How many records from the start of the window (default: the field's page size). Not with `last`." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of a record of this list: the window starts after it.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'How many records from the end of the window, for paging backward. Not with `first`.' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of a record of this list: the window ends before it.' })
  before?: string | null;
}

/** How a list field turns its page arguments into a request. */
export interface PageDefaults {
  /** The page size when neither `first` nor `last` is given. */
  readonly size: number;
  /** The largest `first` or `last` (the configured `limits.maxPageSize`). */
  readonly max: number;
  /** The column types of the list's sort key (see {@link SHAPES}). */
  readonly shape: readonly ('string' | 'number')[];
}

/** The page the arguments ask for; BAD_USER_INPUT for both `first` and `last`, a size out of range or a foreign cursor. */
export function pageRequest(args: PageArgs, defaults: PageDefaults): PageRequest {
  const { first, last, after, before } = args;
  if (first != null && last != null) throw new ValidationError('last', 'first and last cannot be used together');
  const backward = last != null;
  const size = (backward ? last : first) ?? defaults.size;
  if (!Number.isInteger(size) || size < 0 || size > defaults.max) {
    throw new ValidationError(backward ? 'last' : 'first', `${backward ? 'last' : 'first'} must be between 0 and ${defaults.max}`);
  }
  return {
    size,
    backward,
    after: after == null ? null : decodeCursor(after, defaults.shape, 'after'),
    before: before == null ? null : decodeCursor(before, defaults.shape, 'before'),
  };
}

/** The validity filter of a list: VALID unless given. */
export function validityFilter(valid: readonly Validity[] | null | undefined): readonly Validity[] {
  return valid == null ? [Validity.VALID] : [...new Set(valid)];
}

/** A literal search string, or null for none (empty matches everything). */
export function searchFilter(search: string | null | undefined): string | null {
  return search == null || search === '' ? null : search;
}

/**
 * Default page sizes of the list fields (when neither `first` nor `last` is given). Each field
 * also carries its size as the `pageSize` extension, which the cost limit reads.
 */
export const PAGE_SIZES = { customers: 50, customerUsers: 50, usersOfCustomer: 25, tickets: 25, widgets: 10 } as const;

/** Marks a list field with its default page size (see {@link PAGE_SIZES}). */
export function PageSize(size: number): MethodDecorator {
  return Extensions({ pageSize: size });
}

/** Sort key column types of each list. */
export const SHAPES = {
  customer: ['string', 'string'],
  customerUser: ['string', 'string', 'string'],
  ticket: ['number', 'number'],
} as const;
