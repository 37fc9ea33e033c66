// What every response must satisfy (API.md section 1 and the OpenAPI document): no 5xx, the status
// a request of its kind deserves, the common headers, RFC 9457 problems for errors, 401s that say
// Bearer, and a body that matches the schema declared for its status.
import { declaredResponse, type ApiDescription, type FuzzOperation } from './openapi-operations.ts';
import type { MutationKind } from './mutations.ts';
import { isRecord } from './json-schema.ts';
import type { SchemaValidator } from './schema-validator.ts';

/** `valid`: a schema-valid request; `no-credentials`: valid, but sent to an auth route bare. */
export type CaseKind = 'valid' | 'no-credentials' | MutationKind;

export const CHECK_NAMES = [
  'server-error',
  'status',
  'auth',
  'headers',
  'www-authenticate',
  'problem',
  'content-type',
  'response-schema',
  'undocumented-status',
  /** The fuzzer built an invalid "valid" request (a converter bug), so nothing was sent. */
  'generator',
  /** An operation's schemas use something the converter cannot generate. */
  'unsupported',
  /** The fuzzer or a hook (credentials) threw. */
  'fuzzer-error',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/**
 * A refusal that a schema-valid request may get from a business rule of the contract, e.g. 400 for
 * a common password. With `pointers`, the problem's `errors` must all point at or under one of
 * them, so an unrelated 400 on the same operation is still reported.
 */
export interface AcceptedRefusal {
  readonly status: number;
  readonly pointers?: readonly string[];
}

export interface Violation {
  readonly check: CheckName;
  readonly detail: string;
}

export interface CheckedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
}

export interface CaseContext {
  readonly api: ApiDescription;
  readonly operation: FuzzOperation;
  readonly kind: CaseKind;
  readonly credentialsSent: boolean;
  /** Bytes of the request body, to tell a 413 that is due from one that is not. */
  readonly payloadBytes: number;
  readonly bodyLimit: number;
  /** Refusals a valid request may also get on this operation (business rules). */
  readonly acceptedRefusals: readonly AcceptedRefusal[];
  /** The X-Request-Id the request carried, if any. */
  readonly sentRequestId: string | undefined;
  readonly validator: SchemaValidator;
}

/** Incoming request ids the server must echo (API.md section 1); any other is replaced. */
const ECHOED_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Statuses a schema-valid request may get: success, or an access/state/limit decision. */
const VALID_REFUSALS = [401, 403, 404, 409, 429];

/** What each mutation must be answered with (before auth and rate limits are considered). */
const EXPECTED_FOR_MUTATION: Record<MutationKind, readonly number[]> = {
  'missing-required': [400],
  'unknown-body-field': [400],
  'unknown-query-param': [400],
  'wrong-type': [400],
  'string-too-long': [400],
  'number-out-of-range': [400],
  'too-many-items': [400],
  'wrong-content-type': [415],
  'no-content-type': [400, 415],
  'malformed-json': [400],
};

