import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/security/rate-limit/memory-store.ts';
import { RateLimitConfigError } from '../../../src/security/rate-limit/errors.ts';
import type { CheckItem } from '../../../src/security/rate-limit/store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('MemoryStore', () => ({ store: new MemoryStore() }));

const MINUTE = 60_000;
const item = (key: string, limit = 10, windowMs = MINUTE): CheckItem => ({
  key,
  policyName: 'p',
  limit: { limit, windowMs },
});

describe('MemoryStore with a fake clock', () => {
  function clocked(maxKeys?: number) {
    const clock = { now: 1_000_000 };
    const store = new MemoryStore({
      now: () => clock.now,
      ...(maxKeys === undefined ? {} : { maxKeys }),
    });
    return { clock, store };
  }

  it('makes Retry-After exact', async () => {
    const { clock, store } = clocked();
    for (let i = 0; i < 10; i += 1) await store.check([item('k')], 1);
    clock.now += 1234;
    const refused = await store.check([item('k')], 1);
    expect(refused.retryAfterMs).toBe(6000 - 1234);
    clock.now += refused.retryAfterMs - 1;
    expect((await store.check([item('k')], 1)).allowed).toBe(false);
    clock.now += 1;
    expect((await store.check([item('k')], 1)).allowed).toBe(true);
  });

  it('gives no second burst across a window boundary', async () => {
    const { clock, store } = clocked();
    clock.now = 59_900;
    let allowed = 0;
    for (let i = 0; i < 20; i += 1) if ((await store.check([item('k')], 1)).allowed) allowed += 1;
    clock.now = 60_100;
    for (let i = 0; i < 20; i += 1) if ((await store.check([item('k')], 1)).allowed) allowed += 1;
    expect(allowed).toBe(10);
  });

  it('drops a key once its TAT has passed, as if it had never been', async () => {
    const { clock, store } = clocked();
    await store.check([item('k', 2)], 1);
    expect(store.size).toBe(1);
    clock.now += 30_000;
    const fresh = await store.check([item('k', 2)], 1);
    expect(fresh.items[0]?.remaining).toBe(1);
    clock.now += 30_000;
    // The incremental sweep removes expired keys while other keys are checked.
    await store.check([item('other', 2)], 1);
    expect(store.size).toBe(1);
  });

  it('sweeps expired keys incrementally, without a timer', async () => {
    const { clock, store } = clocked();
    for (let i = 0; i < 100; i += 1) await store.check([item(`k${i}`, 1, 1000)], 1);
    expect(store.size).toBe(100);
    clock.now += 1000;
    for (let i = 0; i < 40; i += 1) await store.check([item('live', 1000, MINUTE)], 1);
    expect(store.size).toBe(1);
  });

  it('evicts the least recently used key when full', async () => {
    const { store } = clocked(3);
    await store.check([item('a', 1)], 1);
    await store.check([item('b', 1)], 1);
    await store.check([item('c', 1)], 1);
    // Touching a (even refused) makes b the least recently used.
    expect((await store.check([item('a', 1)], 1)).allowed).toBe(false);
    await store.check([item('d', 1)], 1);
    expect(store.size).toBe(3);
    expect(store.evictions).toBe(1);
    expect((await store.check([item('a', 1)], 1)).allowed).toBe(false);
    expect((await store.check([item('c', 1)], 1)).allowed).toBe(false);
    // b was evicted: it gets a fresh quota (the documented price of the bound).
    expect((await store.check([item('b', 1)], 1)).allowed).toBe(true);
  });

  it('does not count expired keys as evictions', async () => {
    const { clock, store } = clocked(2);
    await store.check([item('a', 1, 1000)], 1);
    await store.check([item('b', 1, 1000)], 1);
    clock.now += 5000;
    await store.check([item('c', 1, 1000)], 1);
    expect(store.size).toBeLessThanOrEqual(2);
    expect(store.evictions).toBe(0);
  });

  it('validates maxKeys at set-up', () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(RateLimitConfigError);
    expect(() => new MemoryStore({ maxKeys: 1.5 })).toThrow(RateLimitConfigError);
  });

  it('forgets everything on close', async () => {
    const { store } = clocked();
    await store.check([item('a')], 1);
    await store.close();
    expect(store.size).toBe(0);
  });
});
