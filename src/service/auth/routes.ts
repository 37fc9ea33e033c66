// The authentication routes: register, login, refresh, logout and the JWKS (API.md section 3).
import { Type } from 'typebox';
import type { GatehouseApp } from '../../app.ts';
import { hashRefreshToken, isRefreshTokenFormat } from '../../security/authn/index.ts';
import { GatehouseError } from '../../security/errors.ts';
import type { RouteSecurity } from '../../security/route.ts';
import { normalizeEmail } from '../../security/validation/email.ts';
import { NoQuery } from '../schemas/empty.ts';
import { normalizeDisplayText } from '../schemas/text.ts';
import { UserSchema, toUserResponse } from '../schemas/user.ts';
import type { Services } from '../services.ts';
import { LoginLock } from './login-lock.ts';
import { JwksResponse, LoginBody, RefreshBody, registerBody, TokenResponse } from './schemas.ts';
import { openSession, revokeSession, rotateSession } from './sessions.ts';

/** One answer for every failed login: unknown email, wrong password, disabled account. */
function loginFailed(): GatehouseError {
  return new GatehouseError('unauthorized', 'The email or password is incorrect.', {
    headers: { 'www-authenticate': 'Bearer' },
  });
}

function refreshRefused(): GatehouseError {
  return new GatehouseError('unauthorized', 'The refresh token is not valid.', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

const PUBLIC_AUTH = (policy: 'login' | 'register' | null): RouteSecurity => ({
  auth: 'public',
  permission: null,
  rateLimit: policy ? { policies: [policy] } : {},
});

export function registerAuthRoutes(app: GatehouseApp, services: Services): void {
  const lock = new LoginLock(
    services.loginFailures,
    services.secret,
    services.config.loginLockThreshold,
  );

  app.post(
    '/v1/auth/register',
    {
      config: { security: PUBLIC_AUTH('register') },
      schema: {
        tags: ['auth'],
        summary: 'Create an account (role user)',
        querystring: NoQuery,
        body: registerBody(services.config.passwordMinLength),
        response: { 201: Type.Object({ user: UserSchema }, { additionalProperties: false }) },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const rejection = services.passwordPolicy.checkNewPassword(request.body.password, { email });
      if (rejection) {
        throw new GatehouseError('validation-failed', 'The password is not acceptable.', {
          errors: [{ pointer: '/body/password', detail: rejection.message }],
        });
      }
      const user = await services.users.create({
        email,
        passwordHash: await services.passwords.hashPassword(request.body.password),
        displayName: normalizeDisplayText(request.body.displayName, '/body/displayName', 100),
        role: 'user',
      });
      if (!user) throw new GatehouseError('conflict', 'An account with this email already exists.');
      await services.audit.record(request, {
        type: 'user.registered',
        outcome: 'success',
        actorId: user.id,
        targetId: user.id,
      });
      return reply.code(201).send({ user: toUserResponse(user) });
    },
  );

  app.post(
    '/v1/auth/login',
    {
      config: { security: PUBLIC_AUTH('login') },
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for an access token and a refresh token',
        querystring: NoQuery,
        body: LoginBody,
        response: { 200: TokenResponse },
      },
    },
    async (request) => {
      const accountKey = lock.accountKey(request.body.email);
      await lock.assertNotLocked(accountKey);
      const user = await services.users.findByEmailWithSecret(normalizeEmail(request.body.email));
      // An unknown email still costs one argon2 verification, so timing does not tell them apart.
      const verification = user
        ? await services.passwords.verifyPassword(user.passwordHash, request.body.password)
        : await services.passwords.verifyAgainstDummy(request.body.password);
      if (!user || !verification.ok || user.disabled) {
        const locked = await lock.recordFailure(accountKey);
        const reason = !user ? 'unknown-email' : user.disabled ? 'disabled' : 'wrong-password';
        await services.audit.record(request, {
          type: 'login.failed',
          outcome: 'failure',
          actorId: user?.id ?? null,
          detail: reason,
        });
        if (locked)
          await services.audit.record(request, {
            type: 'login.locked',
            outcome: 'failure',
            actorId: user?.id ?? null,
          });
        throw loginFailed();
      }
      await lock.reset(accountKey);
      if (verification.needsRehash) {
        await services.users.update(user.id, {
          passwordHash: await services.passwords.hashPassword(request.body.password),
        });
      }
      const tokens = await openSession(services, request, user);
      await services.audit.record(request, {
        type: 'login.succeeded',
        outcome: 'success',
        actorId: user.id,
      });
      return tokens;
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      config: { security: PUBLIC_AUTH(null) },
      schema: {
        tags: ['auth'],
        summary: 'Rotate a refresh token: a new access token and a new refresh token',
        querystring: NoQuery,
        body: RefreshBody,
        response: { 200: TokenResponse },
      },
    },
    async (request) => {
      const presented = request.body.refresh_token;
      if (!isRefreshTokenFormat(presented)) throw refreshRefused();
      const hash = hashRefreshToken(presented);
      const lookup = await services.sessions.lookupRefreshToken(hash);
      if (lookup.kind === 'unknown') throw refreshRefused();
      const { session } = lookup;
      const reuse = async (): Promise<never> => {
        // A rotated token came back: whoever holds the session's tokens may be an attacker.
        await revokeSession(services, session.id, 'refresh-token-reuse');
        await services.audit.record(request, {
          type: 'session.reuse-detected',
          outcome: 'failure',
          actorId: session.userId,
          targetId: session.id,
        });
        throw refreshRefused();
      };
      if (lookup.kind === 'superseded') return reuse();
      const now = Date.now();
      if (
        session.revokedAt !== null ||
        Date.parse(session.idleExpiresAt) <= now ||
        Date.parse(session.absoluteExpiresAt) <= now
      ) {
        throw refreshRefused();
      }
      const user = await services.users.findById(session.userId);
      if (!user || user.disabled) throw refreshRefused();
      const tokens = await rotateSession(services, session, hash, user);
      if (!tokens) return reuse();
      await services.audit.record(request, {
        type: 'session.refreshed',
        outcome: 'success',
        actorId: user.id,
        targetId: session.id,
      });
      return tokens;
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: {
        security: { auth: 'session', permission: 'users:read:self', rateLimit: {}, noBody: true },
      },
      schema: {
        tags: ['auth'],
        summary: 'Revoke the current session (its access and refresh tokens)',
        querystring: NoQuery,
        response: { 204: Type.Null({ description: 'Logged out' }) },
      },
    },
    async (request, reply) => {
      const sessionId = request.principal?.sessionId;
      if (!sessionId) throw new GatehouseError('forbidden', 'Only a session can log out.');
      await revokeSession(services, sessionId, 'logout');
      await services.audit.record(request, {
        type: 'session.logout',
        outcome: 'success',
        targetId: sessionId,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      config: { security: PUBLIC_AUTH(null) },
      schema: {
        tags: ['auth'],
        summary: 'Public keys that verify access tokens (JWKS)',
        querystring: NoQuery,
        response: { 200: JwksResponse },
      },
    },
    (_request, reply) => {
      void reply.header('cache-control', `public, max-age=${services.keyring.jwksMaxAgeSeconds}`);
      return { keys: [...services.keyring.jwks().keys] };
    },
  );
}
