// Revocation across instances (API.md section 2, "Revocation is immediate"): two app instances
// share one PostgreSQL database and one Redis; a session ended on A is refused by B within 1 s,
// and an instance that starts after the revocation refuses the session from its first request.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DatabaseHandle } from '../../src/data/database.ts';
import { RATE_LIMIT_REDIS_OPTIONS } from '../../src/security/rate-limit/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, type TestUser } from '../helpers/auth.ts';
import { openTestDatabase } from '../helpers/databases.ts';

const redisUrl = inject('redisUrl');
const pgUrl = inject('pgUrl');

const ENV = {
  RATE_LIMIT_IP: '100000/minute',
  RATE_LIMIT_USER: '100000/minute',
  RATE_LIMIT_LOGIN_ACCOUNT: '100000/minute',
  RATE_LIMIT_LOGIN_IP: '100000/minute',
};

interface Tokens {
  sessionId: string;
  authorization: string;
  refreshToken: string;
}

describe.skipIf(redisUrl === null || pgUrl === null)('revocation through Redis', () => {
  let database: DatabaseHandle;
  const clients: Redis[] = [];
  const apps: TestApp[] = [];
  let a: TestApp;
  let b: TestApp;
  let user: TestUser;

  async function connect(): Promise<Redis> {
    // As `gatehouse serve` connects (src/server.ts connectRedis).
    const client = new Redis(redisUrl ?? '', { ...RATE_LIMIT_REDIS_OPTIONS, lazyConnect: true });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  }

  async function instance(withRedis = true): Promise<TestApp> {
    const app = await createTestApp({
      database,
      env: ENV,
      ...(withRedis ? { redis: await connect() } : {}),
    });
    apps.push(app);
    return app;
  }

  async function login(on: TestApp): Promise<Tokens> {
    const res = await on.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ access_token: string; refresh_token: string }>();
    const payload = body.access_token.split('.')[1] ?? '';
    const { sid } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string };
    return {
      sessionId: sid,
      authorization: `Bearer ${body.access_token}`,
      refreshToken: body.refresh_token,
    };
  }

  const status = async (on: TestApp, authorization: string): Promise<number> =>
    (await on.app.inject({ method: 'GET', url: '/v1/users/me', headers: { authorization } }))
      .statusCode;

  /** Polls `on` every 20 ms for up to 1 s; returns the milliseconds until it answered 401. */
  async function msUntilRefused(
    on: TestApp,
    authorization: string,
    since: number,
  ): Promise<number> {
    for (;;) {
      const code = await status(on, authorization);
      const elapsed = Date.now() - since;
      if (code === 401) return elapsed;
      expect(code).toBe(200);
      if (elapsed > 1000) throw new Error(`still accepted ${elapsed} ms after the revocation`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    database = await openTestDatabase({ name: 'postgres', url: pgUrl });
    a = await instance();
    b = await instance();
    user = await createUser(a);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const client of clients) client.disconnect();
    await database.close();
  });

  it('both instances accept a token issued by either (shared signing keys)', async () => {
    const onA = await login(a);
    const onB = await login(b);
    for (const tokens of [onA, onB]) {
      expect(await status(a, tokens.authorization)).toBe(200);
      expect(await status(b, tokens.authorization)).toBe(200);
    }
  });

  it('B refuses a session within 1 s of its logout on A', async () => {
    const tokens = await login(a);
    expect(await status(b, tokens.authorization)).toBe(200);
    const started = Date.now();
    const out = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: tokens.authorization },
    });
    expect(out.statusCode).toBe(204);
    expect(await status(a, tokens.authorization)).toBe(401);
    expect(await msUntilRefused(b, tokens.authorization, started)).toBeLessThanOrEqual(1000);
  });

  it('B refuses the other sessions within 1 s of a password change on A', async () => {
    const changer = await login(a);
    const other = await login(b);
    const started = Date.now();
    const newPassword = `Tq9!${randomUUID()}`;
    const res = await a.app.inject({
      method: 'POST',
      url: '/v1/users/me/password',
      headers: { authorization: changer.authorization },
      payload: { currentPassword: user.password, newPassword },
    });
    expect(res.statusCode).toBe(204);
    user = { ...user, password: newPassword };
    expect(await msUntilRefused(b, other.authorization, started)).toBeLessThanOrEqual(1000);
    expect(await status(b, changer.authorization)).toBe(200);
  });

  it('B refuses a session within 1 s of refresh-token reuse detected on A', async () => {
    const tokens = await login(a);
    const rotated = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: tokens.refreshToken },
    });
    expect(rotated.statusCode).toBe(200);
    const newest = `Bearer ${rotated.json<{ access_token: string }>().access_token}`;
    expect(await status(b, newest)).toBe(200);
    const started = Date.now();
    const reuse = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: tokens.refreshToken },
    });
    expect(reuse.statusCode).toBe(401);
    expect(await msUntilRefused(b, newest, started)).toBeLessThanOrEqual(1000);
  });

  it('an instance started after the revocation refuses the session from its first request', async () => {
    const revoked = await login(a);
    const live = await login(a);
    const out = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: revoked.authorization },
    });
    expect(out.statusCode).toBe(204);
    // C was not running when the session was revoked: it never heard the message.
    const c = await instance();
    expect(await status(c, revoked.authorization)).toBe(401);
    expect(await status(c, live.authorization)).toBe(200);
  });

  it('loads revocations from the database at start, even without Redis', async () => {
    const revoked = await login(a);
    const live = await login(a);
    const out = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: revoked.authorization },
    });
    expect(out.statusCode).toBe(204);
    const alone = await instance(false);
    expect(await status(alone, revoked.authorization)).toBe(401);
    expect(await status(alone, live.authorization)).toBe(200);
  });
});
