// Counters of rate-limit outcomes, for metrics and tests: plain numbers, read as one snapshot.

export interface RateLimitCounts {
  /** Checks that allowed the request (whichever store answered). */
  readonly allowed: number;
  /** Checks that refused the request because a limit was hit. */
  readonly limited: number;
  /** Failures of the primary store (errors and timeouts). */
  readonly storeErrors: number;
  /** Checks answered without the primary store, by the local limiter or by failing open. */
  readonly fallbacks: number;
  /** Checks refused because the store failed in `closed` mode (503). */
  readonly unavailable: number;
}

export class RateLimitCounters {
  #counts: { -readonly [K in keyof RateLimitCounts]: number } = {
    allowed: 0,
    limited: 0,
    storeErrors: 0,
    fallbacks: 0,
    unavailable: 0,
  };

  increment(name: keyof RateLimitCounts): void {
    this.#counts[name] += 1;
  }

  snapshot(): RateLimitCounts {
    return { ...this.#counts };
  }
}
