import { z } from 'zod';
import { countryByCode } from './countries';

/*
 * The write validation rules of the contract (contract/README.md, "Validation"), field by field;
 * `write-inputs.ts` composes them into the schemas of the write inputs. Each rule trims where the
 * contract says so and turns empty optional strings into null.
 */

// C0 controls and DEL are refused everywhere; the comment may hold tab and line breaks.
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(max: number, control: RegExp = CONTROL) {
  return z
    .string()
    .refine((s) => s.isWellFormed(), 'must be valid Unicode')
    .refine((s) => !control.test(s), 'must not contain control characters')
    .transform((s) => s.trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`));
}

/** A required string: trimmed, not empty, at most 191 characters. */
export const requiredName = text(191).pipe(z.string().min(1, 'is required'));

/** An optional string: trimmed; empty becomes null. */
export const optionalText = (max = 200, control: RegExp = CONTROL) =>
  text(max, control)
    .nullable()
    .transform((s) => (s === null || s === '' ? null : s));

/** The comment: at most 250 characters, line breaks allowed. */
export const comment = optionalText(250, CONTROL_EXCEPT_LINES);

/** A customer id: 1 to 150 of letters, digits, space and . _ - @ & + / ; no edge spaces; no wildcards. */
export const customerId = z
  .string()
  .min(1, 'is required')
  .max(150, 'must be at most 150 characters')
  .refine((s) => !/[*%]/.test(s), 'must not contain * or %')
  .refine((s) => s === s.trim(), 'must not start or end with a space')
  .refine((s) => /^[\p{L}\p{M}\p{Nd} ._\-@&+/]+$/u.test(s), 'may contain letters, digits, space and . _ - @ & + / only');

/** An e-mail address (required, trimmed, at most 191). */
export const email = requiredName.pipe(z.email('must be an e-mail address'));

/** A login (required, trimmed, at most 191). */
export const login = requiredName;

/** An ISO 3166-1 alpha-2 code, any case; stored upper case. */
export const country = z
  .string()
  .trim()
  .refine((s) => /^[A-Za-z]{2}$/.test(s) && countryByCode(s) !== null, 'must be an ISO 3166-1 alpha-2 country code')
  .transform((s) => s.toUpperCase());

/** An absolute http or https URL, at most 200 characters. */
export const url = optionalText(200).refine((s) => {
  if (s === null) return true;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an absolute http or https URL');
