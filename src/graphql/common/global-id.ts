import type { EncodingCache } from '../execution/encoding-cache';

/** The types that implement `Node`. */
export type NodeTypeName = 'Customer' | 'CustomerUser' | 'Ticket';

/** What a global id names: a record of a source by its stable id, or a ticket by its row id. */
export type GlobalIdTarget =
  | { readonly type: 'Customer' | 'CustomerUser'; readonly sourceId: string; readonly stableId: string }
  | { readonly type: 'Ticket'; readonly ticketId: number };

/**
 * Opaque global id: base64url of a JSON array. A customer's or customer user's names its source
 * and the record's stable id there (a row id, entryUUID or objectGUID), so a rename keeps it.
 */
export function encodeGlobalId(target: GlobalIdTarget, encodings: EncodingCache): string {
  return target.type === 'Ticket' ? encodings.globalId(target.type, target.ticketId) : encodings.globalId(target.type, target.sourceId, target.stableId);
}

/** Decodes a global id; null for anything malformed, forged or of an unknown type. */
export function decodeGlobalId(id: string): GlobalIdTarget | null {
  if (id.length > 2048 || !/^[A-Za-z0-9_-]*$/.test(id)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts)) return null;
  const [type, a, b] = parts as unknown[];
  if (type === 'Ticket' && parts.length === 2 && Number.isSafeInteger(a) && (a as number) > 0) return { type, ticketId: a as number };
  if ((type === 'Customer' || type === 'CustomerUser') && parts.length === 3 && typeof a === 'string' && typeof b === 'string' && b !== '') {
    return { type, sourceId: a, stableId: b };
  }
  return null;
}
