// GET /v1/users/me/sessions and DELETE /v1/users/me/sessions/{id} through the HTTP layer (API.md
// section 3): the caller's active sessions with a `current` flag; revoking one of one's own ends
// its tokens at once; another user's session id does not exist for the caller.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor, createUser, sessionFor, type TestUser } from '../helpers/auth.ts';
import { decodeSegment } from '../helpers/tokens.ts';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_IP: '100000/minute',
      RATE_LIMIT_USER: '100000/minute',
      RATE_LIMIT_LOGIN_ACCOUNT: '10000/minute',
      RATE_LIMIT_LOGIN_IP: '10000/minute',
    },
  });
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
});
afterAll(() => t.close());

interface SessionItem {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string;
  ip: string;
  current: boolean;
}

interface LoggedIn {
  sessionId: string;
  refreshToken: string;
  headers: { authorization: string };
}

async function login(user: TestUser, userAgent: string): Promise<LoggedIn> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    headers: { 'user-agent': userAgent },
    payload: { email: user.email, password: user.password },
  });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ access_token: string; refresh_token: string }>();
  return {
    sessionId: String(decodeSegment(body.access_token, 1).sid),
    refreshToken: body.refresh_token,
    headers: { authorization: `Bearer ${body.access_token}` },
  };
}

function list(headers: { authorization: string }) {
  return t.app.inject({ method: 'GET', url: '/v1/users/me/sessions', headers });
}

function revoke(headers: { authorization: string }, id: string) {
  return t.app.inject({ method: 'DELETE', url: `/v1/users/me/sessions/${id}`, headers });
}

function me(headers: { authorization: string }) {
  return t.app.inject({ method: 'GET', url: '/v1/users/me', headers });
}

function refresh(refreshToken: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/auth/refresh',
    payload: { refresh_token: refreshToken },
  });
}

describe('GET /v1/users/me/sessions', () => {
  it('lists the caller’s active sessions, newest first, exactly one marked current', async () => {
    const user = await createUser(t);
    const laptop = await login(user, 'Laptop/1.0');
    const phone = await login(user, 'Phone/2.0');
    const ended = await login(user, 'Ended/3.0');
    await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: ended.headers });
    await login(bob, 'Bob/1.0');

    const res = await list(phone.headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<{ items: SessionItem[]; nextCursor: string | null }>();
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((s) => s.id)).toEqual([phone.sessionId, laptop.sessionId]);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(
        ['createdAt', 'current', 'id', 'ip', 'lastUsedAt', 'userAgent'].sort(),
      );
      expect(item.ip).toBe('127.0.0.1');
      expect(Number.isNaN(Date.parse(item.createdAt))).toBe(false);
    }
    expect(body.items.map((s) => [s.userAgent, s.current])).toEqual([
      ['Phone/2.0', true],
      ['Laptop/1.0', false],
    ]);
    // Seen from the other session, the flag moves.
    const fromLaptop = (await list(laptop.headers)).json<{ items: SessionItem[] }>().items;
    expect(fromLaptop.filter((s) => s.current).map((s) => s.id)).toEqual([laptop.sessionId]);
    expect(res.body).not.toMatch(/refresh|token|hash/i);
  });

  it('refuses API keys with 403, even with every self scope', async () => {
    const key = await apiKeyFor(t, alice, ['users:read:self', 'users:write:self']);
    expect((await list(key.headers)).statusCode).toBe(403);
  });

  it('pages like every list (API.md section 1): default limit 20, ?limit=, and a nextCursor to the rest', async () => {
    const user = await createUser(t);
    const sessions = [];
    for (let i = 0; i < 25; i += 1) sessions.push(await sessionFor(t, user));
    const caller = sessions[0]?.headers ?? { authorization: '' };

    const first = await list(caller);
    expect(first.statusCode).toBe(200);
    const page = first.json<{ items: SessionItem[]; nextCursor: string | null }>();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));

    const seen = new Set(page.items.map((s) => s.id));
    let cursor = page.nextCursor;
    while (cursor !== null) {
      const next = await t.app.inject({
        method: 'GET',
        url: `/v1/users/me/sessions?limit=5&cursor=${encodeURIComponent(cursor)}`,
        headers: caller,
      });
      expect(next.statusCode).toBe(200);
      const body = next.json<{ items: SessionItem[]; nextCursor: string | null }>();
      expect(body.items.length).toBeLessThanOrEqual(5);
      for (const item of body.items) seen.add(item.id);
      cursor = body.nextCursor;
    }
    expect([...seen].sort()).toEqual(sessions.map((s) => s.sessionId).sort());

    const small = await t.app.inject({
      method: 'GET',
      url: '/v1/users/me/sessions?limit=5',
      headers: caller,
    });
    expect(small.statusCode).toBe(200);
    expect(small.json<{ items: SessionItem[] }>().items).toHaveLength(5);
    for (const limit of ['0', '101']) {
      const bad = await t.app.inject({
        method: 'GET',
        url: `/v1/users/me/sessions?limit=${limit}`,
        headers: caller,
      });
      expect(bad.statusCode).toBe(400);
    }
  });

  it('refuses no credentials with 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/users/me/sessions' });
    expect(res.statusCode).toBe(401);
  });
});

