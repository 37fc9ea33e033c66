// GCRA (generic cell rate algorithm), pure: one stored number per key, the theoretical arrival time
// (TAT). Times are whole microseconds so every comparison is exact integer arithmetic.
import type { RateLimit } from './policy.ts';

/**
 * The emission interval T = window / limit, rounded up to a whole microsecond, and the effective
 * window limit * T. Rounding up makes the rate at most 1 % slower (see MAX_RATE_PER_SECOND), never
 * faster, and keeps the burst exactly `limit`.
 */
export interface GcraParams {
  readonly intervalUs: number;
  readonly windowUs: number;
  readonly limit: number;
}

export function gcraParams({ limit, windowMs }: RateLimit): GcraParams {
  const intervalUs = Math.ceil((windowMs * 1000) / limit);
  return { intervalUs, windowUs: intervalUs * limit, limit };
}

/** What one limit says about one request. Times in milliseconds, rounded up. */
export interface GcraOutcome {
  /** This limit alone would let the request through. */
  readonly allowed: boolean;
  /** Requests of cost 1 still allowed right now, after this request if the whole check passed. */
  readonly remaining: number;
  /**
   * For the RateLimit field's `t`: if this limit refused, the time until it would accept this
   * request; else, with remaining 0, the time until one more unit is available; else the time
   * until the limit is fully restored.
   */
  readonly resetMs: number;
  /** 0 when allowed; Infinity when the cost exceeds the limit and can never fit. */
  readonly retryAfterMs: number;
}

/** A request's cost is a whole number of units, at least 1 (a programming error otherwise). */
export function assertCost(cost: number): void {
  if (!Number.isSafeInteger(cost) || cost < 1) {
    throw new RangeError(`A request's cost must be a positive integer, got ${String(cost)}`);
  }
}

const ceilMs = (us: number): number => Math.ceil(us / 1000);

/** The TAT after charging `cost`, and whether the limit allows it. */
function charge(params: GcraParams, storedTatUs: number | undefined, nowUs: number, cost: number) {
  const baseUs = storedTatUs !== undefined && storedTatUs > nowUs ? storedTatUs : nowUs;
  const newTatUs = baseUs + cost * params.intervalUs;
  return { baseUs, newTatUs, allowed: newTatUs - nowUs <= params.windowUs };
}

function describe(params: GcraParams, tatUs: number, nowUs: number) {
  const usedUs = tatUs - nowUs;
  const remaining = Math.min(
    params.limit,
    Math.max(0, params.limit - Math.ceil(usedUs / params.intervalUs)),
  );
  const resetUs = remaining > 0 ? usedUs : usedUs + params.intervalUs - params.windowUs;
  return { remaining, resetMs: ceilMs(Math.max(0, resetUs)) };
}

export interface GcraItem {
  readonly limit: RateLimit;
  /** The stored TAT, or undefined when the key is missing or expired. */
  readonly tatUs: number | undefined;
}

export interface GcraCheck {
  readonly allowed: boolean;
  /** 0 when allowed: the exact wait until this same request would be allowed by every limit. */
  readonly retryAfterMs: number;
  readonly outcomes: readonly GcraOutcome[];
  /** The TAT to store per item when allowed; empty when refused, as nothing may be written. */
  readonly newTatsUs: readonly number[];
}

/**
 * Evaluates every limit for a request of `cost`; the request is allowed only if all allow, and
 * only then are the new TATs returned for writing (all-or-nothing: a refusal charges nothing).
 */
export function checkGcra(items: readonly GcraItem[], nowUs: number, cost: number): GcraCheck {
  assertCost(cost);
  const evaluated = items.map((item) => {
    const params = gcraParams(item.limit);
    return { params, ...charge(params, item.tatUs, nowUs, cost) };
  });
  const allowed = evaluated.every((item) => item.allowed);
  const outcomes = evaluated.map(
    ({ params, baseUs, newTatUs, allowed: itemAllowed }): GcraOutcome => {
      if (!itemAllowed) {
        // Waiting until newTat - window is exact: the stored TAT does not move while refused.
        const retryAfterMs =
          cost > params.limit ? Infinity : ceilMs(newTatUs - params.windowUs - nowUs);
        const { remaining, resetMs } = describe(params, baseUs, nowUs);
        return {
          allowed: false,
          remaining,
          resetMs: Number.isFinite(retryAfterMs) ? retryAfterMs : resetMs,
          retryAfterMs,
        };
      }
      return {
        allowed: true,
        ...describe(params, allowed ? newTatUs : baseUs, nowUs),
        retryAfterMs: 0,
      };
    },
  );
  return {
    allowed,
    retryAfterMs: Math.max(0, ...outcomes.map((outcome) => outcome.retryAfterMs)),
    outcomes,
    newTatsUs: allowed ? evaluated.map((item) => item.newTatUs) : [],
  };
}
