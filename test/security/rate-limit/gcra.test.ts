import { describe, expect, it } from 'vitest';
import { checkGcra, gcraParams } from '../../../src/security/rate-limit/gcra.ts';
import type { RateLimit } from '../../../src/security/rate-limit/policy.ts';

const MINUTE = 60_000;

/** One or more keys driven by a fake clock in milliseconds, storing TATs as a store would. */
function buckets(...limits: RateLimit[]) {
  const tats: (number | undefined)[] = limits.map(() => undefined);
  return (nowMs: number, cost = 1) => {
    const result = checkGcra(
      limits.map((limit, index) => ({ limit, tatUs: tats[index] })),
      nowMs * 1000,
      cost,
    );
    result.newTatsUs.forEach((tat, index) => (tats[index] = tat));
    return result;
  };
}

/** Requests at one instant until the first refusal; returns how many passed. */
function drain(check: ReturnType<typeof buckets>, nowMs: number, cost = 1): number {
  let passed = 0;
  while (check(nowMs, cost).allowed) passed += 1;
  return passed;
}

describe('GCRA', () => {
  it('allows a burst of exactly the limit, counting remaining down', () => {
    const check = buckets({ limit: 10, windowMs: MINUTE });
    const remaining = Array.from({ length: 10 }, () => check(0).outcomes[0]?.remaining);
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const refused = check(0);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(6000);
  });

  it('keeps the burst exact when the interval is not a whole number of ms', () => {
    expect(drain(buckets({ limit: 7, windowMs: MINUTE }), 1_000_000)).toBe(7);
    expect(drain(buckets({ limit: 13, windowMs: 7000 }), 0)).toBe(13);
    expect(drain(buckets({ limit: 3, windowMs: 10_000 }), 0)).toBe(3);
    // Rounding the interval up to a microsecond never makes the rate faster than stated.
    const params = gcraParams({ limit: 7, windowMs: MINUTE });
    expect(params.intervalUs * 7).toBeGreaterThanOrEqual(MINUTE * 1000);
  });

  it('gives no double burst across a window boundary, then one request per interval', () => {
    const check = buckets({ limit: 10, windowMs: MINUTE });
    expect(drain(check, 59_900)).toBe(10);
    // A fixed window would reset at 60 s and allow 10 more; GCRA allows none yet.
    const atBoundary = check(60_100);
    expect(atBoundary.allowed).toBe(false);
    expect(atBoundary.retryAfterMs).toBe(5800);
    // From then on: exactly one request every 6 s.
    for (let at = 65_900; at < 65_900 + 5 * 6000; at += 6000) {
      expect(check(at - 1).allowed).toBe(false);
      expect(check(at).allowed).toBe(true);
      expect(check(at).allowed).toBe(false);
    }
  });

  it('recovers the full burst after a full window of silence', () => {
    const check = buckets({ limit: 10, windowMs: MINUTE });
    expect(drain(check, 0)).toBe(10);
    expect(drain(check, 59_999)).toBe(9);
    expect(drain(check, 59_999 + MINUTE)).toBe(10);
  });

  it('charges costs greater than one', () => {
    const check = buckets({ limit: 10, windowMs: MINUTE });
    expect(check(0, 3).outcomes[0]?.remaining).toBe(7);
    expect(check(0, 3).outcomes[0]?.remaining).toBe(4);
    expect(check(0, 3).outcomes[0]?.remaining).toBe(1);
    const refused = check(0, 3);
    expect(refused.allowed).toBe(false);
    expect(refused.outcomes[0]?.remaining).toBe(1);
    // 2 more units are needed, one every 6 s.
    expect(refused.retryAfterMs).toBe(12_000);
    expect(check(11_999, 3).allowed).toBe(false);
    expect(check(12_000, 3).allowed).toBe(true);
  });

  it('never allows a cost above the limit, and says so', () => {
    const check = buckets({ limit: 3, windowMs: MINUTE });
    const refused = check(0, 4);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(Infinity);
    expect(refused.newTatsUs).toEqual([]);
    expect(check(0, 3).allowed).toBe(true);
  });

  it('makes Retry-After exact: refused 1 ms before, allowed at it', () => {
    // A small deterministic PRNG: the same sequence on every run.
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const limits: RateLimit[] = [
      { limit: 7, windowMs: MINUTE },
      { limit: 3, windowMs: 10_000 },
      { limit: 100, windowMs: 3_600_000 },
      { limit: 13, windowMs: 7000 },
    ];
    let refusals = 0;
    for (const limit of limits) {
      let now = 1_700_000_000_000;
      let tat: number | undefined;
      const at = (ms: number, cost: number) => checkGcra([{ limit, tatUs: tat }], ms * 1000, cost);
      for (let step = 0; step < 300; step += 1) {
        now += Math.floor(random() * 2 * (limit.windowMs / limit.limit));
        const cost = 1 + Math.floor(random() * Math.min(3, limit.limit));
        const result = at(now, cost);
        if (result.allowed) {
          tat = result.newTatsUs[0];
          continue;
        }
        refusals += 1;
        expect(at(now + result.retryAfterMs - 1, cost).allowed).toBe(false);
        expect(at(now + result.retryAfterMs, cost).allowed).toBe(true);
      }
    }
    expect(refusals).toBeGreaterThan(50);
  });

  it('is all-or-nothing over several limits', () => {
    const wide = { limit: 10, windowMs: MINUTE };
    const narrow = { limit: 2, windowMs: MINUTE };
    const check = buckets(wide, narrow);
    expect(check(0).allowed).toBe(true);
    expect(check(0).allowed).toBe(true);
    const refused = check(0);
    expect(refused.allowed).toBe(false);
    expect(refused.newTatsUs).toEqual([]);
    expect(refused.outcomes.map((outcome) => outcome.allowed)).toEqual([true, false]);
    // The wide limit was not charged by the refused request: still 8 left.
    expect(refused.outcomes[0]?.remaining).toBe(8);
    expect(refused.retryAfterMs).toBe(30_000);
  });

  it('waits for the slowest refusing limit', () => {
    const check = buckets({ limit: 1, windowMs: 10_000 }, { limit: 1, windowMs: MINUTE });
    expect(check(0).allowed).toBe(true);
    const refused = check(0);
    expect(refused.outcomes.map((outcome) => outcome.retryAfterMs)).toEqual([10_000, MINUTE]);
    expect(refused.retryAfterMs).toBe(MINUTE);
    expect(check(MINUTE - 1).allowed).toBe(false);
    expect(check(MINUTE).allowed).toBe(true);
  });

  it('reports resetMs: full restore while quota remains, next unit at zero, retry when refused', () => {
    const check = buckets({ limit: 3, windowMs: 30_000 });
    expect(check(0).outcomes[0]).toMatchObject({ remaining: 2, resetMs: 10_000 });
    expect(check(1000).outcomes[0]).toMatchObject({ remaining: 1, resetMs: 19_000 });
    expect(check(1000).outcomes[0]).toMatchObject({ remaining: 0, resetMs: 9000 });
    expect(check(1000, 2).outcomes[0]).toMatchObject({
      allowed: false,
      remaining: 0,
      resetMs: 19_000,
    });
  });

  it('treats a TAT in the past as a missing key', () => {
    const limit = { limit: 2, windowMs: MINUTE };
    const result = checkGcra([{ limit, tatUs: 5_000_000 }], 9_000_000, 1);
    expect(result.outcomes[0]?.remaining).toBe(1);
    expect(result.newTatsUs).toEqual([9_000_000 + 30_000_000]);
  });

  it('clamps remaining when a TAT lies beyond the window (clock stepped back)', () => {
    const limit = { limit: 2, windowMs: MINUTE };
    const result = checkGcra([{ limit, tatUs: 500_000_000 }], 0, 1);
    expect(result.allowed).toBe(false);
    expect(result.outcomes[0]?.remaining).toBe(0);
  });

  it('rejects a cost that is not a positive integer', () => {
    const items = [{ limit: { limit: 1, windowMs: 1000 }, tatUs: undefined }];
    for (const cost of [0, -1, 1.5, Number.NaN])
      expect(() => checkGcra(items, 0, cost)).toThrow(RangeError);
  });
});
