// The caller's own account: profile, password change and sessions (API.md section 3, Own account).
import { Type } from 'typebox';
import type { GatehouseApp } from '../../app.ts';
import type { Principal } from '../../security/authz/principal.ts';
import { callerOf } from '../schemas/caller.ts';
import { CursorField, DEFAULT_LIMIT, LimitField, listOf } from '../schemas/list.ts';
import { nextCursor, readCursor } from '../schemas/page-cursor.ts';
import { GatehouseError } from '../../security/errors.ts';
import { DisplayNameSchema, newPasswordSchema } from '../auth/schemas.ts';
import { NoQuery } from '../schemas/empty.ts';
import { normalizeDisplayText } from '../schemas/text.ts';
import { LoginLock } from '../auth/login-lock.ts';
import { revokeSession } from '../auth/sessions.ts';
import { loginAccountKey } from '../rate-limits.ts';
import { UserSchema, toUserResponse } from '../schemas/user.ts';
import type { Services } from '../services.ts';

const SessionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.String({ format: 'date-time' }),
    userAgent: Type.String({ maxLength: 256 }),
    ip: Type.String({ maxLength: 64 }),
    current: Type.Boolean(),
  },
  { additionalProperties: false },
);

const SessionList = listOf(SessionSchema);
const SessionQuery = Type.Object(
  { limit: LimitField, cursor: CursorField },
  { additionalProperties: false },
);

const PatchMeBody = Type.Object(
  { displayName: Type.Optional(DisplayNameSchema) },
  { additionalProperties: false },
);

function passwordBody(minLength: number) {
  return Type.Object(
    {
      currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
      newPassword: newPasswordSchema(minLength),
    },
    { additionalProperties: false },
  );
}

const SessionParams = Type.Object(
  { id: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
);

async function currentUser(services: Services, principal: Principal) {
  const user = await services.users.findById(principal.userId);
  if (!user) throw new GatehouseError('not-found', 'No such user.');
  return user;
}

export function registerMeRoutes(app: GatehouseApp, services: Services): void {
  const lock = new LoginLock(
    services.loginFailures,
    services.secret,
    services.config.loginLockThreshold,
  );

  app.get(
    '/v1/users/me',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'users:read:self', rateLimit: {} },
      },
      schema: {
        tags: ['users'],
        summary: 'The caller’s own account',
        querystring: NoQuery,
        response: { 200: UserSchema },
      },
    },
    async (request) => toUserResponse(await currentUser(services, callerOf(request))),
  );

  app.patch(
    '/v1/users/me',
    {
      config: { security: { auth: 'session', permission: 'users:write:self', rateLimit: {} } },
      schema: {
        tags: ['users'],
        summary: 'Change the caller’s display name (the only field a user may change)',
        querystring: NoQuery,
        body: PatchMeBody,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const principal = callerOf(request);
      const given = request.body.displayName;
      const displayName =
        given === undefined ? undefined : normalizeDisplayText(given, '/body/displayName', 100);
      const user =
        displayName === undefined
          ? await currentUser(services, principal)
          : await services.users.update(principal.userId, { displayName });
      if (!user) throw new GatehouseError('not-found', 'No such user.');
      return toUserResponse(user);
    },
  );

  app.post(
    '/v1/users/me/password',
    {
      config: { security: { auth: 'session', permission: 'users:write:self', rateLimit: {} } },
      schema: {
        tags: ['users'],
        summary: 'Change the password; every other session is revoked',
        querystring: NoQuery,
        body: passwordBody(services.config.passwordMinLength),
        response: { 204: Type.Null({ description: 'Password changed' }) },
      },
    },
    async (request, reply) => {
      const principal = callerOf(request);
      const user = await services.users.findByIdWithSecret(principal.userId);
      if (!user) throw new GatehouseError('not-found', 'No such user.');
      const accountKey = lock.accountKey(user.email);
      await lock.assertNotLocked(accountKey);
      const verification = await services.passwords.verifyPassword(
        user.passwordHash,
        request.body.currentPassword,
      );
      if (!verification.ok) {
        // Guessing through this route counts toward the same lock and limits as guessing at login.
        await lock.recordFailure(accountKey);
        const ipKey = request.clientAddress.key;
        const plan = services.rateLimitPlan;
        await services.limiter.check(
          [
            { policy: plan.loginIp, key: ipKey },
            { policy: plan.loginAccount, key: loginAccountKey(user.email, ipKey) },
          ],
          1,
          ipKey,
        );
        await services.audit.record(request, {
          type: 'password.change-failed',
          outcome: 'failure',
          targetId: user.id,
        });
        throw new GatehouseError('validation-failed', 'The current password is incorrect.', {
          errors: [{ pointer: '/body/currentPassword', detail: 'is incorrect' }],
        });
      }
      const rejection = services.passwordPolicy.checkNewPassword(request.body.newPassword, {
        email: user.email,
      });
      if (rejection) {
        throw new GatehouseError('validation-failed', 'The new password is not acceptable.', {
          errors: [{ pointer: '/body/newPassword', detail: rejection.message }],
        });
      }
      await lock.reset(accountKey);
      await services.users.update(user.id, {
        passwordHash: await services.passwords.hashPassword(request.body.newPassword),
      });
      const revoked = await services.sessions.revokeAllOfUser(
        user.id,
        'password-change',
        principal.sessionId ?? undefined,
      );
      for (const sessionId of revoked) await services.revokeSession(sessionId);
      await services.audit.record(request, {
        type: 'password.changed',
        outcome: 'success',
        targetId: user.id,
        detail: `${revoked.length} other session(s) revoked`,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/users/me/sessions',
    {
      config: { security: { auth: 'session', permission: 'users:read:self', rateLimit: {} } },
      schema: {
        tags: ['users'],
        summary: 'The caller’s active sessions, newest first',
        querystring: SessionQuery,
        response: { 200: SessionList },
      },
    },
    async (request) => {
      const principal = callerOf(request);
      const binding = ['GET /v1/users/me/sessions', principal.userId];
      const page = await services.sessions.listActive(principal.userId, {
        limit: request.query.limit ?? DEFAULT_LIMIT,
        after: readCursor(services.cursors, request.query.cursor, binding),
      });
      return {
        items: page.items.map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          lastUsedAt: s.lastUsedAt,
          userAgent: s.userAgent,
          ip: s.ip,
          current: s.id === principal.sessionId,
        })),
        nextCursor: nextCursor(services.cursors, page.next, binding),
      };
    },
  );

  app.delete(
    '/v1/users/me/sessions/:id',
    {
      config: { security: { auth: 'session', permission: 'users:write:self', rateLimit: {} } },
      schema: {
        tags: ['users'],
        summary: 'Revoke one of the caller’s sessions',
        querystring: NoQuery,
        params: SessionParams,
        response: { 204: Type.Null({ description: 'Session revoked' }) },
      },
    },
    async (request, reply) => {
      const principal = callerOf(request);
      const session = await services.sessions.findById(request.params.id);
      // Another user's session, or one already ended, does not exist for this caller.
      if (!session || session.userId !== principal.userId || session.revokedAt !== null) {
        throw new GatehouseError('not-found', 'No such session.');
      }
      await revokeSession(services, session.id, 'user-revoked');
      await services.audit.record(request, {
        type: 'session.revoked',
        outcome: 'success',
        targetId: session.id,
      });
      return reply.code(204).send(null);
    },
  );
}
