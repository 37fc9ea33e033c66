// The schema -> arbitrary converter: every generated value must validate with a strict Ajv set up
// like the app's, across the schema shapes Gatehouse uses and the tricky corners of each.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { EchoBody } from '../helpers/echo-route.ts';
import { ProblemSchema } from '../../src/security/validation/problem.ts';
import { arbitraryFromSchema, UnsupportedSchemaError } from './arbitrary-from-schema.ts';
import { codePointLength, type JsonSchema } from './json-schema.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const SEED = 20_240_601;
const RUNS = 300;

const components: Record<string, JsonSchema> = {
  Tag: { type: 'string', pattern: '^[a-z0-9-]{1,32}$', maxLength: 32 },
  Tags: {
    type: 'array',
    items: { $ref: '#/components/schemas/Tag' },
    maxItems: 10,
    uniqueItems: true,
  },
  Role: { anyOf: [{ const: 'user' }, { const: 'admin' }] },
};

/** Strict like the app (src/security/validation/ajv.ts), plus the OpenAPI components for refs. */
function strictAjv(): Ajv {
  const ajv = new Ajv({ strict: true, strictRequired: false, unicodeRegExp: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'components' });
  return ajv;
}
const ajv = strictAjv();

/** The schema as it appears in an OpenAPI document: plain JSON. */
function plain(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

function samples(schema: JsonSchema, runs = RUNS): unknown[] {
  return fc.sample(arbitraryFromSchema(schema, { components }), { seed: SEED, numRuns: runs });
}

function expectAllValid(schema: JsonSchema, runs = RUNS): unknown[] {
  const root =
    typeof schema === 'boolean' ? schema : { ...schema, components: { schemas: components } };
  const validate = ajv.compile(root);
  const values = samples(schema, runs);
  for (const value of values) {
    if (!validate(value)) {
      expect.fail(
        `generated ${JSON.stringify(value)} is invalid: ${ajv.errorsText(validate.errors)}`,
      );
    }
  }
  return values;
}

const strings = (values: unknown[]): string[] =>
  values.filter((v): v is string => typeof v === 'string');

/** Name, schema, and optionally fewer runs for schemas of 20,000-character strings. */
const battery: ReadonlyArray<readonly [string, JsonSchema, number?]> = [
  ['the echo route body (email, bounded integer, optional pattern array)', plain(EchoBody)],
  ['the problem document', plain(ProblemSchema)],
  [
    'a tag pattern with a length bound',
    { type: 'string', pattern: '^[a-z0-9-]{1,32}$', maxLength: 32 },
  ],
  [
    'a pattern whose own length exceeds maxLength',
    { type: 'string', pattern: '^[a-z]{1,40}$', maxLength: 5 },
  ],
  ['a pattern with minLength', { type: 'string', pattern: '^[a-z]+$', minLength: 3, maxLength: 6 }],
  ['a Unicode property pattern', { type: 'string', pattern: '^\\p{Lu}\\p{Ll}*$', maxLength: 4 }],
  ['an unanchored pattern', { type: 'string', pattern: 'ab', maxLength: 10 }],
  ['an email at most 254 long', { type: 'string', format: 'email', maxLength: 254 }],
  ['a short email', { type: 'string', format: 'email', minLength: 6, maxLength: 12 }],
  ['a uuid', { type: 'string', format: 'uuid', maxLength: 36 }],
  ['a date-time', { type: 'string', format: 'date-time', maxLength: 40 }],
  ['a date', { type: 'string', format: 'date' }],
  ['a uri', { type: 'string', format: 'uri', maxLength: 2048 }],
  ['Unicode text of 1..5 code points', { type: 'string', minLength: 1, maxLength: 5 }],
  ['a fixed-length string', { type: 'string', minLength: 3, maxLength: 3 }],
  ['a long note body', { type: 'string', maxLength: 20_000 }, 60],
  ['an integer range', { type: 'integer', minimum: 1, maximum: 100 }],
  ['exclusive integer bounds', { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 3 }],
  ['an unbounded integer', { type: 'integer' }],
  ['a multiple of 5', { type: 'integer', minimum: 1, maximum: 99, multipleOf: 5 }],
  ['a number range', { type: 'number', minimum: -1.5, maximum: 2.5 }],
  ['exclusive number bounds', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }],
  [
    'inclusive and exclusive bounds together',
    { type: 'integer', minimum: 0, exclusiveMinimum: 0, maximum: 5, exclusiveMaximum: 9 },
  ],
  ['a boolean', { type: 'boolean' }],
  ['null', { type: 'null' }],
  ['a nullable string (type list)', { type: ['string', 'null'], maxLength: 3 }],
  ['an enum', { type: 'string', enum: ['user', 'admin'] }],
  ['a const', { const: 'Bearer' }],
  ['a TypeBox union of literals', plain(Type.Union([Type.Literal('ok'), Type.Literal('failed')]))],
  [
    'overlapping oneOf branches',
    {
      oneOf: [
        { type: 'integer', maximum: 10 },
        { type: 'number', minimum: 5, maximum: 20 },
      ],
    },
  ],
  [
    'anyOf with sibling keywords',
    { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: 'z$' }], maxLength: 4 },
  ],
  [
    'a unique array of a small enum',
    { type: 'array', items: { enum: ['a', 'b', 'c'] }, uniqueItems: true, maxItems: 5 },
  ],
  [
    'a unique array of objects',
    {
      type: 'array',
      items: {
        type: 'object',
        properties: { n: { type: 'integer', minimum: 0, maximum: 3 } },
        additionalProperties: false,
      },
      uniqueItems: true,
      minItems: 1,
      maxItems: 3,
    },
  ],
  [
    'an array with minItems',
    { type: 'array', items: { type: 'boolean' }, minItems: 2, maxItems: 4 },
  ],
  [
    'refs to components',
    {
      type: 'object',
      properties: {
        tags: { $ref: '#/components/schemas/Tags' },
        role: { $ref: '#/components/schemas/Role' },
      },
      required: ['role'],
      additionalProperties: false,
    },
  ],
  [
    'a closed nested object',
    plain(
      Type.Object(
        {
          a: Type.Object(
            { b: Type.Optional(Type.Integer({ minimum: 0, maximum: 9 })) },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  ],
  [
    'a PATCH body needing one field at least',
    {
      type: 'object',
      properties: { title: { type: 'string', maxLength: 3 }, done: { type: 'boolean' } },
      additionalProperties: false,
      minProperties: 1,
    },
  ],
  [
    'property count bounds with a required property',
    {
      type: 'object',
      properties: { a: { type: 'null' }, b: { type: 'null' }, c: { type: 'null' } },
      required: ['a'],
      additionalProperties: false,
      minProperties: 2,
      maxProperties: 2,
    },
  ],
  ['an open object', { type: 'object', additionalProperties: true }],
  ['anything', {}],
  [
    'a register body',
    plain(
      Type.Object(
        {
          email: Type.String({ format: 'email', maxLength: 254 }),
          password: Type.String({ minLength: 12, maxLength: 1024 }),
          displayName: Type.String({ minLength: 1, maxLength: 100 }),
        },
        { additionalProperties: false },
      ),
    ),
  ],
  [
    'a note body',
    plain(
      Type.Object(
        {
          title: Type.String({ minLength: 1, maxLength: 200 }),
          body: Type.String({ maxLength: 20_000 }),
          tags: Type.Optional(
            Type.Array(Type.String({ pattern: '^[a-z0-9-]{1,32}$', maxLength: 32 }), {
              maxItems: 10,
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    60,
  ],
];

describe('arbitraryFromSchema generates only valid values', () => {
  it.each(battery.map(([name, schema, runs]) => ({ name, schema, runs })))(
    '$name',
    ({ schema, runs }) => {
      expectAllValid(schema, runs);
    },
  );
});

describe('arbitraryFromSchema reaches the edges', () => {
  it('generates emails exactly at maxLength, and short ones', () => {
    const lengths = strings(
      expectAllValid({ type: 'string', format: 'email', maxLength: 254 }),
    ).map((s) => s.length);
    expect(lengths).toContain(254);
    expect(Math.min(...lengths)).toBeLessThan(20);
  });

  it('counts string lengths in code points, generating astral characters', () => {
    const values = strings(expectAllValid({ type: 'string', minLength: 5, maxLength: 5 }));
    expect(values.every((s) => codePointLength(s) === 5)).toBe(true);
    // Some of them are longer than 5 in UTF-16 units, so a length check in units would refuse them.
    expect(values.some((s) => s.length > 5)).toBe(true);
    expect(values.some((s) => Array.from(s).some((c) => (c.codePointAt(0) ?? 0x20) < 0x20))).toBe(
      true,
    );
  });

  it('covers both ends of a pattern with a length bound', () => {
    const lengths = new Set(
      strings(expectAllValid({ type: 'string', pattern: '^[a-z0-9-]{1,32}$', maxLength: 32 })).map(
        (s) => s.length,
      ),
    );
    expect(lengths).toContain(1);
    expect(lengths).toContain(32);
  });

  it('covers both integer bounds and both array size bounds', () => {
    const integers = expectAllValid({ type: 'integer', minimum: 1, maximum: 10 });
    expect(integers).toContain(1);
    expect(integers).toContain(10);
    const sizes = expectAllValid({ type: 'array', items: { type: 'integer' }, maxItems: 3 }).map(
      (a) => (a as unknown[]).length,
    );
    expect(sizes).toContain(0);
    expect(sizes).toContain(3);
  });

  it('generates optional properties both present and absent', () => {
    const bodies = expectAllValid(plain(EchoBody)) as Array<Record<string, unknown>>;
    expect(bodies.some((b) => 'tags' in b)).toBe(true);
    expect(bodies.some((b) => !('tags' in b))).toBe(true);
  });

  it('is deterministic for a seed', () => {
    expect(samples(plain(EchoBody), 20)).toEqual(samples(plain(EchoBody), 20));
  });
});

describe('arbitraryFromSchema refuses what it cannot honour', () => {
  it.each([
    ['allOf', { allOf: [{ type: 'string' }] }],
    ['not', { not: { type: 'string' } }],
    ['an unknown format', { type: 'string', format: 'credit-card' }],
    ['patternProperties', { type: 'object', patternProperties: { '^x': {} } }],
    ['a dangling $ref', { $ref: '#/components/schemas/Missing' }],
    ['an email shorter than any email', { type: 'string', format: 'email', maxLength: 4 }],
    ['false', false],
  ] as const)('%s', (_name, schema) => {
    expect(() => arbitraryFromSchema(schema as JsonSchema, { components })).toThrow(
      UnsupportedSchemaError,
    );
  });
});
