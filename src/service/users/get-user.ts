// GET /v1/users/{id}: a user's public profile for that user, or for a holder of `users:read`;
// 404 for anyone else, exactly as for an unknown id, so ids cannot be probed.
import type { GatehouseApp } from '../../app.ts';
import { GatehouseError } from '../../security/errors.ts';
import { callerOf } from '../schemas/caller.ts';
import { NoQuery } from '../schemas/empty.ts';
import { IdParams } from '../schemas/id.ts';
import { toUserResponse, UserSchema } from '../schemas/user.ts';
import type { Services } from '../services.ts';

export function registerGetUserRoute(app: GatehouseApp, services: Services): void {
  app.get(
    '/v1/users/:id',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'users:read:self', rateLimit: {} },
      },
      schema: {
        tags: ['users'],
        summary: 'A user (oneself, or anyone with users:read)',
        params: IdParams,
        querystring: NoQuery,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const mayRead = id === caller.userId || caller.permissions.has('users:read');
      if (!mayRead) await services.auditDenied(request, `read user ${id}: deny-hidden`);
      const user = mayRead ? await services.users.findById(id) : null;
      if (!user) throw new GatehouseError('not-found', 'No such user.');
      return toUserResponse(user);
    },
  );
}
