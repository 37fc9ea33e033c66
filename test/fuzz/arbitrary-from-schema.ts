// JSON Schema -> fast-check arbitrary of values valid against it, for the subset Gatehouse's
// schemas use. A keyword outside that subset throws UnsupportedSchemaError: generating values the
// schema might refuse would make the fuzzer blame the server for its own mistake.
import fc from 'fast-check';
import {
  formatArbitrary,
  isSupportedFormat,
  lengthArbitrary,
  SUPPORTED_FORMATS,
} from './format-arbitraries.ts';
import {
  canonicalJson,
  codePointLength,
  numberKeyword,
  propertiesOf,
  resolveRef,
  schemaArrayKeyword,
  stringArrayKeyword,
  stringKeyword,
  typesOf,
  type JsonSchema,
  type SchemaComponents,
  type SchemaObject,
} from './json-schema.ts';
import { createSchemaValidator, type SchemaValidator } from './schema-validator.ts';

export interface ArbitraryOptions {
  /** `components.schemas` of the OpenAPI document, for `$ref: '#/components/schemas/...'`. */
  readonly components?: SchemaComponents;
  /** Upper bound on generated string lengths when a schema has no `maxLength`. Default 64. */
  readonly defaultMaxLength?: number;
  /** Upper bound on generated array lengths when a schema has no `maxItems`. Default 5. */
  readonly defaultMaxItems?: number;
  /** Reused when given; otherwise one is built from `components`. */
  readonly validator?: SchemaValidator;
}

/** The schema uses something the converter does not generate; `pointer` says where. */
export class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`unsupported schema at ${pointer === '' ? '/' : pointer}: ${reason}`);
  }
}

const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'example',
  '$id',
  '$schema',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'xml',
]);

const SUPPORTED = new Set([
  ...ANNOTATIONS,
  '$ref',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
]);

/** Any JSON value, kept small: what `{}` or `true` accepts. */
const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/**
 * One code point at a time, mixing printable ASCII with control characters (NUL included),
 * the rest of the BMP and astral characters (two UTF-16 units, one code point).
 */
const codePoint: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 8 },
    { arbitrary: fc.integer({ min: 0x00, max: 0x1f }), weight: 1 },
    { arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }), weight: 2 },
    { arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }), weight: 1 },
    { arbitrary: fc.integer({ min: 0x1_0000, max: 0x10_ffff }), weight: 2 },
  )
  .map((cp) => String.fromCodePoint(cp));

interface Context {
  readonly components: SchemaComponents;
  readonly defaultMaxLength: number;
  readonly defaultMaxItems: number;
  readonly validator: () => SchemaValidator;
}

/**
 * An arbitrary of values that are valid against `schema`.
 * @example fc.sample(arbitraryFromSchema({ type: 'string', pattern: '^[a-z]{1,8}$' }), 3)
 */
export function arbitraryFromSchema(
  schema: JsonSchema,
  options: ArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  const components = options.components ?? {};
  let validator = options.validator;
  const context: Context = {
    components,
    defaultMaxLength: options.defaultMaxLength ?? 64,
    defaultMaxItems: options.defaultMaxItems ?? 5,
    validator: () => (validator ??= createSchemaValidator(components)),
  };
  return build(schema, '', context, 0);
}

function build(
  schema: JsonSchema,
  pointer: string,
  context: Context,
  depth: number,
): fc.Arbitrary<unknown> {
  if (depth > 24) throw new UnsupportedSchemaError(pointer, 'nesting too deep (recursive $ref?)');
  if (schema === true) return anyJson;
  if (schema === false) throw new UnsupportedSchemaError(pointer, '`false` accepts no value');
  if (typeof schema.$ref === 'string') return buildRef(schema, pointer, context, depth);

  const unknown = Object.keys(schema).filter((keyword) => !SUPPORTED.has(keyword));
  if (unknown.length > 0) {
    throw new UnsupportedSchemaError(pointer, `keyword(s) ${unknown.join(', ')}`);
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return enumArbitrary(schema, schema.enum, pointer, context);
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) {
    return unionArbitrary(schema, pointer, context, depth);
  }

  const types = typesOf(schema);
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => typed(type, schema, pointer, context, depth)));
  }
  return typed(types[0] ?? inferType(schema), schema, pointer, context, depth);
}

