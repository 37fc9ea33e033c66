// Operations routes: liveness, readiness, the OpenAPI document and the API reference page.
// Public and exempt from rate limiting (API.md section 3, Operations).
import { Type } from 'typebox';
import type { GatehouseApp } from '../../app.ts';
import type { RouteSecurity } from '../../security/route.ts';
import { documentSecurityHeaders } from '../../security/http/security-headers.ts';
import { renderDocsPage } from './docs-page.ts';
import { NoQuery } from '../schemas/empty.ts';

const OPERATIONS: RouteSecurity = { auth: 'public', permission: null, rateLimit: 'exempt' };
// A plain literal, not a union: fast-json-stringify validates union branches on every reply.
const Status = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });
const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    checks: Type.Object(
      {
        database: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
        redis: Type.Union([
          Type.Literal('ok'),
          Type.Literal('failed'),
          Type.Literal('not-configured'),
        ]),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'failed'> {
  try {
    await probe();
    return 'ok';
  } catch {
    return 'failed';
  }
}

export function registerOpsRoutes(app: GatehouseApp): void {
  app.get(
    '/healthz',
    {
      config: { security: OPERATIONS },
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        querystring: NoQuery,
        response: { 200: Status },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { security: OPERATIONS },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database and Redis (when configured) answer',
        querystring: NoQuery,
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const redis = app.redis;
      const [database, redisCheck] = await Promise.all([
        check(() => app.database.ping()),
        redis ? check(() => redis.ping()) : Promise.resolve('not-configured' as const),
      ]);
      const ready = database === 'ok' && redisCheck !== 'failed';
      if (!ready)
        request.log.warn({ event: 'readiness.failed', database, redis: redisCheck }, 'not ready');
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : 'unavailable', checks: { database, redis: redisCheck } });
    },
  );

  app.get(
    '/openapi.json',
    {
      config: { security: OPERATIONS },
      schema: {
        tags: ['operations'],
        summary: 'This OpenAPI 3.1 document',
        querystring: NoQuery,
        response: {
          200: Type.Object({}, { additionalProperties: true, description: 'OpenAPI 3.1 document' }),
        },
      },
    },
    (_request, reply) =>
      reply
        .header('cache-control', 'public, max-age=300')
        .type('application/json; charset=utf-8')
        .serializer(JSON.stringify)
        .send(app.swagger()),
  );

  let docsPage: string | undefined;
  const documentHeaders = documentSecurityHeaders();
  app.get(
    '/docs',
    {
      config: { security: OPERATIONS },
      schema: {
        tags: ['operations'],
        summary: 'Human-readable API reference, rendered from the OpenAPI document',
        querystring: NoQuery,
        response: {
          200: {
            description: 'HTML page',
            content: { 'text/html': { schema: Type.String({ maxLength: 2_000_000 }) } },
          },
        },
      },
    },
    (_request, reply) => {
      docsPage ??= renderDocsPage(app.swagger());
      void reply
        .headers(documentHeaders)
        .header('cache-control', 'public, max-age=300')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        )
        .type('text/html; charset=utf-8');
      return docsPage;
    },
  );
}
