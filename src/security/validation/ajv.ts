// Strict Ajv as an allow-list: bodies are never coerced; query, params and headers are parsed
// from strings by their declared type only. Unknown fields are errors, never silently removed.
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const BASE: Options = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: true,
  strict: true,
  strictRequired: false,
  unicodeRegExp: true,
  // Error reports are capped later; the body limit caps how much work allErrors can cause.
  messages: true,
};

function build(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ ...BASE, coerceTypes });
  addFormats(ajv);
  // TypeBox and OpenAPI annotations that are not validation keywords.
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

/** A Fastify validator compiler: strict for bodies, string-parsing for the other parts. */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = build(false);
  const fromStrings = build(true);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : fromStrings;
    return ajv.compile(schema as object);
  };
}
