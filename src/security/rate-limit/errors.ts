// The typed errors of the rate limiter. A limit hit is a result value, never one of these, except
// at the HTTP edge (RateLimitExceededError), where the app's error handler turns it into a 429.

export type RateLimitErrorCode =
  | 'RATE_LIMIT_POLICY_INVALID'
  | 'RATE_LIMIT_CONFIG_INVALID'
  | 'RATE_LIMIT_STORE_ERROR'
  | 'RATE_LIMIT_UNAVAILABLE'
  | 'RATE_LIMIT_EXCEEDED';

/** A policy string or policy name that cannot be parsed. Thrown at set-up only. */
export class RateLimitPolicyError extends Error {
  override readonly name = 'RateLimitPolicyError';
  readonly code = 'RATE_LIMIT_POLICY_INVALID' satisfies RateLimitErrorCode;
}

/** Invalid limiter options (a bad TRUST_PROXY entry, a bad prefix length...). Set-up only. */
export class RateLimitConfigError extends Error {
  override readonly name = 'RateLimitConfigError';
  readonly code = 'RATE_LIMIT_CONFIG_INVALID' satisfies RateLimitErrorCode;
}

/**
 * The store could not answer (Redis down, timed out, garbled reply). Never means "over the limit":
 * a dead store must not look like every client is over its limit.
 */
export class RateLimitStoreError extends Error {
  override readonly name = 'RateLimitStoreError';
  readonly code = 'RATE_LIMIT_STORE_ERROR' satisfies RateLimitErrorCode;
}

/** The store failed and the failure mode is `closed`: the HTTP layer answers 503. */
export class RateLimitUnavailableError extends Error {
  override readonly name = 'RateLimitUnavailableError';
  readonly code = 'RATE_LIMIT_UNAVAILABLE' satisfies RateLimitErrorCode;
  readonly statusCode = 503;

  constructor(options?: { cause?: unknown }) {
    super('Rate limiting is unavailable, so the request is refused', options);
  }
}

/**
 * The request was refused by one or more policies. `headers` are the RateLimit, RateLimit-Policy
 * and Retry-After fields to send with the 429 (the plugin has already set them on the reply).
 */
export class RateLimitExceededError extends Error {
  override readonly name = 'RateLimitExceededError';
  readonly code = 'RATE_LIMIT_EXCEEDED' satisfies RateLimitErrorCode;
  readonly statusCode = 429;

  constructor(
    /** Names of the policy items that refused, as they appear in RateLimit-Policy. */
    readonly violatedPolicies: readonly string[],
    /** Whole seconds, rounded up; null when the request's cost exceeds a limit and never fits. */
    readonly retryAfterSeconds: number | null,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(`Rate limit exceeded: ${violatedPolicies.join(', ')}`);
  }
}