function buildRef(
  schema: SchemaObject,
  pointer: string,
  context: Context,
  depth: number,
): fc.Arbitrary<unknown> {
  const siblings = Object.keys(schema).filter((k) => k !== '$ref' && !ANNOTATIONS.has(k));
  if (siblings.length > 0) {
    throw new UnsupportedSchemaError(pointer, `keywords beside $ref: ${siblings.join(', ')}`);
  }
  let target: JsonSchema;
  try {
    target = resolveRef(schema, context.components);
  } catch (error) {
    throw new UnsupportedSchemaError(pointer, (error as Error).message);
  }
  return build(target, pointer, context, depth + 1);
}

function enumArbitrary(
  schema: SchemaObject,
  values: readonly unknown[],
  pointer: string,
  context: Context,
): fc.Arbitrary<unknown> {
  // `type` next to `enum` may rule some members out; keep the ones the schema accepts.
  const accepted =
    Object.keys(schema).length > 1 && schema.type !== undefined
      ? values.filter((v) => context.validator().isValid(schema, v))
      : values;
  if (accepted.length === 0) throw new UnsupportedSchemaError(pointer, 'enum with no valid member');
  return fc.constantFrom(...accepted);
}

function unionArbitrary(
  schema: SchemaObject,
  pointer: string,
  context: Context,
  depth: number,
): fc.Arbitrary<unknown> {
  const keyword = schema.oneOf !== undefined ? 'oneOf' : 'anyOf';
  if (schema.oneOf !== undefined && schema.anyOf !== undefined) {
    throw new UnsupportedSchemaError(pointer, 'anyOf and oneOf together');
  }
  const branches = schemaArrayKeyword(schema, keyword);
  if (branches.length === 0) throw new UnsupportedSchemaError(pointer, `empty ${keyword}`);
  const union = fc.oneof(
    ...branches.map((branch, i) => build(branch, `${pointer}/${keyword}/${i}`, context, depth + 1)),
  );
  const constrained = Object.keys(schema).some((k) => k !== keyword && !ANNOTATIONS.has(k));
  // oneOf wants exactly one branch to match, and sibling keywords narrow every branch.
  if (keyword === 'oneOf' || constrained) {
    return union.filter((value) => context.validator().isValid(schema, value));
  }
  return union;
}

function inferType(schema: SchemaObject): string {
  const has = (...keywords: string[]) => keywords.some((k) => k in schema);
  if (has('properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties'))
    return 'object';
  if (has('items', 'minItems', 'maxItems', 'uniqueItems')) return 'array';
  if (has('minLength', 'maxLength', 'pattern', 'format')) return 'string';
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'))
    return 'number';
  return 'any';
}

function typed(
  type: string,
  schema: SchemaObject,
  pointer: string,
  context: Context,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArbitrary(schema, pointer, context);
    case 'integer':
      return integerArbitrary(schema, pointer);
    case 'number':
      return numberArbitrary(schema, pointer);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayArbitrary(schema, pointer, context, depth);
    case 'object':
      return objectArbitrary(schema, pointer, context, depth);
    case 'any':
      return anyJson;
    default:
      throw new UnsupportedSchemaError(pointer, `type "${type}"`);
  }
}

function stringArbitrary(
  schema: SchemaObject,
  pointer: string,
  context: Context,
): fc.Arbitrary<string> {
  const min = numberKeyword(schema, 'minLength') ?? 0;
  const declaredMax = numberKeyword(schema, 'maxLength');
  const max = declaredMax ?? min + context.defaultMaxLength;
  if (min > max) throw new UnsupportedSchemaError(pointer, 'minLength above maxLength');
  const format = stringKeyword(schema, 'format');
  const pattern = stringKeyword(schema, 'pattern');
  const regex = pattern === undefined ? undefined : compilePattern(pattern, pointer);

  if (format !== undefined) {
    if (!isSupportedFormat(format)) {
      throw new UnsupportedSchemaError(
        pointer,
        `format "${format}" (supported: ${SUPPORTED_FORMATS.join(', ')})`,
      );
    }
    const values = formatArbitrary(format, min, max);
    if (values === null) {
      throw new UnsupportedSchemaError(pointer, `no "${format}" fits lengths ${min}..${max}`);
    }
    return regex === undefined ? values : values.filter((v) => regex.test(v));
  }
  if (regex !== undefined) {
    let matching: fc.Arbitrary<string>;
    try {
      // The default size keeps quantifiers short; `max` reaches the upper end of `{1,32}`.
      matching = fc.oneof(
        fc.stringMatching(regex, { maxLength: max }),
        fc.stringMatching(regex, { maxLength: max, size: 'max' }),
      );
    } catch (error) {
      throw new UnsupportedSchemaError(pointer, `pattern ${pattern ?? ''}: ${String(error)}`);
    }
    return min === 0 ? matching : matching.filter((v) => codePointLength(v) >= min);
  }
  return lengthArbitrary(min, max).chain((length) =>
    fc.string({ unit: codePoint, minLength: length, maxLength: length }),
  );
}

