// Routes with bugs planted on purpose, for the fuzzer's self-test: each is fully declared with
// closed schemas (the app refuses anything else), and the bug sits in a handler or a hook.
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatehouseApp } from '../../src/app.ts';

/** The only bearer token the guarded route accepts; it must never appear in a fuzz report. */
export const PLANTED_TOKEN = 'planted-secret-token-0123456789abcdef';

/** The operations below, as the fuzzer names them, with the failure each one must produce. */
export const PLANTED = {
  crash: 'POST /test/fuzz/crash',
  lying: 'GET /test/fuzz/lying',
  lenient: 'POST /test/fuzz/lenient',
  unguarded: 'GET /test/fuzz/unguarded',
  sloppy: 'GET /test/fuzz/sloppy',
  guarded: 'PATCH /test/fuzz/guarded/{id}',
} as const;

const PUBLIC = { auth: 'public', permission: null, rateLimit: 'exempt' } as const;
const NoQuery = Type.Object({}, { additionalProperties: false });
const Ok = Type.Object({ ok: Type.Boolean() }, { additionalProperties: false });
const Item = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9-]{1,32}$', maxLength: 32 }),
    size: Type.Integer({ minimum: 0, maximum: 1000 }),
    note: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
const BEARER = [{ bearer: [] }];

function problem(reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ type: 'urn:gatehouse:problem:planted', title: 'Planted', status, detail });
}

/** Correct bearer auth: 401 with a problem and `WWW-Authenticate: Bearer` unless the token fits. */
function requireBearer(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.headers.authorization === `Bearer ${PLANTED_TOKEN}`) {
    done();
    return;
  }
  void problem(reply.header('www-authenticate', 'Bearer'), 401, 'Send a bearer token.');
}

export function registerPlantedBugRoutes(app: GatehouseApp): void {
  // Bug: an off-by-one at the top of a valid range becomes a 500.
  app.post(
    '/test/fuzz/crash',
    {
      config: { security: PUBLIC },
      schema: { querystring: NoQuery, body: Item, response: { 200: Ok } },
    },
    (request) => {
      if (request.body.size === 1000) throw new Error('planted: size 1000 overflows a buffer');
      return { ok: true };
    },
  );

  // Bug: the body contradicts the documented response schema (a string where an integer is due).
  app.get(
    '/test/fuzz/lying',
    {
      config: { security: PUBLIC },
      schema: {
        querystring: Type.Object(
          { n: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { count: Type.Integer({ minimum: 0, maximum: 1000 }) },
            { additionalProperties: false },
          ),
        },
      },
    },
    (request, reply) => {
      // JSON.stringify as the serializer skips the response schema, so the lie goes out as is.
      const lie: unknown = { count: String(request.query.n ?? 1) };
      void reply
        .type('application/json; charset=utf-8')
        .serializer(JSON.stringify)
        .send(lie as { count: number });
    },
  );

  // Bug: unknown body fields are silently dropped before validation (removeAdditional-style),
  // so a request with one is accepted instead of refused with 400. Behind bearer auth, so the
  // report of it shows that credentials are redacted.
  app.post(
    '/test/fuzz/lenient',
    {
      config: { security: PUBLIC },
      schema: { security: BEARER, querystring: NoQuery, body: Item, response: { 200: Ok } },
      onRequest: requireBearer,
      preValidation: (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
        const body = request.body;
        if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
          const known = new Set(Object.keys(Item.properties));
          request.body = Object.fromEntries(Object.entries(body).filter(([k]) => known.has(k)));
        }
        done();
      },
    },
    () => ({ ok: true }),
  );

  // Bug: documents bearer security, but answers anyone.
  app.get(
    '/test/fuzz/unguarded',
    {
      config: { security: PUBLIC },
      schema: { security: BEARER, querystring: NoQuery, response: { 200: Ok } },
    },
    () => ({ ok: true }),
  );

  // Bug: an error that is not an RFC 9457 problem (plain JSON, no type/title/status/detail).
  app.get(
    '/test/fuzz/sloppy',
    {
      config: { security: PUBLIC },
      schema: { querystring: NoQuery, response: { 200: Ok } },
    },
    (_request, reply) => {
      // The untyped reply: the route's typed one would (rightly) refuse this body.
      const untyped: FastifyReply = reply;
      void untyped.code(409).type('application/json').serializer(JSON.stringify).send({
        error: 'taken',
      });
    },
  );

  // Correct: checks its bearer token first (401 + WWW-Authenticate), then validates.
  app.patch(
    '/test/fuzz/guarded/:id',
    {
      config: { security: PUBLIC },
      schema: {
        security: BEARER,
        params: Type.Object(
          { id: Type.String({ format: 'uuid', maxLength: 36 }) },
          { additionalProperties: false },
        ),
        querystring: NoQuery,
        body: Item,
        response: { 200: Ok },
      },
      onRequest: requireBearer,
    },
    () => ({ ok: true }),
  );
}
