// Test actors: users created through the services (no HTTP), and credentials for them: a real
// session with a real access token, or a real API key, exactly as the routes would make them.
import { randomUUID } from 'node:crypto';
import { generateRefreshToken } from '../../src/security/authn/index.ts';
import { permissionsOf, type Permission, type Role } from '../../src/security/permissions.ts';
import type { TestApp } from './app.ts';

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly role: Role;
}

export interface TestSession {
  readonly user: TestUser;
  readonly sessionId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly headers: { authorization: string };
}

let counter = 0;

/** A strong, unique password that passes the policy. */
export function strongPassword(): string {
  return `Tq9!${randomUUID()}`;
}

export async function createUser(
  t: TestApp,
  role: Role = 'user',
  email?: string,
): Promise<TestUser> {
  const services = t.app.services;
  const password = strongPassword();
  counter += 1;
  const address = email ?? `user${counter}-${randomUUID().slice(0, 8)}@example.com`;
  const user = await services.users.create({
    email: address,
    passwordHash: await services.passwords.hashPassword(password),
    displayName: `Test ${role} ${counter}`,
    role,
  });
  if (!user) throw new Error(`could not create ${address}`);
  return { id: user.id, email: address, password, role };
}

/** Opens a session for the user the way login does, and signs an access token for it. */
export async function sessionFor(t: TestApp, user: TestUser): Promise<TestSession> {
  const services = t.app.services;
  const refresh = generateRefreshToken();
  const sessionId = randomUUID();
  const now = Date.now();
  await services.sessions.create({
    id: sessionId,
    userId: user.id,
    userAgent: 'vitest',
    ip: '127.0.0.1',
    idleExpiresAt: new Date(now + services.config.refreshIdleTtlMs),
    absoluteExpiresAt: new Date(now + services.config.refreshAbsoluteTtlMs),
    refreshTokenHash: refresh.hash,
  });
  const issued = await services.tokens.issue({
    sub: user.id,
    sid: sessionId,
    role: user.role,
    scope: [...permissionsOf(user.role)],
  });
  return {
    user,
    sessionId,
    accessToken: issued.token,
    refreshToken: refresh.token,
    headers: { authorization: `Bearer ${issued.token}` },
  };
}

/** Creates an API key for the user with the given scopes; returns its id and Authorization header. */
export async function apiKeyFor(
  t: TestApp,
  user: TestUser,
  scopes: readonly Permission[],
  expiresAt: Date | null = null,
): Promise<{ id: string; key: string; headers: { authorization: string } }> {
  const services = t.app.services;
  const generated = services.apiKeyHasher.generate();
  const record = await services.apiKeys.create({
    userId: user.id,
    name: 'test key',
    prefix: generated.displayPrefix,
    keyHash: generated.hash,
    scopes,
    expiresAt,
  });
  return {
    id: record.id,
    key: generated.key,
    headers: { authorization: `Bearer ${generated.key}` },
  };
}
