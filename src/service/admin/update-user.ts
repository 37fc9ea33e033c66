// PATCH /v1/admin/users/{id}: changes a user's role or disabled flag. The last active admin
// cannot be demoted or disabled (409); a role change or a disable ends the user's sessions at once.
import type { GatehouseApp } from '../../app.ts';
import type { User } from '../../data/repositories/users.ts';
import { GatehouseError } from '../../security/errors.ts';
import { NoQuery } from '../schemas/empty.ts';
import { IdParams } from '../schemas/id.ts';
import type { Services } from '../services.ts';
import { endUserSessions } from './end-user-sessions.ts';
import { AdminUserSchema, toAdminUserResponse, UpdateUserBody } from './schemas.ts';

function lastAdmin(): GatehouseError {
  return new GatehouseError(
    'conflict',
    'This is the last active admin: promote another user before demoting or disabling it.',
  );
}

const isActiveAdmin = (user: { role: string; disabled: boolean }): boolean =>
  user.role === 'admin' && !user.disabled;

/** "role: user -> admin; disabled: false -> true" for the audit record. */
function describeChange(before: User, after: User): string {
  const changes: string[] = [];
  if (before.role !== after.role) changes.push(`role: ${before.role} -> ${after.role}`);
  if (before.disabled !== after.disabled)
    changes.push(`disabled: ${String(before.disabled)} -> ${String(after.disabled)}`);
  return changes.length > 0 ? changes.join('; ') : 'no change';
}

export function registerUpdateUser(app: GatehouseApp, services: Services): void {
  app.patch(
    '/v1/admin/users/:id',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'users:manage', rateLimit: {} },
      },
      schema: {
        tags: ['admin'],
        summary: "Change a user's role or disable the account",
        params: IdParams,
        querystring: NoQuery,
        body: UpdateUserBody,
        response: { 200: AdminUserSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { role, disabled } = request.body;
      const before = await services.users.findById(id);
      if (!before) throw new GatehouseError('not-found', 'No such user.');
      const losesAdmin =
        isActiveAdmin(before) &&
        !isActiveAdmin({ role: role ?? before.role, disabled: disabled ?? before.disabled });
      if (losesAdmin && (await services.users.countActiveAdmins()) <= 1) throw lastAdmin();

      const after = await services.users.update(id, {
        ...(role === undefined ? {} : { role }),
        ...(disabled === undefined ? {} : { disabled }),
      });
      if (!after) throw new GatehouseError('not-found', 'No such user.');
      // Two admins demoting each other at once both pass the count above: the loser undoes itself.
      if (losesAdmin && (await services.users.countActiveAdmins()) === 0) {
        await services.users.update(id, { role: before.role, disabled: before.disabled });
        throw lastAdmin();
      }

      // Access tokens carry the role, so a new role needs new sessions; API keys follow the
      // owner's current role and state on every request by themselves.
      const ended =
        after.role !== before.role || disabled === true
          ? await endUserSessions(
              services,
              id,
              disabled === true ? 'account-disabled' : 'role-changed',
            )
          : null;
      await services.audit.record(request, {
        type: 'user.updated',
        outcome: 'success',
        targetId: id,
        detail:
          describeChange(before, after) + (ended === null ? '' : `; revoked ${ended} session(s)`),
      });
      return toAdminUserResponse(after);
    },
  );
}
