// Rate-limit policies: parses Flask-Limiter strings such as "100/minute;1000/hour" into validated,
// immutable limits, and names a policy so it can appear in the RateLimit header fields.
import { RateLimitPolicyError } from './errors.ts';

/** At most `limit` units per `windowMs`, with a burst of up to `limit` at once. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** A named set of limits that all apply to the same key. */
export interface Policy {
  readonly name: string;
  readonly limits: readonly RateLimit[];
}

export const MAX_LIMIT = 1_000_000_000;
export const MIN_WINDOW_MS = 1000;
export const MAX_WINDOW_MS = 365 * 24 * 3600 * 1000;
/**
 * The limiter keeps time in whole microseconds and rounds the emission interval up to one, so a
 * rate above 10,000 per second per key would be slowed by more than 1 %: such rates are refused.
 */
export const MAX_RATE_PER_SECOND = 10_000;

// Month and year are fixed lengths (30 and 365 days), as a rolling window cannot follow a calendar.
const UNIT_MS: Readonly<Record<string, number>> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

const POLICY_NAME = /^[a-z0-9_-]{1,64}$/;
const LIMIT_ITEM = /^(\d+)\s*(?:\/|\bper\b)\s*(?:(\d+)\s*)?([a-z]+)$/i;
const EXPECTED = 'expected forms like "100/minute", "10/5 minutes" or "10 per hour"';

function unitMs(word: string): number | undefined {
  const lower = word.toLowerCase();
  return UNIT_MS[lower] ?? (lower.endsWith('s') ? UNIT_MS[lower.slice(0, -1)] : undefined);
}

function parseItem(item: string): RateLimit {
  const match = LIMIT_ITEM.exec(item);
  const [, countText, multiplierText, unitText] = match ?? [];
  const perUnit = unitText === undefined ? undefined : unitMs(unitText);
  if (countText === undefined || unitText === undefined || perUnit === undefined) {
    throw new RateLimitPolicyError(`"${item}" is not a rate limit: ${EXPECTED}`);
  }
  const multiplier = multiplierText === undefined ? 1 : Number(multiplierText);
  return validateLimit({ limit: Number(countText), windowMs: multiplier * perUnit }, item);
}

/** Checks one limit against the ranges the algorithm and the header fields can represent. */
export function validateLimit(
  limit: RateLimit,
  shownAs = `${limit.limit}/${limit.windowMs}ms`,
): RateLimit {
  const { limit: count, windowMs } = limit;
  if (!Number.isInteger(count) || count < 1 || count > MAX_LIMIT) {
    throw new RateLimitPolicyError(
      `"${shownAs}": the count must be a whole number from 1 to ${MAX_LIMIT}`,
    );
  }
  if (!Number.isInteger(windowMs) || windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
    throw new RateLimitPolicyError(`"${shownAs}": the period must be from 1 second to 365 days`);
  }
  if (windowMs % 1000 !== 0) {
    throw new RateLimitPolicyError(`"${shownAs}": the period must be a whole number of seconds`);
  }
  if (count * 1000 > windowMs * MAX_RATE_PER_SECOND) {
    throw new RateLimitPolicyError(
      `"${shownAs}": more than ${MAX_RATE_PER_SECOND} per second is not supported`,
    );
  }
  return Object.freeze({ limit: count, windowMs });
}

function freezeLimits(limits: readonly RateLimit[], shownAs: string): readonly RateLimit[] {
  if (limits.length === 0)
    throw new RateLimitPolicyError(`"${shownAs}" contains no rate limit: ${EXPECTED}`);
  const windows = new Set<number>();
  for (const { windowMs } of limits) {
    // Two limits over one window: only the smaller one could ever matter, so it is surely a typo.
    if (windows.has(windowMs)) {
      throw new RateLimitPolicyError(`"${shownAs}" has two limits over the same period`);
    }
    windows.add(windowMs);
  }
  return Object.freeze([...limits].sort((a, b) => a.windowMs - b.windowMs));
}

/**
 * Parses a Flask-Limiter style string: limits separated by `;` or `,`, each `N/unit`, `N/M units`
 * or `N per M units` (second, minute, hour, day, month = 30 days, year = 365 days).
 * @throws RateLimitPolicyError with a message the caller may prefix with the variable's name.
 * @example parseRateLimits('100/minute; 1000/hour') // [{limit: 100, windowMs: 60000}, ...]
 */
export function parseRateLimits(text: string): readonly RateLimit[] {
  const items = text
    .split(/[;,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return freezeLimits(items.map(parseItem), text.trim());
}

/**
 * Names a set of limits. The name is a token (`[a-z0-9_-]{1,64}`) so it can be sent unescaped in
 * the RateLimit header fields and in `violated-policies`.
 * @example definePolicy('login-ip', process.env.RATE_LIMIT_LOGIN_IP ?? '20/minute')
 */
export function definePolicy(name: string, limits: string | readonly RateLimit[]): Policy {
  if (!POLICY_NAME.test(name)) {
    throw new RateLimitPolicyError(
      `"${name}" is not a policy name: use 1 to 64 of a-z, 0-9, _ and -`,
    );
  }
  const parsed =
    typeof limits === 'string'
      ? parseRateLimits(limits)
      : freezeLimits(
          limits.map((limit) => validateLimit(limit)),
          name,
        );
  return Object.freeze({ name, limits: parsed });
}
