// Rate limiting through the HTTP layer: the plan of API.md section 5, its headers and 429s,
// client identity (proxies, IPv6), all-or-nothing charging, and Redis shared by two instances.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RATE_LIMIT_REDIS_OPTIONS } from '../../src/security/rate-limit/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, sessionFor } from '../helpers/auth.ts';
import {
  freePort,
  privateRedisAvailable,
  startRedis,
  stopRedis,
} from '../helpers/private-redis.ts';

const apps: TestApp[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  for (const client of clients.splice(0)) client.disconnect();
});

async function app(env: Record<string, string> = {}, redis?: Redis): Promise<TestApp> {
  const t = await createTestApp({ env, ...(redis ? { redis } : {}) });
  apps.push(t);
  return t;
}

const me = (t: TestApp, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'GET', url: '/v1/users/me', headers, remoteAddress });

describe('headers and 429', () => {
  it('sends RateLimit-Policy and RateLimit, then a 429 problem with Retry-After', async () => {
    const t = await app({ RATE_LIMIT_IP: '3/minute' });
    const first = await me(t);
    expect(first.statusCode).toBe(401);
    expect(first.headers['ratelimit-policy']).toBe('"ip";q=3;w=60');
    expect(first.headers.ratelimit).toMatch(/^"ip";r=2;t=\d+$/);
    await me(t);
    await me(t);
    const refused = await me(t);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = refused.json<Record<string, unknown>>();
    expect(String(problem.type)).toMatch(/quota-exceeded$/);
    expect(problem['violated-policies']).toEqual(['ip']);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(19);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(20);
  });

  it('never limits /healthz and /readyz', async () => {
    const t = await app({ RATE_LIMIT_IP: '1/minute' });
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-policy']).toBeUndefined();
    }
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('limits unknown paths per IP too', async () => {
    const t = await app({ RATE_LIMIT_IP: '1/minute' });
    expect((await t.app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(429);
  });
});

describe('identity', () => {
  it('keys authenticated requests by user: two users behind one IP have their own quota', async () => {
    const t = await app({ RATE_LIMIT_USER: '2/minute', RATE_LIMIT_ADMIN: '4/minute' });
    const alice = await sessionFor(t, await createUser(t));
    const bob = await sessionFor(t, await createUser(t));
    const admin = await sessionFor(t, await createUser(t, 'admin'));
    expect((await me(t, alice.headers)).statusCode).toBe(200);
    expect((await me(t, alice.headers)).statusCode).toBe(200);
    expect((await me(t, alice.headers)).statusCode).toBe(429);
    expect((await me(t, bob.headers)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await me(t, admin.headers)).statusCode).toBe(200);
    const adminRefused = await me(t, admin.headers);
    expect(adminRefused.statusCode).toBe(429);
    expect(adminRefused.json<Record<string, unknown>>()['violated-policies']).toEqual(['admin']);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const t = await app({ RATE_LIMIT_IP: '2/minute' });
    for (let i = 0; i < 2; i++)
      expect((await me(t, { 'x-forwarded-for': `198.51.100.${i}` })).statusCode).toBe(401);
    // Rotating the header gives no fresh quota.
    expect((await me(t, { 'x-forwarded-for': '198.51.100.99' })).statusCode).toBe(429);
  });

  it('reads the right-most untrusted X-Forwarded-For address behind TRUST_PROXY', async () => {
    const t = await app({ RATE_LIMIT_IP: '1/minute', TRUST_PROXY: '127.0.0.1/32' });
    // A client-supplied left-most entry cannot choose the key: the proxy appends the real peer.
    expect((await me(t, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })).statusCode).toBe(401);
    expect((await me(t, { 'x-forwarded-for': '203.0.113.10, 198.51.100.1' })).statusCode).toBe(429);
    expect((await me(t, { 'x-forwarded-for': '198.51.100.2' })).statusCode).toBe(401);
  });

  it('groups IPv6 clients by /64 and treats IPv4-mapped addresses as IPv4', async () => {
    const t = await app({ RATE_LIMIT_IP: '1/minute' });
    expect((await me(t, {}, '2001:db8:1:2::1')).statusCode).toBe(401);
    expect((await me(t, {}, '2001:db8:1:2:ffff::9')).statusCode).toBe(429);
    expect((await me(t, {}, '2001:db8:1:3::1')).statusCode).toBe(401);
    expect((await me(t, {}, '192.0.2.7')).statusCode).toBe(401);
    expect((await me(t, {}, '::ffff:192.0.2.7')).statusCode).toBe(429);
    // Another mapped IPv4 client is its own bucket, not one shared IPv6 bucket.
    expect((await me(t, {}, '::ffff:192.0.2.8')).statusCode).toBe(401);
  });

  it('exempts the operator allow-list', async () => {
    const t = await app({ RATE_LIMIT_IP: '1/minute', RATE_LIMIT_EXEMPT: '4:192.0.2.50' });
    for (let i = 0; i < 3; i++) expect((await me(t, {}, '192.0.2.50')).statusCode).toBe(401);
  });
});

describe('login limits', () => {
  const login = (t: TestApp, email: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: 'not the password' },
      remoteAddress,
    });

  it('limits per email + IP and per IP, and a refused attempt consumes nothing', async () => {
    const t = await app({
      RATE_LIMIT_LOGIN_ACCOUNT: '2/minute',
      RATE_LIMIT_LOGIN_IP: '3/minute',
      LOGIN_LOCK_THRESHOLD: '100',
    });
    expect((await login(t, 'a@example.com')).statusCode).toBe(401);
    expect((await login(t, 'a@example.com')).statusCode).toBe(401);
    const account = await login(t, 'A@example.com');
    expect(account.statusCode).toBe(429);
    expect(account.json<Record<string, unknown>>()['violated-policies']).toEqual(['login-account']);
    // The refused attempt did not use the IP's third login: another email still gets it.
    expect((await login(t, 'b@example.com')).statusCode).toBe(401);
    const ip = await login(t, 'c@example.com');
    expect(ip.statusCode).toBe(429);
    expect(ip.json<Record<string, unknown>>()['violated-policies']).toEqual(['login-ip']);
    // Another IP is not affected.
    expect((await login(t, 'a@example.com', '192.0.2.1')).statusCode).toBe(401);
  });

  it('counts malformed login bodies against the IP too', async () => {
    const t = await app({ RATE_LIMIT_LOGIN_IP: '1/minute' });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect((await login(t, 'a@example.com')).statusCode).toBe(429);
  });
});

