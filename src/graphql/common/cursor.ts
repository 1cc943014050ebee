import { ValidationError } from '../../domain/errors';
import type { SortKey } from '../../domain/page';
import type { EncodingCache } from '../execution/encoding-cache';

/** Opaque cursor of a list position: base64url of the sort key. */
export function encodeCursor(key: SortKey, encodings: EncodingCache): string {
  return encodings.json(key);
}

/**
 * Decodes a cursor made by {@link encodeCursor} for a list whose sort key has these column
 * types; anything else is BAD_USER_INPUT on that argument.
 */
export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[], field: 'after' | 'before' = 'after'): SortKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const ok = Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isFinite(v)));
  if (!ok) throw new ValidationError(field, `${field} is not a cursor of this list`);
  return key as SortKey;
}
