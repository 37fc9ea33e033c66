// The interface every rate-limit store implements (memory, Redis, failover), listing only what the
// limiter uses. A store failure throws RateLimitStoreError; a limit hit is a CheckResult value.
import type { RateLimit } from './policy.ts';

export interface CheckItem {
  /** The counter's identity within the store (see storeKey). Unique within one check. */
  readonly key: string;
  /** The name reported for this limit in headers and `violated-policies`. */
  readonly policyName: string;
  readonly limit: RateLimit;
}

export interface CheckItemResult {
  readonly policyName: string;
  readonly limit: RateLimit;
  /** This limit alone would allow the request. */
  readonly allowed: boolean;
  /** Requests of cost 1 still allowed now (after this request, if it was charged). */
  readonly remaining: number;
  /** See GcraOutcome.resetMs. Milliseconds, rounded up. */
  readonly resetMs: number;
}

export interface CheckResult {
  /** True only if every item allowed; then, and only then, every item was charged. */
  readonly allowed: boolean;
  /** 0 when allowed; else the exact wait (ms, rounded up) until the same request would pass; Infinity if never. */
  readonly retryAfterMs: number;
  readonly items: readonly CheckItemResult[];
}

export interface RateLimitStore {
  /**
   * Checks all items for a request of `cost` (a positive integer) and charges all of them only
   * if all allow, atomically.
   * @throws RateLimitStoreError when the store cannot answer; never for a limit hit.
   */
  check(items: readonly CheckItem[], cost: number): Promise<CheckResult>;
  /** Releases what the store owns (timers, connections it opened). */
  close(): Promise<void>;
}