function header(response: CheckedResponse, name: string): string | undefined {
  const value = response.headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** A declared media type covers the actual one; `application/json` covers any `+json` type. */
function mediaMatches(declared: string, actual: string): boolean {
  const want = declared.toLowerCase();
  if (want === actual || want === '*/*') return true;
  if (want.endsWith('/*')) return actual.startsWith(want.slice(0, -1));
  return want === 'application/json' && /^application\/[^/]+\+json$/.test(actual);
}

function isJsonMedia(media: string): boolean {
  return media === 'application/json' || /^application\/[^/]+\+json$/.test(media);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function statusRule(context: CaseContext): { allowed: readonly number[] | 'valid'; why: string } {
  const { operation, kind, credentialsSent } = context;
  const bare = operation.requiresAuth && !credentialsSent;
  const limits = [429];
  if (context.payloadBytes > context.bodyLimit) {
    return {
      allowed: [413, ...(bare ? [401] : []), ...limits],
      why: `a ${context.payloadBytes}-byte body is over the ${context.bodyLimit}-byte limit`,
    };
  }
  if (kind === 'no-credentials') {
    return { allowed: [401], why: 'the operation requires auth and no credentials were sent' };
  }
  if (kind === 'valid') {
    if (bare) return { allowed: [401], why: 'no credentials were sent' };
    return { allowed: 'valid', why: 'the request is valid' };
  }
  return {
    allowed: [
      ...EXPECTED_FOR_MUTATION[kind],
      ...(bare ? [401] : []),
      ...(credentialsSent ? [401, 403] : []),
      ...limits,
    ],
    why: `the request is invalid (${kind})`,
  };
}

/** True when the response is one of the operation's accepted business-rule refusals. */
function isAcceptedRefusal(context: CaseContext, response: CheckedResponse): boolean {
  return context.acceptedRefusals.some((refusal) => {
    if (refusal.status !== response.statusCode) return false;
    if (refusal.pointers === undefined) return true;
    const parsed = parseJson(response.body);
    const errors = parsed.ok && isRecord(parsed.value) ? parsed.value.errors : undefined;
    if (!Array.isArray(errors) || errors.length === 0) return false;
    return errors.every((error: unknown) => {
      const pointer = isRecord(error) ? error.pointer : undefined;
      return (
        typeof pointer === 'string' &&
        (refusal.pointers ?? []).some((p) => pointer === p || pointer.startsWith(`${p}/`))
      );
    });
  });
}

function checkStatus(context: CaseContext, response: CheckedResponse): Violation[] {
  const status = response.statusCode;
  if (status >= 500) {
    // A documented 5xx other than 500 (e.g. /readyz's 503) is an answer, not a crash.
    const documented = status !== 500 && context.operation.responses.has(String(status));
    return documented ? [] : [{ check: 'server-error', detail: `answered ${status}` }];
  }
  const rule = statusRule(context);
  if (rule.allowed === 'valid') {
    const ok =
      status < 400 || VALID_REFUSALS.includes(status) || isAcceptedRefusal(context, response);
    return ok
      ? []
      : [
          {
            check: 'status',
            detail: `answered ${status}, but ${rule.why}: expected 2xx or one of ${VALID_REFUSALS.join('/')}`,
          },
        ];
  }
  if (rule.allowed.includes(status)) return [];
  const check = context.kind === 'no-credentials' ? 'auth' : 'status';
  return [
    { check, detail: `answered ${status}, but ${rule.why}: expected ${rule.allowed.join(' or ')}` },
  ];
}

function checkHeaders(context: CaseContext, response: CheckedResponse): Violation[] {
  const violations: Violation[] = [];
  const requestId = header(response, 'x-request-id');
  const sent = context.sentRequestId;
  if (requestId === undefined || requestId === '') {
    violations.push({ check: 'headers', detail: 'no X-Request-Id header' });
  } else if (sent !== undefined && ECHOED_REQUEST_ID.test(sent) && requestId !== sent) {
    violations.push({
      check: 'headers',
      detail: `X-Request-Id ${JSON.stringify(sent)} was not echoed (got ${JSON.stringify(requestId)})`,
    });
  } else if (sent !== undefined && !ECHOED_REQUEST_ID.test(sent) && requestId === sent) {
    violations.push({
      check: 'headers',
      detail: `an X-Request-Id outside 1..128 of A-Za-z0-9._- was echoed: ${JSON.stringify(sent)}`,
    });
  }
  const nosniff = header(response, 'x-content-type-options');
  if (nosniff !== 'nosniff') {
    violations.push({
      check: 'headers',
      detail: `X-Content-Type-Options is ${nosniff === undefined ? 'missing' : `"${nosniff}"`}, not "nosniff"`,
    });
  }
  if (
    response.statusCode === 401 &&
    !(header(response, 'www-authenticate') ?? '').startsWith('Bearer')
  ) {
    violations.push({
      check: 'www-authenticate',
      detail: `401 without a WWW-Authenticate: Bearer header (got ${header(response, 'www-authenticate') ?? 'none'})`,
    });
  }
  return violations;
}

function checkProblem(context: CaseContext, response: CheckedResponse): Violation[] {
  const status = response.statusCode;
  const contentType = header(response, 'content-type');
  const violations: Violation[] = [];
  if (mediaType(contentType) !== 'application/problem+json') {
    violations.push({
      check: 'problem',
      detail: `a ${status} with Content-Type ${contentType ?? 'none'}, not application/problem+json`,
    });
  }
  const parsed = parseJson(response.body);
  if (!parsed.ok || !isRecord(parsed.value)) {
    return [
      ...violations,
      { check: 'problem', detail: `a ${status} whose body is not a JSON object` },
    ];
  }
  const problem = parsed.value;
  for (const field of ['type', 'title', 'detail'] as const) {
    if (typeof problem[field] !== 'string') {
      violations.push({ check: 'problem', detail: `problem "${field}" is not a string` });
    }
  }
  if (problem.status !== status) {
    violations.push({
      check: 'problem',
      detail: `problem "status" is ${JSON.stringify(problem.status)} but the HTTP status is ${status}`,
    });
  }
  // When the operation declares this status, checkBody validates against that instead.
  const problemSchema = context.api.problemSchema;
  if (problemSchema !== null && declaredResponse(context.operation, status) === null) {
    const error = context.validator.firstError(problemSchema, problem);
    if (error !== null) {
      violations.push({ check: 'problem', detail: `does not match the Problem schema: ${error}` });
    }
  }
  return violations;
}

function checkBody(context: CaseContext, response: CheckedResponse): Violation[] {
  const status = response.statusCode;
  const declared = declaredResponse(context.operation, status);
  if (declared === null) {
    return status >= 200 && status < 300
      ? [
          {
            check: 'undocumented-status',
            detail: `${status} is not among the documented responses`,
          },
        ]
      : [];
  }
  const content = declared.response.content;
  if (content.size === 0) return [];
  const actual = mediaType(header(response, 'content-type'));
  if (status === 204 || (response.body === '' && actual === '')) return [];
  const match = [...content.keys()].find((declaredType) => mediaMatches(declaredType, actual));
  if (match === undefined) {
    return [
      {
        check: 'content-type',
        detail: `${status} is documented as ${[...content.keys()].join(', ')} but came as ${actual || 'no content type'}`,
      },
    ];
  }
  const schema = content.get(match);
  const media = match.includes('*') ? actual : mediaType(match);
  if (schema === undefined || !isJsonMedia(media)) return [];
  const parsed = parseJson(response.body);
  if (!parsed.ok) {
    return [
      {
        check: 'response-schema',
        detail: `${status} body is not JSON though ${match} is declared`,
      },
    ];
  }
  const error = context.validator.firstError(schema, parsed.value);
  return error === null
    ? []
    : [
        {
          check: 'response-schema',
          detail: `${status} body does not match the schema documented for ${declared.key}: ${error}`,
        },
      ];
}

/** Every violation of one response; empty when it passes. */
export function checkResponse(context: CaseContext, response: CheckedResponse): Violation[] {
  const violations = [...checkStatus(context, response), ...checkHeaders(context, response)];
  if (response.statusCode >= 400) violations.push(...checkProblem(context, response));
  violations.push(...checkBody(context, response));
  return violations;
}
