// Opening a session at login and rotating it at refresh: the one place that mints refresh tokens
// and access tokens, so both routes answer with the same token response.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Session } from '../../data/repositories/sessions.ts';
import type { User } from '../../data/repositories/users.ts';
import { generateRefreshToken } from '../../security/authn/index.ts';
import { isRole, permissionsOf } from '../../security/permissions.ts';
import type { Services } from '../services.ts';

export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

const MAX_USER_AGENT = 256;

function refreshExpiresIn(
  idleExpiresAt: Date,
  absoluteExpiresAt: string | Date,
  now: number,
): number {
  const until = Math.min(idleExpiresAt.getTime(), new Date(absoluteExpiresAt).getTime());
  return Math.max(1, Math.floor((until - now) / 1000));
}

async function tokenResponse(
  services: Services,
  user: User,
  sessionId: string,
  refreshToken: string,
  refreshExpiresInSeconds: number,
): Promise<TokenResponseBody> {
  if (!isRole(user.role)) throw new Error(`user ${user.id} has an unknown role`);
  const issued = await services.tokens.issue({
    sub: user.id,
    sid: sessionId,
    role: user.role,
    scope: [...permissionsOf(user.role)],
  });
  return {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    refresh_token: refreshToken,
    refresh_expires_in: refreshExpiresInSeconds,
  };
}

export async function openSession(
  services: Services,
  request: FastifyRequest,
  user: User,
): Promise<TokenResponseBody> {
  const now = Date.now();
  const refresh = generateRefreshToken();
  const idleExpiresAt = new Date(now + services.config.refreshIdleTtlMs);
  const absoluteExpiresAt = new Date(now + services.config.refreshAbsoluteTtlMs);
  const session = await services.sessions.create({
    id: randomUUID(),
    userId: user.id,
    userAgent: (request.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT),
    ip: request.clientAddress.ip,
    idleExpiresAt,
    absoluteExpiresAt,
    refreshTokenHash: refresh.hash,
  });
  return tokenResponse(
    services,
    user,
    session.id,
    refresh.token,
    refreshExpiresIn(idleExpiresAt, absoluteExpiresAt, now),
  );
}

/** Rotates the session's refresh token; null when a concurrent refresh already rotated it. */
export async function rotateSession(
  services: Services,
  session: Session,
  presentedHash: string,
  user: User,
): Promise<TokenResponseBody | null> {
  const now = Date.now();
  const refresh = generateRefreshToken();
  const idleExpiresAt = new Date(
    Math.min(now + services.config.refreshIdleTtlMs, Date.parse(session.absoluteExpiresAt)),
  );
  const rotated = await services.sessions.rotate(
    session.id,
    presentedHash,
    refresh.hash,
    idleExpiresAt,
    new Date(now),
  );
  if (!rotated) return null;
  return tokenResponse(
    services,
    user,
    session.id,
    refresh.token,
    refreshExpiresIn(idleExpiresAt, session.absoluteExpiresAt, now),
  );
}

/** Revokes a session in the database and, at once, on every instance. */
export async function revokeSession(
  services: Services,
  sessionId: string,
  reason: string,
): Promise<boolean> {
  const wasActive = await services.sessions.revoke(sessionId, reason);
  await services.revokeSession(sessionId);
  return wasActive;
}
