// Turns a route's security declaration into its OpenAPI description: the security requirement,
// the problem responses it can give (400/401/403/404/413/415/429/500) and the headers it sends.
// Used as @fastify/swagger's transform, so the runtime schemas stay exactly as declared.
import type { FastifySchema, RouteOptions } from 'fastify';
import type { RouteSecurity } from './route.ts';

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

const HEADER = {
  requestId: {
    type: 'string',
    maxLength: 128,
    description: 'Echo of a valid incoming X-Request-Id, else a generated id',
  },
  rateLimit: {
    type: 'string',
    maxLength: 512,
    description:
      'Remaining quota of the policy closest to its limit (draft-ietf-httpapi-ratelimit-headers-10)',
  },
  rateLimitPolicy: {
    type: 'string',
    maxLength: 1024,
    description: 'The quota policies of this operation (draft-ietf-httpapi-ratelimit-headers-10)',
  },
  retryAfter: { type: 'integer', minimum: 1, description: 'Seconds until a retry can succeed' },
  wwwAuthenticate: { type: 'string', maxLength: 200, description: 'Bearer challenge (RFC 6750)' },
  allow: { type: 'string', maxLength: 100 },
};

function problem(
  description: string,
  headers: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    description,
    headers: { 'X-Request-Id': HEADER.requestId, ...headers },
    content: { 'application/problem+json': { schema: PROBLEM_REF } },
  };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The error responses a route can produce, derived from its declaration. */
function problemResponses(route: RouteOptions, security: RouteSecurity): Record<string, unknown> {
  const limited = security.rateLimit !== 'exempt';
  const limitHeaders = limited
    ? { RateLimit: HEADER.rateLimit, 'RateLimit-Policy': HEADER.rateLimitPolicy }
    : {};
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) =>
    m.toUpperCase(),
  );
  const responses: Record<string, unknown> = {
    400: problem(
      'The request does not match the schema; `errors` points at each problem',
      limitHeaders,
    ),
    500: problem('Unexpected failure; quote the request id'),
  };
  if (security.auth !== 'public') {
    responses[401] = problem('Missing, invalid, expired or revoked credentials', {
      'WWW-Authenticate': HEADER.wwwAuthenticate,
    });
    responses[403] = problem(
      'The credentials lack the permission for this operation',
      limitHeaders,
    );
  }
  if (route.url.includes(':'))
    responses[404] = problem('No such object, or one the caller may not read', limitHeaders);
  if (methods.some((m) => BODY_METHODS.has(m)) && security.noBody !== true) {
    responses[413] = problem('The body is over the size limit');
    responses[415] = problem('The body is not application/json');
  }
  if (limited) {
    responses[429] = problem(
      'A rate limit or login lock refused the request; `violated-policies` names it',
      {
        ...limitHeaders,
        'Retry-After': HEADER.retryAfter,
      },
    );
  }
  return responses;
}

function withSuccessHeaders(
  response: Record<string, unknown>,
  limited: boolean,
): Record<string, unknown> {
  const enriched: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(response)) {
    if (!/^2/.test(status) || typeof schema !== 'object' || schema === null) {
      enriched[status] = schema;
      continue;
    }
    const headers = limited
      ? {
          'X-Request-Id': HEADER.requestId,
          RateLimit: HEADER.rateLimit,
          'RateLimit-Policy': HEADER.rateLimitPolicy,
        }
      : { 'X-Request-Id': HEADER.requestId };
    enriched[status] = { ...(schema as Record<string, unknown>), headers };
  }
  return enriched;
}

export function openapiTransform({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route: RouteOptions;
}): {
  schema: FastifySchema;
  url: string;
} {
  const security = route.config?.security;
  if (!security) return { schema, url };
  const declared = (schema.response ?? {}) as Record<string, unknown>;
  const response = {
    ...problemResponses(route, security),
    ...withSuccessHeaders(declared, security.rateLimit !== 'exempt'),
  };
  return {
    url,
    schema: {
      ...schema,
      response,
      ...(security.auth === 'public' ? {} : { security: [{ bearer: [] }] }),
    },
  };
}