describe('DELETE /v1/users/me/sessions/{id}', () => {
  it('revokes another of one’s own sessions: 204, then its tokens are refused at once', async () => {
    const keeper = await sessionFor(t, alice);
    const lost = await sessionFor(t, alice);
    expect((await me(lost.headers)).statusCode).toBe(200);
    const res = await revoke(keeper.headers, lost.sessionId);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await me(lost.headers)).statusCode).toBe(401);
    expect((await refresh(lost.refreshToken)).statusCode).toBe(401);
    expect((await me(keeper.headers)).statusCode).toBe(200);
    const ids = (await list(keeper.headers))
      .json<{ items: SessionItem[] }>()
      .items.map((s) => s.id);
    expect(ids).not.toContain(lost.sessionId);
    expect(ids).toContain(keeper.sessionId);
    // Already revoked: it no longer exists for the caller.
    expect((await revoke(keeper.headers, lost.sessionId)).statusCode).toBe(404);
    const events = await t.app.services.auditEvents.list({ limit: 100, type: 'session.revoked' });
    expect(events.items).toContainEqual(
      expect.objectContaining({ actorId: alice.id, targetId: lost.sessionId, outcome: 'success' }),
    );
  });

  it('revokes the current session: 204, then its own token is refused', async () => {
    const session = await sessionFor(t, alice);
    expect((await revoke(session.headers, session.sessionId)).statusCode).toBe(204);
    expect((await me(session.headers)).statusCode).toBe(401);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
  });

  it('answers 404 for another user’s session id, exactly as for an unknown id, and leaves it alone', async () => {
    const mine = await sessionFor(t, alice);
    const theirs = await sessionFor(t, bob);
    const foreign = await revoke(mine.headers, theirs.sessionId);
    const unknown = await revoke(mine.headers, randomUUID());
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(foreign.body).toBe(unknown.body);
    expect((await me(theirs.headers)).statusCode).toBe(200);
    expect((await refresh(theirs.refreshToken)).statusCode).toBe(200);
    expect((await t.app.services.sessions.findById(theirs.sessionId))?.revokedAt).toBeNull();
  });

  it('refuses an id that is not a UUID with 400', async () => {
    const mine = await sessionFor(t, alice);
    for (const id of ['not-a-uuid', '1', `${randomUUID()}x`, '..%2F..%2Fetc']) {
      const res = await revoke(mine.headers, id);
      expect(res.statusCode, id).toBe(400);
    }
  });

  it('refuses API keys with 403 and revokes nothing', async () => {
    const target = await sessionFor(t, alice);
    const key = await apiKeyFor(t, alice, ['users:read:self', 'users:write:self']);
    expect((await revoke(key.headers, target.sessionId)).statusCode).toBe(403);
    expect((await me(target.headers)).statusCode).toBe(200);
  });
});
