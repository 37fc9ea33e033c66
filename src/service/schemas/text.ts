// Text fields: display text (titles, names) refuses control, bidirectional-override,
// line-separator and invisible characters and is stored NFC-normalised; stored text (bodies)
// refuses only NUL and lone surrogates, which no database column can hold faithfully.
import { Type } from 'typebox';
import { GatehouseError } from '../../security/errors.ts';

/**
 * No C0/C1 controls, DEL, lone surrogates, bidi overrides/isolates, line/paragraph separators, or
 * invisible characters that only serve to make two names look alike (soft hyphen, Mongolian vowel
 * separator, zero-width space, word joiner and invisible operators, BOM). Zero-width joiner and
 * non-joiner stay: emoji sequences and Persian or Indic names need them.
 */
export const DISPLAY_TEXT_PATTERN =
  '^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u180E\\u200B\\uD800-\\uDFFF\\u2028\\u2029\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF]*$';

/** No NUL (PostgreSQL text cannot store it) and no lone surrogates (not valid Unicode). */
export const STORED_TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

/** A display-text field of `minLength..maxLength` code points. */
export function displayText(minLength: number, maxLength: number, description: string) {
  return Type.String({ minLength, maxLength, pattern: DISPLAY_TEXT_PATTERN, description });
}

/** Length in Unicode code points, as JSON Schema's maxLength counts. */
function codePoints(text: string): number {
  return Array.from(text).length;
}

/**
 * NFC-normalises validated display text; NFC can lengthen a string, so the bound is checked again.
 * @throws GatehouseError (400, pointing at `pointer`) when the normalised text is too long.
 * @example const title = normalizeDisplayText(body.title, '/body/title', 200);
 */
export function normalizeDisplayText(value: string, pointer: string, maxLength: number): string {
  const normalized = value.normalize('NFC');
  if (codePoints(normalized) > maxLength) {
    throw new GatehouseError('validation-failed', 'The request does not match the schema.', {
      errors: [{ pointer, detail: `must be at most ${maxLength} characters long after NFC` }],
    });
  }
  return normalized;
}
