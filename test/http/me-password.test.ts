// POST /v1/users/me/password through the HTTP layer (API.md sections 2, 3 and 5): a wrong current
// password is a 400 that leaves the session alone and counts toward the login limits; a change
// revokes every other session at once, keeps the current one, and swaps which password logs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import {
  apiKeyFor,
  createUser,
  sessionFor,
  strongPassword,
  type TestSession,
  type TestUser,
} from '../helpers/auth.ts';

const RELAXED_LIMITS = {
  RATE_LIMIT_LOGIN_ACCOUNT: '10000/minute',
  RATE_LIMIT_LOGIN_IP: '10000/minute',
  RATE_LIMIT_IP: '100000/minute',
  RATE_LIMIT_USER: '100000/minute',
};

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { ...RELAXED_LIMITS, LOGIN_LOCK_THRESHOLD: '3' } });
});
afterAll(() => t.close());

interface Problem {
  type: string;
  status: number;
  errors?: Array<{ pointer: string; detail: string }>;
  'violated-policies'?: string[];
}

function changePassword(
  app: TestApp,
  session: { headers: { authorization: string } },
  body: unknown,
) {
  return app.app.inject({
    method: 'POST',
    url: '/v1/users/me/password',
    headers: session.headers,
    payload: body as object,
  });
}

function login(app: TestApp, email: string, password: string) {
  return app.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
}

function me(authorization: string) {
  return t.app.inject({ method: 'GET', url: '/v1/users/me', headers: { authorization } });
}

function refresh(refreshToken: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/auth/refresh',
    payload: { refresh_token: refreshToken },
  });
}

const pointers = (res: { body: string }): string[] =>
  ((JSON.parse(res.body) as Problem).errors ?? []).map((e) => e.pointer);

