// Ajv validators for schemas taken out of the OpenAPI document, configured like the app's own
// (src/security/validation/ajv.ts): full formats, Unicode patterns, bodies never coerced, query
// and path values parsed from strings. Lenient about keywords because OpenAPI adds annotations.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema, SchemaComponents } from './json-schema.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** How values reach the validator: JSON bodies as they are, URL parts as strings to parse. */
export type ValueSource = 'json' | 'strings';

export interface SchemaValidator {
  /** True when `value` is valid. Works on a copy: Ajv coerces and fills defaults in place. */
  isValid(schema: JsonSchema, value: unknown, source?: ValueSource): boolean;
  /** Ajv's first error message, or null when valid. */
  firstError(schema: JsonSchema, value: unknown, source?: ValueSource): string | null;
}

function buildAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    logger: false,
    allErrors: false,
    unicodeRegExp: true,
    coerceTypes,
    // Like the app: a missing property with a default is filled in, so it is not an error.
    useDefaults: true,
    validateFormats: true,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * A validator that resolves `#/components/schemas/...` refs against `components`.
 * @example createSchemaValidator(doc.components.schemas).isValid({ type: 'integer' }, 3) // true
 */
export function createSchemaValidator(components: SchemaComponents = {}): SchemaValidator {
  const byJson = buildAjv(false);
  const byStrings = buildAjv(true);
  const cache: Record<ValueSource, WeakMap<object, ValidateFunction>> = {
    json: new WeakMap(),
    strings: new WeakMap(),
  };

  function compiled(schema: JsonSchema, source: ValueSource): ValidateFunction {
    const key = typeof schema === 'boolean' ? (schema ? TRUE_KEY : FALSE_KEY) : schema;
    const perSource = cache[source];
    const hit = perSource.get(key);
    if (hit) return hit;
    const ajv = source === 'json' ? byJson : byStrings;
    // Refs point into the OpenAPI document, so the components travel with every root schema.
    const root: Record<string, unknown> =
      typeof schema === 'boolean'
        ? { anyOf: [schema] }
        : Object.fromEntries(
            Object.entries(schema).filter(([k]) => k !== '$id' && k !== '$schema'),
          );
    root.components = { schemas: components };
    const validate = ajv.compile(root);
    perSource.set(key, validate);
    return validate;
  }

  function run(schema: JsonSchema, value: unknown, source: ValueSource): ValidateFunction {
    const validate = compiled(schema, source);
    validate(structuredClone(value));
    return validate;
  }

  return {
    isValid(schema, value, source = 'json') {
      return run(schema, value, source).errors == null;
    },
    firstError(schema, value, source = 'json') {
      const error = run(schema, value, source).errors?.[0];
      if (!error) return null;
      return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`;
    },
  };
}

const TRUE_KEY = {};
const FALSE_KEY = {};

/** The object schema Fastify validates a query string or path against, rebuilt from parameters. */
export function parametersSchema(
  parameters: ReadonlyArray<{ name: string; required: boolean; schema: JsonSchema }>,
): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}
