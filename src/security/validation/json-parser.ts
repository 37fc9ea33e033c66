// The only body parser: JSON, with prototype-poisoning keys and absurd nesting refused as
// validation errors (a clear 400 naming the problem), and malformed text as malformed-json.
import secureJsonParse from 'secure-json-parse';
import type { FastifyInstance } from 'fastify';
import { GatehouseError } from '../errors.ts';

/** No Gatehouse schema nests deeper than a few levels; 32 leaves room and stops parser abuse. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, counted without parsing it (brackets inside strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function forbidden(detail: string): GatehouseError {
  return new GatehouseError('validation-failed', 'The request body is not acceptable.', {
    errors: [{ pointer: '/body', detail }],
  });
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /\p{Cs}/u;

/** JSON Pointer of the first string holding a lone surrogate (not valid Unicode), or null. */
function loneSurrogateAt(value: unknown, pointer: string): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? pointer : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const token = key.replace(/~/g, '~0').replace(/\//g, '~1');
    if (LONE_SURROGATE.test(key)) return `${pointer}/${token}`;
    const found = loneSurrogateAt(child, `${pointer}/${token}`);
    if (found !== null) return found;
  }
  return null;
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new GatehouseError('malformed-json', 'The body is empty but the content type says JSON.');
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw forbidden(`must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = secureJsonParse.parse(text, undefined, {
      protoAction: 'error',
      constructorAction: 'error',
    });
  } catch (error) {
    if (
      error instanceof SyntaxError &&
      /forbidden (prototype|constructor) property/.test(error.message)
    ) {
      throw forbidden('must not contain "__proto__" or "constructor.prototype"');
    }
    throw new GatehouseError('malformed-json', 'The request body could not be parsed as JSON.');
  }
  // Only an escaped surrogate can produce one (raw invalid UTF-8 decodes to U+FFFD), so the walk
  // runs only for bodies that contain such an escape.
  if (SURROGATE_ESCAPE.test(text)) {
    const pointer = loneSurrogateAt(parsed, '/body');
    if (pointer !== null) {
      throw new GatehouseError('validation-failed', 'The request body is not valid Unicode.', {
        errors: [{ pointer, detail: 'contains an unpaired surrogate (not valid Unicode text)' }],
      });
    }
  }
  return parsed;
}

export function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as GatehouseError, undefined);
    }
  });
}
