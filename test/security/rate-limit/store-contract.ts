// The behaviour every RateLimitStore must show, run against each implementation. Only what needs
// no fake clock: Redis takes its time from TIME. Windows are long, so real time cannot interfere.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CheckItem, RateLimitStore } from '../../../src/security/rate-limit/store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface StoreUnderTest {
  readonly store: RateLimitStore;
}

/** `setup` gives a store for one test; the suite closes nothing it did not open. */
export function describeStoreContract(name: string, setup: () => StoreUnderTest): void {
  describe(`${name}: RateLimitStore contract`, () => {
    const item = (
      policyName: string,
      limit: number,
      windowMs = HOUR,
      key = randomUUID(),
    ): CheckItem => ({
      key: `{t}:${policyName}:${key}`,
      policyName,
      limit: { limit, windowMs },
    });

    it('allows exactly the limit, then refuses', async () => {
      const { store } = setup();
      const counter = item('p', 5);
      const remaining: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const result = await store.check([counter], 1);
        expect(result.allowed).toBe(true);
        remaining.push(result.items[0]?.remaining ?? -1);
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
      const refused = await store.check([counter], 1);
      expect(refused.allowed).toBe(false);
      expect(refused.items[0]).toMatchObject({ policyName: 'p', allowed: false, remaining: 0 });
      // One unit comes back every 12 minutes; a little of that has passed.
      expect(refused.retryAfterMs).toBeGreaterThan(11 * 60_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(12 * 60_000);
    });

    it('reports the time until the quota is restored, exactly, on a fresh key', async () => {
      const { store } = setup();
      const result = await store.check([item('p', 5)], 2);
      expect(result.items[0]).toEqual({
        policyName: 'p',
        limit: { limit: 5, windowMs: HOUR },
        allowed: true,
        remaining: 3,
        resetMs: 24 * 60_000,
      });
      expect(result.retryAfterMs).toBe(0);
    });

    it('charges nothing when any item refuses (all-or-nothing)', async () => {
      const { store } = setup();
      const wide = item('wide', 5);
      const narrow = item('narrow', 2);
      expect((await store.check([wide, narrow], 1)).allowed).toBe(true);
      expect((await store.check([wide, narrow], 1)).allowed).toBe(true);
      const refused = await store.check([wide, narrow], 1);
      expect(refused.allowed).toBe(false);
      expect(
        refused.items.map((result) => [result.policyName, result.allowed, result.remaining]),
      ).toEqual([
        ['wide', true, 3],
        ['narrow', false, 0],
      ]);
      // The wide counter still has its 3: the refused request took none of them.
      const wideAlone = await store.check([wide], 3);
      expect(wideAlone.allowed).toBe(true);
      expect(wideAlone.items[0]?.remaining).toBe(0);
    });

    it('charges costs and refuses a cost that does not fit without charging it', async () => {
      const { store } = setup();
      const counter = item('p', 10);
      expect((await store.check([counter], 4)).items[0]?.remaining).toBe(6);
      expect((await store.check([counter], 4)).items[0]?.remaining).toBe(2);
      const refused = await store.check([counter], 3);
      expect(refused.allowed).toBe(false);
      expect(refused.items[0]?.remaining).toBe(2);
      expect((await store.check([counter], 2)).items[0]?.remaining).toBe(0);
    });

    it('refuses for ever a cost above the limit', async () => {
      const { store } = setup();
      const counter = item('p', 3);
      const refused = await store.check([counter], 4);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBe(Infinity);
      expect((await store.check([counter], 3)).allowed).toBe(true);
    });

    it('keeps keys and policies apart', async () => {
      const { store } = setup();
      const key = randomUUID();
      expect((await store.check([item('a', 1, HOUR, key)], 1)).allowed).toBe(true);
      expect((await store.check([item('a', 1, HOUR, key)], 1)).allowed).toBe(false);
      expect((await store.check([item('b', 1, HOUR, key)], 1)).allowed).toBe(true);
      expect((await store.check([item('a', 1)], 1)).allowed).toBe(true);
    });

    it('applies every limit of a multi-limit policy', async () => {
      const { store } = setup();
      const key = randomUUID();
      const items = [item('p-1h', 10, HOUR, key), item('p-1d', 3, DAY, key)];
      for (let i = 0; i < 3; i += 1) expect((await store.check(items, 1)).allowed).toBe(true);
      const refused = await store.check(items, 1);
      expect(refused.items.map((result) => result.allowed)).toEqual([true, false]);
      expect(refused.items[0]?.remaining).toBe(7);
    });

    it('answers an empty check without refusing', async () => {
      const { store } = setup();
      expect(await store.check([], 1)).toEqual({ allowed: true, retryAfterMs: 0, items: [] });
    });

    it('rejects an invalid cost', async () => {
      const { store } = setup();
      await expect(store.check([item('p', 1)], 0)).rejects.toThrow(RangeError);
      await expect(store.check([item('p', 1)], 1.5)).rejects.toThrow(RangeError);
    });

    it('stays exact under concurrent checks of one key', async () => {
      const { store } = setup();
      const counter = item('p', 20);
      const results = await Promise.all(
        Array.from({ length: 60 }, () => store.check([counter], 1)),
      );
      expect(results.filter((result) => result.allowed)).toHaveLength(20);
    });
  });
}
