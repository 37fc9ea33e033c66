// Turns Ajv errors into `errors: [{pointer, detail}]`: JSON Pointers into the request and
// messages a client developer can act on, without schema internals. Capped at MAX_FIELD_ERRORS.
import type { FastifySchemaValidationError } from 'fastify';
import type { FieldError } from '../errors.ts';

export const MAX_FIELD_ERRORS = 20;

const PART_POINTER: Record<string, string> = {
  body: '/body',
  querystring: '/query',
  params: '/params',
  headers: '/headers',
};

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(error: FastifySchemaValidationError): { suffix: string; detail: string } {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return { suffix: `/${escapePointerToken(String(p.missingProperty))}`, detail: 'is required' };
    case 'additionalProperties':
      return {
        suffix: `/${escapePointerToken(String(p.additionalProperty))}`,
        detail: 'is not an allowed field',
      };
    case 'type':
      return { suffix: '', detail: `must be of type ${String(p.type)}` };
    case 'maxLength':
      return { suffix: '', detail: `must be at most ${String(p.limit)} characters long` };
    case 'minLength':
      return { suffix: '', detail: `must be at least ${String(p.limit)} characters long` };
    case 'maxItems':
      return { suffix: '', detail: `must have at most ${String(p.limit)} items` };
    case 'minItems':
      return { suffix: '', detail: `must have at least ${String(p.limit)} items` };
    case 'enum':
      return {
        suffix: '',
        detail: `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'format':
      return { suffix: '', detail: `must be a valid ${String(p.format)}` };
    case 'pattern':
      return { suffix: '', detail: 'has characters or a form that is not allowed' };
    default:
      return { suffix: '', detail: error.message ?? 'is not valid' };
  }
}

export function toFieldErrors(
  errors: readonly FastifySchemaValidationError[],
  part: string | undefined,
): FieldError[] {
  const base = PART_POINTER[part ?? 'body'] ?? '/body';
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    const { suffix, detail } = describe(error);
    const pointer = `${base}${error.instancePath}${suffix}`;
    const key = `${pointer}\u0000${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ pointer, detail });
    if (result.length === MAX_FIELD_ERRORS) break;
  }
  return result;
}
