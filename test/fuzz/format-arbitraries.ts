// Arbitraries for the string formats our schemas use, shaped so every value passes ajv-formats'
// "full" checks (the mode the app uses) and lengths can be steered to both ends of a bound.
import fc from 'fast-check';
import { codePointLength } from './json-schema.ts';

/** The formats `formatArbitrary` knows; anything else is refused as unsupported. */
export const SUPPORTED_FORMATS = [
  'email',
  'uuid',
  'date-time',
  'date',
  'time',
  'uri',
  'hostname',
  'ipv4',
  'ipv6',
] as const;
export type SupportedFormat = (typeof SUPPORTED_FORMATS)[number];

export function isSupportedFormat(format: string): format is SupportedFormat {
  return (SUPPORTED_FORMATS as readonly string[]).includes(format);
}

/** A length in [min, max], biased towards both ends, where boundary bugs live. */
export function lengthArbitrary(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constant(min),
    fc.constant(max),
    fc.integer({ min, max: Math.min(max, min + 8) }),
    fc.integer({ min, max }),
  );
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LOWER}${LOWER.toUpperCase()}0123456789`;
const ATEXT = `${ALNUM}!#$%&'*+/=?^_\`{|}~-`;

function charsOf(alphabet: string, length: number): fc.Arbitrary<string[]> {
  return fc.array(fc.constantFrom(...Array.from(alphabet)), {
    minLength: length,
    maxLength: length,
  });
}

/** A dot-atom local part of exactly `length` characters: no dot first, last or doubled. */
function localPart(length: number): fc.Arbitrary<string> {
  return fc
    .tuple(charsOf(ATEXT, length), fc.array(fc.boolean(), { minLength: length, maxLength: length }))
    .map(([chars, dots]) =>
      chars
        .map((c, i) => (dots[i] === true && i > 0 && i < length - 1 && i % 3 === 1 ? '.' : c))
        .join(''),
    );
}

/** A label of `length` characters: letters, digits, inner hyphens. */
function label(length: number): fc.Arbitrary<string> {
  return charsOf(`${ALNUM}-`, length).map((chars) =>
    chars.map((c, i) => (c === '-' && (i === 0 || i === length - 1) ? 'x' : c)).join(''),
  );
}

/** A domain of exactly `length` (>= 3) characters with labels of at most 63. */
function domainOfLength(length: number): fc.Arbitrary<string> {
  const count = Math.max(2, Math.ceil((length + 1) / 64));
  const letters = length - (count - 1);
  const sizes = Array.from(
    { length: count },
    (_, i) => Math.floor(letters / count) + (i < letters % count ? 1 : 0),
  );
  return fc.tuple(...sizes.map(label)).map((labels) => labels.join('.'));
}

/** Email addresses of a chosen length in [min, max]; the shortest possible is `a@b.c`. */
export function emailArbitrary(min: number, max: number): fc.Arbitrary<string> | null {
  const low = Math.max(min, 5);
  const high = Math.min(max, 320);
  if (low > high) return null;
  return lengthArbitrary(low, high).chain((total) => {
    const localMax = Math.min(64, total - 4);
    return fc
      .integer({ min: 1, max: localMax })
      .chain((localLength) =>
        fc
          .tuple(localPart(localLength), domainOfLength(total - 1 - localLength))
          .map(([local, domain]) => `${local}@${domain}`),
      );
  });
}

const MIN_DATE = new Date('0002-01-01T00:00:00.000Z');
const MAX_DATE = new Date('9998-12-31T23:59:59.999Z');

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** RFC 3339 date-times: UTC with or without fractions, or with a numeric offset. */
function dateTimeArbitrary(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }),
      fc.constantFrom('utc-ms', 'utc', 'offset'),
      fc.integer({ min: -14 * 60, max: 14 * 60 }),
    )
    .map(([date, style, offsetMinutes]) => {
      const iso = date.toISOString();
      if (style === 'utc-ms') return iso;
      if (style === 'utc') return `${iso.slice(0, 19)}Z`;
      const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    });
}

function unbounded(format: SupportedFormat): fc.Arbitrary<string> {
  switch (format) {
    case 'email':
      return emailArbitrary(5, 64) ?? fc.constant('a@b.c');
    case 'uuid':
      return fc.oneof(
        fc.uuid(),
        fc.uuid().map((u) => u.toUpperCase()),
      );
    case 'date-time':
      return dateTimeArbitrary();
    case 'date':
      return fc
        .date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'time':
      return fc
        .tuple(fc.nat(23), fc.nat(59), fc.nat(59))
        .map(([h, m, s]) => `${pad(h)}:${pad(m)}:${pad(s)}Z`);
    case 'uri':
      return fc.webUrl({ withQueryParameters: true, withFragments: true });
    case 'hostname':
      return fc.domain();
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
  }
}

/** Values of `format` whose length in code points lies in [min, max]; null if none can. */
export function formatArbitrary(
  format: SupportedFormat,
  min: number,
  max: number,
): fc.Arbitrary<string> | null {
  if (format === 'email') return emailArbitrary(min, max);
  if (format === 'uuid' && (min > 36 || max < 36)) return null;
  return unbounded(format).filter((value) => {
    const length = codePointLength(value);
    return length >= min && length <= max;
  });
}
