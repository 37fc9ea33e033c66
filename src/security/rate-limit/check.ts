// The limiter's plain API: given the policies that apply to a request and their keys, ask the store
// once and return the decision with the header fields to send. No HTTP framework involved.
import { assertCost } from './gcra.ts';
import { RateLimitConfigError } from './errors.ts';
import { rateLimitHeaders, toSeconds } from './headers.ts';
import { storeKey } from './store-key.ts';
import type { Policy, RateLimit } from './policy.ts';
import type { CheckItem, CheckItemResult, RateLimitStore } from './store.ts';

/** A policy applied to one key, e.g. `{ policy: loginPerIp, key: '4:203.0.113.7' }`. */
export interface KeyedPolicy {
  readonly policy: Policy;
  readonly key: string;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Names of the refusing policy items (as in RateLimit-Policy); empty when allowed. */
  readonly violatedPolicies: readonly string[];
  /** Whole seconds, rounded up; null when allowed, or when the cost exceeds a limit and never fits. */
  readonly retryAfterSeconds: number | null;
  /** `ratelimit-policy`, `ratelimit` and, on refusal, `retry-after`; empty if nothing was checked. */
  readonly headers: Readonly<Record<string, string>>;
  readonly items: readonly CheckItemResult[];
}

export interface RateLimiter {
  /**
   * Charges `cost` to every non-exempt keyed policy, all-or-nothing.
   * `hashTag` groups the counters of this check in one Redis Cluster slot; by default it is the key
   * of the first keyed policy. A counter is (hash tag, policy item, key): check a key with the same
   * hash tag everywhere it is used.
   * @throws RateLimitUnavailableError when the store failed in `closed` mode;
   *   RateLimitStoreError from a store used without a FailoverStore.
   */
  check(
    keyedPolicies: readonly KeyedPolicy[],
    cost?: number,
    hashTag?: string,
  ): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  readonly store: RateLimitStore;
  /** Keys never limited (e.g. a monitoring host's `4:10.0.0.5`); their policies are skipped. */
  readonly exemptKeys?: Iterable<string>;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/**
 * The name of one limit of a policy: the policy's own name when it has one limit, else the name
 * and the window in its largest whole unit: `user-1m`, `user-1h`, `login-90s`, `daily-365d`.
 */
export function policyItemName(policy: Policy, limit: RateLimit): string {
  if (policy.limits.length === 1) return policy.name;
  const [unit, unitMs] = UNITS.find(([, ms]) => limit.windowMs % ms === 0) ?? ['s', 1000];
  return `${policy.name}-${limit.windowMs / unitMs}${unit}`;
}

const NOTHING_CHECKED: RateLimitDecision = Object.freeze({
  allowed: true,
  violatedPolicies: [],
  retryAfterSeconds: null,
  headers: {},
  items: [],
});

/**
 * @example
 * const limiter = createRateLimiter({ store: new MemoryStore() });
 * const perIp = definePolicy('ip', '100/minute');
 * const decision = await limiter.check([{ policy: perIp, key: '4:203.0.113.7' }]);
 * if (!decision.allowed) reply.code(429).headers(decision.headers);
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store } = options;
  const exempt = new Set(options.exemptKeys ?? []);
  return {
    async check(keyedPolicies, cost = 1, hashTag = keyedPolicies[0]?.key ?? '') {
      assertCost(cost);
      const active = keyedPolicies.filter(({ key }) => !exempt.has(key));
      if (active.length === 0) return NOTHING_CHECKED;
      const items: CheckItem[] = active.flatMap(({ policy, key }) =>
        policy.limits.map((limit) => {
          const policyName = policyItemName(policy, limit);
          return { key: storeKey(hashTag, policyName, key), policyName, limit };
        }),
      );
      const names = new Set(items.map((item) => item.policyName));
      if (names.size !== items.length) {
        throw new RateLimitConfigError(
          'A policy name appears twice in one check: give each policy its own name',
        );
      }
      const result = await store.check(items, cost);
      return {
        allowed: result.allowed,
        violatedPolicies: result.items
          .filter((item) => !item.allowed)
          .map((item) => item.policyName),
        retryAfterSeconds:
          result.allowed || !Number.isFinite(result.retryAfterMs)
            ? null
            : toSeconds(result.retryAfterMs),
        headers: rateLimitHeaders(result),
        items: result.items,
      };
    },
    close: () => store.close(),
  };
}