describe('wrong current password', () => {
  it('answers 400 at /body/currentPassword, changes nothing and keeps the session valid', async () => {
    const user = await createUser(t);
    const session = await sessionFor(t, user);
    const before = await t.app.services.users.findByIdWithSecret(user.id);
    const res = await changePassword(t, session, {
      currentPassword: 'Tq9!not-my-password',
      newPassword: strongPassword(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(pointers(res)).toEqual(['/body/currentPassword']);
    expect(res.body).not.toContain('Tq9!not-my-password');
    expect((await t.app.services.users.findByIdWithSecret(user.id))?.passwordHash).toBe(
      before?.passwordHash,
    );
    expect((await me(session.headers.authorization)).statusCode).toBe(200);
    expect((await refresh(session.refreshToken)).statusCode).toBe(200);
    expect((await login(t, user.email, user.password)).statusCode).toBe(200);
  });

  it('counts toward the login lock: after 3 failures the right password gets 429 at login and here', async () => {
    const user = await createUser(t);
    const session = await sessionFor(t, user);
    for (let i = 0; i < 3; i += 1) {
      const res = await changePassword(t, session, {
        currentPassword: `Tq9!guess-number-${i}`,
        newPassword: strongPassword(),
      });
      expect(res.statusCode).toBe(400);
    }
    const locked = await login(t, user.email, user.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json<Problem>()['violated-policies']).toEqual(['login-lock']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const lockedHere = await changePassword(t, session, {
      currentPassword: user.password,
      newPassword: strongPassword(),
    });
    expect(lockedHere.statusCode).toBe(429);
    expect(Number(lockedHere.headers['retry-after'])).toBeGreaterThan(0);
    // The lock refuses guesses; it does not end the session.
    expect((await me(session.headers.authorization)).statusCode).toBe(200);
    const events = await t.app.services.auditEvents.list({
      limit: 100,
      type: 'password.change-failed',
    });
    expect(events.items.filter((e) => e.targetId === user.id)).toHaveLength(3);
  });
});

describe('login rate limits (defaults: RATE_LIMIT_LOGIN_ACCOUNT 5/minute per email and IP)', () => {
  let strict: TestApp;

  beforeAll(async () => {
    // The lock threshold out of the way, so that only the rate limit can refuse.
    strict = await createTestApp({
      env: {
        LOGIN_LOCK_THRESHOLD: '100',
        RATE_LIMIT_IP: '100000/minute',
        RATE_LIMIT_USER: '100000/minute',
      },
    });
  });
  afterAll(() => strict.close());

  it('control: five failed logins use up the five login attempts of that email and IP', async () => {
    const user = await createUser(strict);
    for (let i = 0; i < 5; i += 1) {
      expect((await login(strict, user.email, `Tq9!guess-number-${i}`)).statusCode).toBe(401);
    }
    const res = await login(strict, user.email, user.password);
    expect(res.statusCode).toBe(429);
    expect(res.json<Problem>()['violated-policies']).toContain('login-account');
  });

  it('counts failed password changes toward the same login limits', async () => {
    const user = await createUser(strict);
    const session = await sessionFor(strict, user);
    for (let i = 0; i < 5; i += 1) {
      const res = await changePassword(strict, session, {
        currentPassword: `Tq9!guess-number-${i}`,
        newPassword: strongPassword(),
      });
      expect(res.statusCode).toBe(400);
    }
    // API.md section 3: "failures count toward the login limits". Five guesses here are five
    // guesses at login: the next login of that email from that IP is over the limit.
    const res = await login(strict, user.email, user.password);
    expect(res.statusCode).toBe(429);
    expect(res.json<Problem>()['violated-policies']).toContain('login-account');
  });
});

describe('new password policy', () => {
  it.each([
    ['too short', () => 'Tq9!short'],
    ['common', () => 'password1234'],
    ['the email', (user: TestUser) => user.email.toUpperCase()],
    ['1025 characters', () => `Tq9!${'x'.repeat(1021)}`],
  ])('refuses a new password that is %s with 400 at /body/newPassword', async (_name, make) => {
    const user = await createUser(t);
    const session = await sessionFor(t, user);
    const res = await changePassword(t, session, {
      currentPassword: user.password,
      newPassword: make(user),
    });
    expect(res.statusCode).toBe(400);
    expect(pointers(res)).toEqual(['/body/newPassword']);
    expect((await login(t, user.email, user.password)).statusCode).toBe(200);
  });

  it('refuses unknown fields and missing fields with 400', async () => {
    const user = await createUser(t);
    const session = await sessionFor(t, user);
    const extra = await changePassword(t, session, {
      currentPassword: user.password,
      newPassword: strongPassword(),
      revokeOtherSessions: false,
    });
    expect(extra.statusCode).toBe(400);
    expect(pointers(extra)).toEqual(['/body/revokeOtherSessions']);
    const missing = await changePassword(t, session, { newPassword: strongPassword() });
    expect(missing.statusCode).toBe(400);
    expect(pointers(missing)).toEqual(['/body/currentPassword']);
    expect((await login(t, user.email, user.password)).statusCode).toBe(200);
  });
});

describe('successful change', () => {
  let user: TestUser;
  let current: TestSession;
  let others: TestSession[];
  let newPassword: string;

  beforeAll(async () => {
    user = await createUser(t);
    current = await sessionFor(t, user);
    others = [await sessionFor(t, user), await sessionFor(t, user)];
    for (const session of [current, ...others]) {
      expect((await me(session.headers.authorization)).statusCode).toBe(200);
    }
    newPassword = strongPassword();
    const res = await changePassword(t, current, {
      currentPassword: user.password,
      newPassword,
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
  });

  it('revokes every other session at once: access tokens and refresh tokens', async () => {
    for (const session of others) {
      const res = await me(session.headers.authorization);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect((await refresh(session.refreshToken)).statusCode).toBe(401);
      expect((await t.app.services.sessions.findById(session.sessionId))?.revokedAt).not.toBeNull();
    }
  });

  it('keeps the current session working, its refresh token included', async () => {
    expect((await me(current.headers.authorization)).statusCode).toBe(200);
    const rotated = await refresh(current.refreshToken);
    expect(rotated.statusCode).toBe(200);
  });

  it('lets the new password log in and refuses the old one', async () => {
    expect((await login(t, user.email, newPassword)).statusCode).toBe(200);
    expect((await login(t, user.email, user.password)).statusCode).toBe(401);
  });

  it('stores a fresh argon2id hash and records password.changed', async () => {
    const row = await t.app.services.users.findByIdWithSecret(user.id);
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.passwordHash).not.toContain(newPassword);
    const events = await t.app.services.auditEvents.list({ limit: 100, type: 'password.changed' });
    expect(events.items).toContainEqual(
      expect.objectContaining({ actorId: user.id, targetId: user.id, outcome: 'success' }),
    );
    const logs = t.logs.raw.join('\n');
    expect(logs).not.toContain(newPassword);
    expect(logs).not.toContain(user.password);
  });
});

describe('API keys', () => {
  it('refuses an API key with 403, whatever its scopes, and changes nothing', async () => {
    const user = await createUser(t);
    const key = await apiKeyFor(t, user, ['users:read:self', 'users:write:self']);
    const res = await changePassword(t, key, {
      currentPassword: user.password,
      newPassword: strongPassword(),
    });
    expect(res.statusCode).toBe(403);
    expect((await login(t, user.email, user.password)).statusCode).toBe(200);
  });
});
