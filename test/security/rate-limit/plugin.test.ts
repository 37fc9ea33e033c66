import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { rateLimit, type RateLimitPluginOptions } from '../../../src/security/rate-limit/plugin.ts';
import { createRateLimiter } from '../../../src/security/rate-limit/check.ts';
import { MemoryStore } from '../../../src/security/rate-limit/memory-store.ts';
import { FailoverStore } from '../../../src/security/rate-limit/failover-store.ts';
import { definePolicy } from '../../../src/security/rate-limit/policy.ts';
import {
  RateLimitExceededError,
  RateLimitStoreError,
} from '../../../src/security/rate-limit/errors.ts';
import type { RateLimitStore } from '../../../src/security/rate-limit/store.ts';

const perClient = definePolicy('client', '3/minute');
const perUser = definePolicy('user', '2/minute;10/hour');

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app with the plugin and an error handler that maps the limiter's errors as Gatehouse does. */
async function build(store: RateLimitStore, overrides: Partial<RateLimitPluginOptions> = {}) {
  const instance = Fastify();
  app = instance;
  instance.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof RateLimitExceededError) {
      return reply.code(429).type('application/problem+json').send({
        type: 'urn:test:quota-exceeded',
        status: 429,
        'violated-policies': error.violatedPolicies,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    return reply.code(error.statusCode ?? 500).send({ code: error.code });
  });
  await instance.register(rateLimit, {
    limiter: createRateLimiter({ store }),
    resolve: (request) => {
      const key = request.headers['x-client'];
      if (typeof key !== 'string') return null;
      const policies = [{ policy: perClient, key }];
      return request.url === '/user'
        ? { policies: [...policies, { policy: perUser, key }] }
        : { policies };
    },
    ...overrides,
  });
  instance.get('/', () => ({ ok: true }));
  instance.get('/user', () => ({ ok: true }));
  return instance;
}

const fixedClock = () => {
  const clock = { now: 1_700_000_000_000 };
  return { clock, store: new MemoryStore({ now: () => clock.now }) };
};

describe('rate-limit plugin', () => {
  it('sets RateLimit-Policy and RateLimit on allowed responses', async () => {
    const { store } = fixedClock();
    const instance = await build(store);
    const response = await instance.inject({ url: '/', headers: { 'x-client': 'a' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['ratelimit-policy']).toBe('"client";q=3;w=60');
    expect(response.headers.ratelimit).toBe('"client";r=2;t=20');
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it('refuses with a 429 error carrying violated policies and Retry-After rounded up', async () => {
    const { clock, store } = fixedClock();
    const instance = await build(store);
    for (let i = 0; i < 3; i += 1)
      await instance.inject({ url: '/', headers: { 'x-client': 'a' } });
    clock.now += 1;
    const response = await instance.inject({ url: '/', headers: { 'x-client': 'a' } });
    expect(response.statusCode).toBe(429);
    // 19.999 s until a retry can succeed: the header says 20, never 19.
    expect(response.headers['retry-after']).toBe('20');
    expect(response.headers.ratelimit).toBe('"client";r=0;t=20');
    expect(response.headers['ratelimit-policy']).toBe('"client";q=3;w=60');
    expect(response.json()).toMatchObject({
      'violated-policies': ['client'],
      retryAfterSeconds: 20,
    });
    // Another client is not affected.
    expect((await instance.inject({ url: '/', headers: { 'x-client': 'b' } })).statusCode).toBe(
      200,
    );
  });

  it('lists every limit of every policy and names the violated item', async () => {
    const { store } = fixedClock();
    const instance = await build(store);
    await instance.inject({ url: '/user', headers: { 'x-client': 'a' } });
    const second = await instance.inject({ url: '/user', headers: { 'x-client': 'a' } });
    expect(second.headers['ratelimit-policy']).toBe(
      '"client";q=3;w=60, "user-1m";q=2;w=60, "user-1h";q=10;w=3600',
    );
    expect(second.headers.ratelimit).toBe('"user-1m";r=0;t=30');
    const third = await instance.inject({ url: '/user', headers: { 'x-client': 'a' } });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ 'violated-policies': ['user-1m'] });
    // The refused request charged nothing: "client" still has one request left.
    const plain = await instance.inject({ url: '/', headers: { 'x-client': 'a' } });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers.ratelimit).toBe('"client";r=0;t=20');
  });

  it('leaves requests alone when resolve returns null', async () => {
    const { store } = fixedClock();
    const instance = await build(store);
    for (let i = 0; i < 5; i += 1) {
      const response = await instance.inject({ url: '/' });
      expect(response.statusCode).toBe(200);
      expect(response.headers.ratelimit).toBeUndefined();
    }
  });

  it('answers 503 when the store is down in closed mode', async () => {
    const dead: RateLimitStore = {
      check: () => Promise.reject(new RateLimitStoreError('down')),
      close: () => Promise.resolve(),
    };
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const instance = await build(new FailoverStore({ primary: dead, mode: 'closed', logger }));
    const response = await instance.inject({ url: '/', headers: { 'x-client': 'a' } });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ code: 'RATE_LIMIT_UNAVAILABLE' });
  });

  it('can check in onRequest, before the body is parsed', async () => {
    const { store } = fixedClock();
    const instance = await build(store, { hook: 'onRequest' });
    instance.post('/echo', () => ({ ok: true }));
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await instance.inject({
        method: 'POST',
        url: '/echo',
        headers: { 'x-client': 'a', 'content-type': 'application/json' },
        payload: '{not json',
      });
      statuses.push(response.statusCode);
    }
    // Malformed bodies are charged too, and the 4th is refused before its body is read.
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  it('refuses an unknown hook at registration', async () => {
    const { store } = fixedClock();
    await expect(build(store, { hook: 'onSend' as 'onRequest' })).rejects.toThrow(
      'rate-limit hook',
    );
  });
});
