// Two app instances share one limit through Redis: however 200 concurrent clients interleave,
// exactly the limit gets through, because each check is one atomic script.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { rateLimit } from '../../../src/security/rate-limit/plugin.ts';
import { createRateLimiter, type RateLimiter } from '../../../src/security/rate-limit/check.ts';
import { RedisStore } from '../../../src/security/rate-limit/redis-store.ts';
import { definePolicy } from '../../../src/security/rate-limit/policy.ts';
import { RateLimitExceededError } from '../../../src/security/rate-limit/errors.ts';
import { adminClient, deleteByPrefix, randomPrefix, redisForSuite } from './redis-helper.ts';

const url = await redisForSuite('the Redis concurrency suite');
const prefix = randomPrefix();
const shared = definePolicy('shared', '50/hour');
const limiters: RateLimiter[] = [];
const apps: FastifyInstance[] = [];

async function instance(): Promise<FastifyInstance> {
  // Each instance has its own connection, as separate processes would. The timeout is generous:
  // this suite is about atomicity; the failure suite is about time.
  const limiter = createRateLimiter({
    store: new RedisStore({ url: url ?? '', keyPrefix: prefix, timeoutMs: 2000 }),
  });
  limiters.push(limiter);
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) =>
    reply.code(error instanceof RateLimitExceededError ? 429 : 500).send({ error: String(error) }),
  );
  await app.register(rateLimit, {
    limiter,
    resolve: (request) => {
      const key = request.headers['x-key'];
      return typeof key === 'string' ? { policies: [{ policy: shared, key }] } : null;
    },
  });
  app.get('/', () => 'ok');
  apps.push(app);
  return app;
}

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all(limiters.map((limiter) => limiter.close()));
  if (url !== null) {
    const admin = adminClient(url);
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
  }
});

describe.skipIf(url === null)('Redis store across two instances', () => {
  it('lets exactly the limit through for 200 concurrent clients, three times over', async () => {
    const [first, second] = [await instance(), await instance()];
    const totals: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, client) =>
          (client % 2 === 0 ? first : second).inject({ url: '/', headers: { 'x-key': key } }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      totals.push(statuses.filter((status) => status === 200).length);
      const refused = responses.find((response) => response.statusCode === 429);
      expect(refused?.headers['retry-after']).toMatch(/^\d+$/);
    }
    expect(totals).toEqual([50, 50, 50]);
  });
});
