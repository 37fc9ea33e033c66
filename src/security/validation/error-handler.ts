// Maps every error to an RFC 9457 problem response. Client errors say what to fix; internal
// failures are logged with the request id and answered without internals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatehouseError, type FieldError, type ProblemCode } from '../errors.ts';
import { buildProblem, PROBLEM_CONTENT_TYPE } from './problem.ts';
import { toFieldErrors } from './field-errors.ts';
import { RateLimitExceededError, RateLimitUnavailableError } from '../rate-limit/index.ts';

interface Mapped {
  code: ProblemCode;
  detail: string;
  errors?: readonly FieldError[];
  headers?: Readonly<Record<string, string>>;
  extensions?: Readonly<Record<string, unknown>>;
}

const FASTIFY_CODES: Partial<Record<string, Mapped>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported-media-type',
    detail: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_INVALID_TYPE: {
    code: 'unsupported-media-type',
    detail: 'Send the request body as application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload-too-large',
    detail: 'The request body is larger than allowed.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'validation-failed',
    detail: 'The Content-Length header does not match the body.',
  },
};

function mapError(error: FastifyError): Mapped | null {
  if (error instanceof GatehouseError) {
    return {
      code: error.code,
      detail: error.detail,
      ...(error.errors ? { errors: error.errors } : {}),
      headers: error.headers,
      extensions: error.extensions,
    };
  }
  if (error instanceof RateLimitExceededError) {
    return {
      code: 'quota-exceeded',
      detail:
        error.retryAfterSeconds === null
          ? 'This request costs more than the limit allows.'
          : `Too many requests; retry in ${error.retryAfterSeconds} seconds.`,
      headers: error.headers,
      extensions: { 'violated-policies': error.violatedPolicies },
    };
  }
  if (error instanceof RateLimitUnavailableError) {
    return {
      code: 'service-unavailable',
      detail: 'Rate limiting is unavailable; try again shortly.',
      headers: { 'retry-after': '1' },
    };
  }
  if (error.validation) {
    return {
      code: 'validation-failed',
      detail: 'The request does not match the schema of this operation.',
      errors: toFieldErrors(error.validation, error.validationContext),
    };
  }
  const known = FASTIFY_CODES[error.code];
  if (known) return known;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { code: 'malformed-json', detail: 'The request body could not be parsed as JSON.' };
  }
  return null;
}

/** Sends a problem response; every client-error refusal is logged as a security event. */
export function sendProblem(reply: FastifyReply, mapped: Mapped): FastifyReply {
  const problem = buildProblem(mapped.code, mapped.detail, mapped.errors, mapped.extensions);
  if (problem.status < 500) {
    reply.request.log.info(
      { event: 'request.refused', code: mapped.code, status: problem.status },
      'request refused',
    );
  }
  for (const [name, value] of Object.entries(mapped.headers ?? {})) void reply.header(name, value);
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer(JSON.stringify)
    .send(problem);
}

/** Fastify error handler: problem responses only. */
export function problemErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const mapped = mapError(error);
  if (mapped) return sendProblem(reply, mapped);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // A client error from Fastify or a plugin that has no code of ours.
    return sendProblem(reply, {
      code: 'validation-failed',
      detail: 'The request could not be processed.',
    });
  }
  request.log.error({ event: 'error', err: error }, 'internal error');
  return sendProblem(reply, {
    code: 'internal-error',
    detail: `An unexpected error occurred. Quote request id ${request.id} when reporting it.`,
  });
}
