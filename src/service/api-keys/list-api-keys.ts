// GET /v1/api-keys: the caller's keys, newest first, without the key or its hash. A user has at
// most MAX_KEYS_PER_USER keys, so they are loaded at once and paged in memory.
import { Type } from 'typebox';
import type { GatehouseApp } from '../../app.ts';
import type { ApiKey } from '../../data/repositories/api-keys.ts';
import type { Position } from '../../data/cursor.ts';
import { callerOf } from '../schemas/caller.ts';
import { CursorField, DEFAULT_LIMIT, LimitField, listOf } from '../schemas/list.ts';
import { nextCursor, readCursor } from '../schemas/page-cursor.ts';
import type { Services } from '../services.ts';
import { ApiKeySchema, toApiKeyResponse } from './schemas.ts';

const ListQuery = Type.Object(
  { limit: LimitField, cursor: CursorField },
  { additionalProperties: false },
);

/** Keys after `after` in (createdAt, id) descending order, as the repository sorts them. */
function pageOf(keys: readonly ApiKey[], limit: number, after: Position | undefined) {
  const rest = after
    ? keys.filter(
        (k) =>
          k.createdAt < after.createdAt || (k.createdAt === after.createdAt && k.id < after.id),
      )
    : keys;
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  const next = rest.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null;
  return { items, next };
}

export function registerListApiKeys(app: GatehouseApp, services: Services): void {
  app.get(
    '/v1/api-keys',
    {
      config: { security: { auth: 'session', permission: 'apikeys:manage', rateLimit: {} } },
      schema: {
        tags: ['api-keys'],
        summary: "The caller's API keys (never the key itself)",
        querystring: ListQuery,
        response: { 200: listOf(ApiKeySchema) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const binding = ['GET /v1/api-keys', caller.userId];
      const after = readCursor(services.cursors, request.query.cursor, binding);
      const keys = await services.apiKeys.listByUser(caller.userId);
      const page = pageOf(keys, request.query.limit ?? DEFAULT_LIMIT, after);
      return {
        items: page.items.map(toApiKeyResponse),
        nextCursor: nextCursor(services.cursors, page.next, binding),
      };
    },
  );
}
