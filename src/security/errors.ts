// Every error code Gatehouse answers with, in one place, and the typed error that carries one.
// The HTTP layer turns a GatehouseError into an RFC 9457 problem response (problem.ts).

export const PROBLEMS = {
  'validation-failed': { status: 400, title: 'Your request is not valid' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'You may not perform this operation' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'quota-exceeded': { status: 429, title: 'Too many requests' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** The `type` URI of a problem: a URN, so it never points at a host we may not control. */
export function problemType(code: ProblemCode): string {
  return `urn:gatehouse:problem:${code}`;
}

export interface FieldError {
  /** JSON Pointer into the request: `/body/email`, `/query/limit`, `/params/id`, `/headers/x`. */
  readonly pointer: string;
  readonly detail: string;
}

export interface GatehouseErrorOptions {
  readonly errors?: readonly FieldError[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra problem members, e.g. `violated-policies`. Never secrets. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * An error meant for the client: its `detail` is safe to show.
 * @example throw new GatehouseError('conflict', 'An account with this email exists.')
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  readonly status: number;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    options: GatehouseErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = PROBLEMS[code].status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}
