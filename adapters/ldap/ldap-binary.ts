/**
 * Binary directory attributes and their canonical string forms. ldapts decodes every value as
 * UTF-8 unless the attribute is requested as binary, which garbles GUIDs and SIDs; the adapter
 * requests the attributes named here as Buffers and converts them with these functions.
 */

/** Lower-cased names of the GUID-valued attributes (16 bytes, Microsoft's mixed-endian layout). */
const GUID_ATTRIBUTES = new Set(['objectguid', 'ms-ds-consistencyguid', 'msexchmailboxguid']);
/** Lower-cased names of the SID-valued attributes. */
const SID_ATTRIBUTES = new Set(['objectsid', 'securityidentifier']);

/** True for an attribute that must be requested as binary and decoded by {@link decodeBinary}. */
export function isBinaryAttribute(name: string): boolean {
  const n = name.toLowerCase();
  return GUID_ATTRIBUTES.has(n) || SID_ATTRIBUTES.has(n);
}

/**
 * A binary value as its canonical string: a GUID as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
 * (the first three groups little-endian, as Windows prints it), a SID as `S-1-5-21-...`.
 * Null when the bytes are not a well-formed value of the attribute.
 */
export function decodeBinary(name: string, value: Buffer): string | null {
  const n = name.toLowerCase();
  if (GUID_ATTRIBUTES.has(n)) return guidToString(value);
  if (SID_ATTRIBUTES.has(n)) return sidToString(value);
  return null;
}

/** See {@link decodeBinary}. */
export function guidToString(b: Buffer): string | null {
  if (b.length !== 16) return null;
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Buffer.from(b.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID/UUID in its canonical string form. */
export function isGuidString(s: string): boolean {
  return GUID_RE.test(s);
}

/** The 16 bytes of a canonical GUID string (the inverse of {@link guidToString}); null when malformed. */
export function guidToBytes(s: string): Buffer | null {
  if (!isGuidString(s)) return null;
  const h = s.replace(/-/g, '');
  const part = (from: number, to: number, reverse: boolean) => {
    const bytes = Buffer.from(h.slice(from, to), 'hex');
    return reverse ? bytes.reverse() : bytes;
  };
  return Buffer.concat([part(0, 8, true), part(8, 12, true), part(12, 16, true), part(16, 20, false), part(20, 32, false)]);
}

/** See {@link decodeBinary}: revision, 48-bit authority, then little-endian 32-bit sub-authorities. */
export function sidToString(b: Buffer): string | null {
  if (b.length < 8) return null;
  const count = b[1]!;
  if (b.length !== 8 + 4 * count) return null;
  const authority = b.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(b.readUInt32LE(8 + 4 * i));
  return ['S', b[0], authority, ...subs].join('-');
}
