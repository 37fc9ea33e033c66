import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/security/rate-limit/redis-store.ts';
import {
  RateLimitConfigError,
  RateLimitStoreError,
} from '../../../src/security/rate-limit/errors.ts';
import { createRateLimiter } from '../../../src/security/rate-limit/check.ts';
import { definePolicy } from '../../../src/security/rate-limit/policy.ts';
import { describeStoreContract } from './store-contract.ts';
import { adminClient, deleteByPrefix, randomPrefix, redisForSuite } from './redis-helper.ts';

const url = await redisForSuite('the Redis store suites');
const prefix = randomPrefix();
const admin = adminClient(url ?? undefined);
const stores: RedisStore[] = [];

function openStore(): RedisStore {
  // A generous timeout: these tests are about behaviour, the failure suite is about time.
  const store = new RedisStore({ url: url ?? '', keyPrefix: prefix, timeoutMs: 2000 });
  stores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  if (url !== null) await deleteByPrefix(admin, prefix);
  admin.disconnect();
});

describe.skipIf(url === null)('RedisStore', () => {
  describeStoreContract('RedisStore', () => ({ store: openStore() }));

  it('recovers from NOSCRIPT after SCRIPT FLUSH', async () => {
    const store = openStore();
    const item = {
      key: '{t}:p:noscript',
      policyName: 'p',
      limit: { limit: 3, windowMs: 3_600_000 },
    };
    expect((await store.check([item], 1)).allowed).toBe(true);
    await admin.script('FLUSH');
    expect((await store.check([item], 1)).items[0]?.remaining).toBe(1);
    expect((await store.check([item], 1)).items[0]?.remaining).toBe(0);
  });

  it('sets an expiry on every key: when its TAT lapses, nothing lingers', async () => {
    const limiter = createRateLimiter({ store: openStore() });
    const policy = definePolicy('multi', '10/minute;100/hour');
    await limiter.check([{ policy, key: 'expiry' }], 3);
    const keys = await admin.keys(`${prefix}*expiry`);
    expect(keys.sort()).toEqual([
      `${prefix}{expiry}:multi-1h:expiry`,
      `${prefix}{expiry}:multi-1m:expiry`,
    ]);
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      const value = await admin.get(key);
      expect(value).toMatch(/^\d+$/);
      expect(ttl).toBeGreaterThan(0);
    }
    // 3 of 10/minute: 18 s; 3 of 100/hour: 108 s.
    expect(await admin.pttl(`${prefix}{expiry}:multi-1m:expiry`)).toBeLessThanOrEqual(18_000);
    expect(await admin.pttl(`${prefix}{expiry}:multi-1h:expiry`)).toBeLessThanOrEqual(108_000);
    expect(await admin.pttl(`${prefix}{expiry}:multi-1h:expiry`)).toBeGreaterThan(100_000);
  });

  it('writes nothing for a refused check', async () => {
    const store = openStore();
    const fresh = {
      key: '{t}:p:refused-fresh',
      policyName: 'p',
      limit: { limit: 5, windowMs: 60_000 },
    };
    const full = {
      key: '{t}:p:refused-full',
      policyName: 'q',
      limit: { limit: 1, windowMs: 60_000 },
    };
    await store.check([full], 1);
    expect((await store.check([fresh, full], 1)).allowed).toBe(false);
    expect(await admin.exists(`${prefix}{t}:p:refused-fresh`)).toBe(0);
  });

  it('puts every key of a check in one hash slot', async () => {
    const limiter = createRateLimiter({ store: openStore() });
    const perIp = definePolicy('ip', '10/minute');
    const perAccount = definePolicy('account', '5/minute');
    await limiter.check([
      { policy: perIp, key: '4:192.0.2.1' },
      { policy: perAccount, key: 'a@example.com' },
    ]);
    // Both counters carry the same {hash tag}, so Redis Cluster puts them in one slot.
    const keys = await admin.keys(`${prefix}{4:192.0.2.1}:*`);
    expect(keys.sort()).toEqual([
      `${prefix}{4:192.0.2.1}:account:a@example.com`,
      `${prefix}{4:192.0.2.1}:ip:4:192.0.2.1`,
    ]);
  });

  it('wraps a failure in RateLimitStoreError, never a verdict', async () => {
    const client = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    const store = new RedisStore({ client, timeoutMs: 50 });
    const item = { key: 'k', policyName: 'p', limit: { limit: 1, windowMs: 1000 } };
    await expect(store.check([item], 1)).rejects.toThrow(RateLimitStoreError);
    await store.close();
    client.disconnect();
  });

  it('refuses a client that would queue commands while Redis is down', () => {
    const client = new Redis(url ?? '', { lazyConnect: true });
    expect(() => new RedisStore({ client })).toThrow(RateLimitConfigError);
    expect(() => new RedisStore({ client: admin, keyPrefix: 'x{' })).toThrow(RateLimitConfigError);
    expect(() => new RedisStore({})).toThrow(RateLimitConfigError);
    client.disconnect();
  });
});
