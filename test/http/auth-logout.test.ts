// POST /v1/auth/logout through the HTTP layer (API.md sections 2 and 3): 204, and the session's
// access and refresh tokens stop working at once (not at exp); API keys may not log out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor, createUser, sessionFor, type TestUser } from '../helpers/auth.ts';

let t: TestApp;
let user: TestUser;

beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_IP: '100000/minute', RATE_LIMIT_USER: '100000/minute' },
  });
  user = await createUser(t);
});
afterAll(() => t.close());

function logout(authorization?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/auth/logout',
    headers: authorization === undefined ? {} : { authorization },
  });
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

describe('logout', () => {
  it('answers 204 with no body and revokes the session at once', async () => {
    const session = await sessionFor(t, user);
    expect((await me(session.headers.authorization)).statusCode).toBe(200);
    const res = await logout(session.headers.authorization);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    const after = await me(session.headers.authorization);
    expect(after.statusCode).toBe(401);
    expect(after.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    const row = await t.app.services.sessions.findById(session.sessionId);
    expect(row?.revokedAt).not.toBeNull();
  });

  it('revokes the access tokens minted by refresh before the logout too', async () => {
    const session = await sessionFor(t, user);
    const rotated = (await refresh(session.refreshToken)).json<{
      access_token: string;
      refresh_token: string;
    }>();
    expect((await logout(`Bearer ${rotated.access_token}`)).statusCode).toBe(204);
    expect((await me(session.headers.authorization)).statusCode).toBe(401);
    expect((await me(`Bearer ${rotated.access_token}`)).statusCode).toBe(401);
    expect((await refresh(rotated.refresh_token)).statusCode).toBe(401);
  });

  it('leaves the user’s other sessions alone', async () => {
    const leaving = await sessionFor(t, user);
    const staying = await sessionFor(t, user);
    expect((await logout(leaving.headers.authorization)).statusCode).toBe(204);
    expect((await me(staying.headers.authorization)).statusCode).toBe(200);
    expect((await refresh(staying.refreshToken)).statusCode).toBe(200);
  });

  it('refuses a second logout with the same token with 401', async () => {
    const session = await sessionFor(t, user);
    expect((await logout(session.headers.authorization)).statusCode).toBe(204);
    const again = await logout(session.headers.authorization);
    expect(again.statusCode).toBe(401);
  });

  it('answers 401 without credentials and with a forged token', async () => {
    const none = await logout();
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const forged = await logout('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('refuses an API key with 403 and revokes nothing', async () => {
    const session = await sessionFor(t, user);
    const key = await apiKeyFor(t, user, ['users:read:self', 'users:write:self']);
    const res = await logout(key.headers.authorization);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await me(key.headers.authorization)).statusCode).toBe(200);
    expect((await me(session.headers.authorization)).statusCode).toBe(200);
  });

  it('records session.logout for the user and the session', async () => {
    const session = await sessionFor(t, user);
    await logout(session.headers.authorization);
    const events = await t.app.services.auditEvents.list({ limit: 100, type: 'session.logout' });
    expect(events.items).toContainEqual(
      expect.objectContaining({
        actorId: user.id,
        targetId: session.sessionId,
        outcome: 'success',
      }),
    );
  });

  it('refuses a query parameter on logout with 400 and stays logged in', async () => {
    const session = await sessionFor(t, user);
    const withQuery = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/logout?all=true',
      headers: session.headers,
    });
    expect(withQuery.statusCode).toBe(400);
    expect((await me(session.headers.authorization)).statusCode).toBe(200);
  });

  it('refuses a JSON body with fields on logout with 400 and stays logged in', async () => {
    // API.md section 1: an unknown body field is 400. Logout takes no body, so a client that
    // believes `{"all": true}` logs out everywhere must be told, not silently half-served.
    const session = await sessionFor(t, user);
    const withBody = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: session.headers,
      payload: { all: true },
    });
    expect(withBody.statusCode).toBe(400);
    expect(withBody.json<{ errors?: Array<{ pointer: string }> }>().errors).toEqual([
      expect.objectContaining({ pointer: '/body/all' }),
    ]);
    expect((await me(session.headers.authorization)).statusCode).toBe(200);
  });
});