function compilePattern(pattern: string, pointer: string): RegExp {
  try {
    // Ajv compiles patterns with the `u` flag (unicodeRegExp), so generation does too.
    return new RegExp(pattern, 'u');
  } catch (error) {
    throw new UnsupportedSchemaError(pointer, `pattern ${pattern}: ${String(error)}`);
  }
}

interface Bounds {
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly minExcluded: boolean;
  readonly maxExcluded: boolean;
}

/** minimum/maximum and exclusiveMinimum/exclusiveMaximum (numbers, as in OpenAPI 3.1). */
function boundsOf(schema: SchemaObject): Bounds {
  const tighter = (
    inclusive: number | undefined,
    exclusive: number | undefined,
    pick: (a: number, b: number) => boolean,
  ) => {
    if (exclusive === undefined) return { value: inclusive, excluded: false };
    if (inclusive === undefined || pick(exclusive, inclusive) || exclusive === inclusive)
      return { value: exclusive, excluded: true };
    return { value: inclusive, excluded: false };
  };
  const lower = tighter(
    numberKeyword(schema, 'minimum'),
    numberKeyword(schema, 'exclusiveMinimum'),
    (a, b) => a > b,
  );
  const upper = tighter(
    numberKeyword(schema, 'maximum'),
    numberKeyword(schema, 'exclusiveMaximum'),
    (a, b) => a < b,
  );
  return {
    min: lower.value,
    max: upper.value,
    minExcluded: lower.excluded,
    maxExcluded: upper.excluded,
  };
}

function integerRange(bounds: Bounds): { low: number; high: number } {
  const low =
    bounds.min === undefined
      ? Number.MIN_SAFE_INTEGER
      : bounds.minExcluded
        ? Math.floor(bounds.min) + 1
        : Math.ceil(bounds.min);
  const high =
    bounds.max === undefined
      ? Number.MAX_SAFE_INTEGER
      : bounds.maxExcluded
        ? Math.ceil(bounds.max) - 1
        : Math.floor(bounds.max);
  return {
    low: Math.max(low, Number.MIN_SAFE_INTEGER),
    high: Math.min(high, Number.MAX_SAFE_INTEGER),
  };
}

function edgeBiasedInteger(low: number, high: number): fc.Arbitrary<number> {
  return fc.oneof(fc.constant(low), fc.constant(high), fc.integer({ min: low, max: high }));
}

function integerArbitrary(schema: SchemaObject, pointer: string): fc.Arbitrary<number> {
  const { low, high } = integerRange(boundsOf(schema));
  const step = numberKeyword(schema, 'multipleOf');
  if (step !== undefined) {
    if (!Number.isInteger(step) || step <= 0) {
      throw new UnsupportedSchemaError(pointer, 'multipleOf must be a positive integer');
    }
    const first = Math.ceil(low / step);
    const last = Math.floor(high / step);
    if (first > last) throw new UnsupportedSchemaError(pointer, 'no multiple in range');
    return edgeBiasedInteger(first, last).map((k) => k * step);
  }
  if (low > high) throw new UnsupportedSchemaError(pointer, 'empty integer range');
  return edgeBiasedInteger(low, high);
}

