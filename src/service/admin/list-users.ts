// GET /v1/admin/users: every user, newest first, filtered by role and exact (normalised) email.
import type { GatehouseApp } from '../../app.ts';
import { normalizeEmail } from '../../security/validation/email.ts';
import { callerOf } from '../schemas/caller.ts';
import { DEFAULT_LIMIT, listOf } from '../schemas/list.ts';
import { nextCursor, readCursor } from '../schemas/page-cursor.ts';
import type { Services } from '../services.ts';
import { AdminUserSchema, ListUsersQuery, toAdminUserResponse } from './schemas.ts';

export function registerListUsers(app: GatehouseApp, services: Services): void {
  app.get(
    '/v1/admin/users',
    {
      config: { security: { auth: 'session-or-api-key', permission: 'users:read', rateLimit: {} } },
      schema: {
        tags: ['admin'],
        summary: 'List users',
        querystring: ListUsersQuery,
        response: { 200: listOf(AdminUserSchema) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit = DEFAULT_LIMIT, cursor, role } = request.query;
      const email =
        request.query.email === undefined ? undefined : normalizeEmail(request.query.email);
      const binding = ['GET /v1/admin/users', caller.userId, role ?? null, email ?? null];
      const page = await services.users.list({
        limit,
        after: readCursor(services.cursors, cursor, binding),
        role,
        email,
      });
      return {
        items: page.items.map(toAdminUserResponse),
        nextCursor: nextCursor(services.cursors, page.next, binding),
      };
    },
  );
}