const redisUrl = inject('redisUrl');

describe.skipIf(redisUrl === null)('with Redis', () => {
  async function redis(url = redisUrl ?? ''): Promise<Redis> {
    const client = new Redis(url, { ...RATE_LIMIT_REDIS_OPTIONS, lazyConnect: true });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  }

  it('shares one limit between two instances', async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 200) + 1}`;
    const env = { RATE_LIMIT_IP: `5/minute` };
    const a = await app(env, await redis());
    const b = await app(env, await redis());
    // A fresh IP per run: Redis keeps the counters between runs for up to a minute.
    const tag = randomUUID();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const target = i % 2 ? a : b;
      statuses.push((await me(target, { 'x-test-run': tag }, ip)).statusCode);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });

  it('falls back to in-process limits when Redis dies (local), fails open or closed as configured', async () => {
    if (!(await privateRedisAvailable('the app-level Redis failure test'))) return;
    const port = await freePort();
    const server = await startRedis(port);
    try {
      const url = `redis://127.0.0.1:${port}`;
      const local = await app({ RATE_LIMIT_IP: '2/minute' }, await redis(url));
      const closed = await app(
        { RATE_LIMIT_IP: '2/minute', RATE_LIMIT_ON_STORE_ERROR: 'closed' },
        await redis(url),
      );
      const open = await app(
        { RATE_LIMIT_IP: '1/minute', RATE_LIMIT_ON_STORE_ERROR: 'open' },
        await redis(url),
      );
      await stopRedis(server);
      expect((await me(local)).statusCode).toBe(401);
      expect((await me(local)).statusCode).toBe(401);
      expect((await me(local)).statusCode).toBe(429);
      const refused = await me(closed);
      expect(refused.statusCode).toBe(503);
      expect(String(refused.json<Record<string, unknown>>().type)).toMatch(/service-unavailable$/);
      for (let i = 0; i < 3; i++) expect((await me(open)).statusCode).toBe(401);
      // /readyz reports the dead Redis.
      expect((await local.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      await stopRedis(server);
    }
  });
});
