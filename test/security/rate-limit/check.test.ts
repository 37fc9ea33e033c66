import { describe, expect, it } from 'vitest';
import { createRateLimiter, policyItemName } from '../../../src/security/rate-limit/check.ts';
import { MemoryStore } from '../../../src/security/rate-limit/memory-store.ts';
import { definePolicy } from '../../../src/security/rate-limit/policy.ts';
import { RateLimitConfigError } from '../../../src/security/rate-limit/errors.ts';
import type {
  CheckItem,
  CheckResult,
  RateLimitStore,
} from '../../../src/security/rate-limit/store.ts';

/** Records what the limiter asks the store. */
class RecordingStore implements RateLimitStore {
  readonly checks: { items: readonly CheckItem[]; cost: number }[] = [];
  readonly #inner: MemoryStore;

  constructor(now: () => number) {
    this.#inner = new MemoryStore({ now });
  }

  check(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    this.checks.push({ items, cost });
    return this.#inner.check(items, cost);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

const perIp = definePolicy('ip', '3/minute');
const perAccount = definePolicy('account', '1/minute');
const perUser = definePolicy('user', '100/minute;1000/hour');

function setup(exemptKeys: string[] = []) {
  const clock = { now: 1_000_000 };
  const store = new RecordingStore(() => clock.now);
  return { clock, store, limiter: createRateLimiter({ store, exemptKeys }) };
}

describe('createRateLimiter', () => {
  it('names each limit of a multi-limit policy after its window', () => {
    expect(perUser.limits.map((limit) => policyItemName(perUser, limit))).toEqual([
      'user-1m',
      'user-1h',
    ]);
    expect(policyItemName(perIp, { limit: 3, windowMs: 60_000 })).toBe('ip');
    const odd = definePolicy('odd', '1/90 seconds;1/2 days;1/year');
    expect(odd.limits.map((limit) => policyItemName(odd, limit))).toEqual([
      'odd-90s',
      'odd-2d',
      'odd-365d',
    ]);
  });

  it('returns a decision with headers, and refuses with violated policies and Retry-After', async () => {
    const { clock, limiter } = setup();
    const keyed = [{ policy: perIp, key: '4:192.0.2.1' }];
    const first = await limiter.check(keyed);
    expect(first).toMatchObject({ allowed: true, violatedPolicies: [], retryAfterSeconds: null });
    expect(first.headers).toEqual({
      'ratelimit-policy': '"ip";q=3;w=60',
      ratelimit: '"ip";r=2;t=20',
    });
    await limiter.check(keyed);
    await limiter.check(keyed);
    clock.now += 500;
    const refused = await limiter.check(keyed);
    expect(refused).toMatchObject({
      allowed: false,
      violatedPolicies: ['ip'],
      retryAfterSeconds: 20,
    });
    expect(refused.headers).toEqual({
      'ratelimit-policy': '"ip";q=3;w=60',
      ratelimit: '"ip";r=0;t=20',
      'retry-after': '20',
    });
  });

  it('charges several policies all-or-nothing and names only the refusing one', async () => {
    const { limiter } = setup();
    const login = [
      { policy: perIp, key: '4:192.0.2.1' },
      { policy: perAccount, key: 'a@example.com|4:192.0.2.1' },
    ];
    expect((await limiter.check(login)).allowed).toBe(true);
    const refused = await limiter.check(login);
    expect(refused.violatedPolicies).toEqual(['account']);
    // The IP policy was not charged by the refusal: 2 of 3 were left, 1 now.
    const ipOnly = await limiter.check([{ policy: perIp, key: '4:192.0.2.1' }]);
    expect(ipOnly.items[0]?.remaining).toBe(1);
    expect(ipOnly.allowed).toBe(true);
  });

  it('groups the counters of a check under one hash tag, the first key by default', async () => {
    const { limiter, store } = setup();
    await limiter.check([
      { policy: perIp, key: '4:192.0.2.1' },
      { policy: perAccount, key: 'a@example.com' },
    ]);
    expect(store.checks[0]?.items.map((item) => item.key)).toEqual([
      '{4:192.0.2.1}:ip:4:192.0.2.1',
      '{4:192.0.2.1}:account:a@example.com',
    ]);
    await limiter.check([{ policy: perUser, key: 'user-7' }], 2, 'tag{}%');
    expect(store.checks[1]?.items.map((item) => item.key)).toEqual([
      '{tag%7B%7D%25}:user-1m:user-7',
      '{tag%7B%7D%25}:user-1h:user-7',
    ]);
    expect(store.checks[1]?.cost).toBe(2);
  });

  it('skips exempt keys, and checks nothing when all are exempt', async () => {
    const { limiter, store } = setup(['4:10.0.0.5']);
    const decision = await limiter.check([{ policy: perIp, key: '4:10.0.0.5' }]);
    expect(decision).toEqual({
      allowed: true,
      violatedPolicies: [],
      retryAfterSeconds: null,
      headers: {},
      items: [],
    });
    expect(store.checks).toHaveLength(0);
    await limiter.check([
      { policy: perIp, key: '4:10.0.0.5' },
      { policy: perAccount, key: 'someone' },
    ]);
    expect(store.checks[0]?.items.map((item) => item.policyName)).toEqual(['account']);
  });

  it('refuses for ever a cost above a limit, without Retry-After', async () => {
    const { limiter } = setup();
    const decision = await limiter.check([{ policy: perIp, key: 'k' }], 4);
    expect(decision).toMatchObject({
      allowed: false,
      violatedPolicies: ['ip'],
      retryAfterSeconds: null,
    });
    expect(decision.headers['retry-after']).toBeUndefined();
  });

  it('refuses programming errors: a policy twice, a bad cost', async () => {
    const { limiter } = setup();
    await expect(
      limiter.check([
        { policy: perIp, key: 'a' },
        { policy: perIp, key: 'b' },
      ]),
    ).rejects.toThrow(RateLimitConfigError);
    await expect(limiter.check([{ policy: perIp, key: 'a' }], 0)).rejects.toThrow(RangeError);
  });
});
