// GET /v1/admin/audit: the audit log, newest first, filtered by event type and actor.
import type { GatehouseApp } from '../../app.ts';
import { callerOf } from '../schemas/caller.ts';
import { DEFAULT_LIMIT, listOf } from '../schemas/list.ts';
import { nextCursor, readCursor } from '../schemas/page-cursor.ts';
import type { Services } from '../services.ts';
import { AuditEventSchema, ListAuditQuery, toAuditEventResponse } from './schemas.ts';

export function registerListAudit(app: GatehouseApp, services: Services): void {
  app.get(
    '/v1/admin/audit',
    {
      config: { security: { auth: 'session-or-api-key', permission: 'audit:read', rateLimit: {} } },
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first',
        querystring: ListAuditQuery,
        response: { 200: listOf(AuditEventSchema) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit = DEFAULT_LIMIT, cursor, type, actorId } = request.query;
      const binding = ['GET /v1/admin/audit', caller.userId, type ?? null, actorId ?? null];
      const page = await services.auditEvents.list({
        limit,
        after: readCursor(services.cursors, cursor, binding),
        type,
        actorId,
      });
      return {
        items: page.items.map(toAuditEventResponse),
        nextCursor: nextCursor(services.cursors, page.next, binding),
      };
    },
  );
}
