// A fully declared test route that echoes what validation let through, to probe the HTTP layer.
import { Type } from 'typebox';
import type { GatehouseApp } from '../../src/app.ts';

export const EchoBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    count: Type.Integer({ minimum: 1, maximum: 10 }),
    tags: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z]{1,8}$', maxLength: 8 }), { maxItems: 3 }),
    ),
  },
  { additionalProperties: false },
);

export function registerEchoRoute(app: GatehouseApp): void {
  app.post(
    '/test/echo/:id',
    {
      config: { security: { auth: 'public', permission: null, rateLimit: 'exempt' } },
      schema: {
        params: Type.Object(
          { id: Type.String({ format: 'uuid', maxLength: 36 }) },
          { additionalProperties: false },
        ),
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
          { additionalProperties: false },
        ),
        body: EchoBody,
        response: {
          200: Type.Object(
            {
              id: Type.String({ maxLength: 36 }),
              limit: Type.Integer({ minimum: 1, maximum: 100 }),
              body: EchoBody,
            },
            { additionalProperties: false },
          ),
        },
      },
    },
    (request) => ({ id: request.params.id, limit: request.query.limit ?? 20, body: request.body }),
  );
}
