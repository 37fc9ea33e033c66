// Cheap actors for HTTP tests that never log in: users created without a password (no argon2
// cost), each with a real session, plus small helpers the route suites share.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/security/permissions.ts';
import type { TestApp } from './app.ts';
import { sessionFor, type TestUser } from './auth.ts';

export type Headers = Record<string, string>;

/** A user without a password (these tests never log in), so no argon2 cost. */
export async function quickUser(
  t: TestApp,
  role: Role = 'user',
  email?: string,
): Promise<TestUser> {
  const address = email ?? `fixture-${randomUUID()}@example.com`;
  const user = await t.app.services.users.create({
    email: address,
    passwordHash: 'not-a-hash',
    displayName: `Test ${role}`,
    role,
  });
  if (!user) throw new Error('user not created');
  return { id: user.id, email: address, password: '', role };
}

/** A quick user with a real session: its Authorization header as `h`. */
export async function caller(
  t: TestApp,
  role: Role = 'user',
): Promise<{ user: TestUser; h: Headers }> {
  const user = await quickUser(t, role);
  return { user, h: (await sessionFor(t, user)).headers };
}

/** Lets the clock move on, so rows made one after the other have distinct timestamps. */
export const tick = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 2));

/** The `errors[].pointer` values of a problem response body. */
export const pointers = (body: string): string[] =>
  ((JSON.parse(body) as { errors?: Array<{ pointer: string }> }).errors ?? []).map(
    (e) => e.pointer,
  );