function numberArbitrary(schema: SchemaObject, pointer: string): fc.Arbitrary<number> {
  if (schema.multipleOf !== undefined) return integerArbitrary(schema, pointer);
  const bounds = boundsOf(schema);
  const { low, high } = integerRange(bounds);
  const doubles = fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    min: bounds.min ?? -Number.MAX_VALUE,
    max: bounds.max ?? Number.MAX_VALUE,
    minExcluded: bounds.minExcluded,
    maxExcluded: bounds.maxExcluded,
  });
  if (low > high) return doubles;
  return fc.oneof(doubles, edgeBiasedInteger(low, high));
}

/** How many distinct values a schema admits when that is small and obvious, else Infinity. */
function domainSize(schema: JsonSchema, context: Context): number {
  if (typeof schema === 'boolean') return schema ? Infinity : 0;
  if (typeof schema.$ref === 'string')
    return domainSize(resolveRef(schema, context.components), context);
  if ('const' in schema) return 1;
  if (Array.isArray(schema.enum)) return schema.enum.length;
  const types = typesOf(schema);
  if (types.length === 1 && types[0] === 'boolean') return 2;
  if (types.length === 1 && types[0] === 'null') return 1;
  const union = schemaArrayKeyword(schema, schema.anyOf !== undefined ? 'anyOf' : 'oneOf');
  if (union.length > 0) return union.reduce((sum, branch) => sum + domainSize(branch, context), 0);
  return Infinity;
}

function arrayArbitrary(
  schema: SchemaObject,
  pointer: string,
  context: Context,
  depth: number,
): fc.Arbitrary<unknown[]> {
  const items = schema.items ?? true;
  if (typeof items !== 'boolean' && (typeof items !== 'object' || Array.isArray(items))) {
    throw new UnsupportedSchemaError(pointer, 'tuple-style items');
  }
  const unique = schema.uniqueItems === true;
  const item = build(items as JsonSchema, `${pointer}/items`, context, depth + 1);
  const min = numberKeyword(schema, 'minItems') ?? 0;
  let max = numberKeyword(schema, 'maxItems') ?? min + context.defaultMaxItems;
  if (unique) max = Math.min(max, domainSize(items as JsonSchema, context));
  if (min > max) throw new UnsupportedSchemaError(pointer, 'no array length fits the bounds');
  return lengthArbitrary(min, max).chain((length) =>
    unique
      ? fc.uniqueArray(item, { minLength: length, maxLength: length, selector: canonicalJson })
      : fc.array(item, { minLength: length, maxLength: length }),
  );
}

function objectArbitrary(
  schema: SchemaObject,
  pointer: string,
  context: Context,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = propertiesOf(schema);
  const declared = new Set(properties.map(([name]) => name));
  const required = stringArrayKeyword(schema, 'required');
  const undeclared = required.filter((name) => !declared.has(name));
  if (undeclared.length > 0) {
    throw new UnsupportedSchemaError(pointer, `required but undeclared: ${undeclared.join(', ')}`);
  }
  // fromEntries defines keys, so even a property named "__proto__" stays an own property.
  const model: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(
    properties.map(([name, property]) => [
      name,
      build(property, `${pointer}/properties/${name}`, context, depth + 1),
    ]),
  );
  // No additional properties are generated: valid whether the object is open or closed.
  const minProperties = numberKeyword(schema, 'minProperties');
  const maxProperties = numberKeyword(schema, 'maxProperties');
  if (minProperties === undefined && maxProperties === undefined) {
    return fc.record(model, { requiredKeys: [...required], noNullPrototype: true });
  }
  // A property count bound (e.g. a PATCH needing at least one field): pick which optional
  // properties appear, as many as the bounds allow, then generate exactly those.
  const optional = properties.map(([name]) => name).filter((name) => !required.includes(name));
  const fewest = Math.max(0, (minProperties ?? 0) - required.length);
  const most = Math.min(optional.length, (maxProperties ?? Infinity) - required.length);
  if (fewest > most) {
    throw new UnsupportedSchemaError(
      pointer,
      'no set of declared properties fits the count bounds',
    );
  }
  return fc.subarray(optional, { minLength: fewest, maxLength: most }).chain((chosen) => {
    const present = new Set([...required, ...chosen]);
    return fc.record(
      Object.fromEntries(Object.entries(model).filter(([name]) => present.has(name))),
      { noNullPrototype: true },
    );
  });
}
