// The response fields of draft-ietf-httpapi-ratelimit-headers-10: RateLimit-Policy lists every
// policy item of the request, RateLimit reports the tightest one, Retry-After comes with a refusal.
import type { CheckItemResult, CheckResult } from './store.ts';

/** A Structured Field String (RFC 8941 §3.3.3); policy names are tokens, so this rarely escapes. */
const sfString = (value: string): string => `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;

/** Seconds for a header, rounded up so that a client waiting that long is never early. */
export const toSeconds = (ms: number): number => Math.ceil(ms / 1000);

/** `"name";q=100;w=60, ...`: the quota and window (seconds) of each item. */
export function formatRateLimitPolicy(
  items: readonly Pick<CheckItemResult, 'policyName' | 'limit'>[],
): string {
  return items
    .map(
      ({ policyName, limit }) =>
        `${sfString(policyName)};q=${limit.limit};w=${limit.windowMs / 1000}`,
    )
    .join(', ');
}

/** `"name";r=37;t=21`: the remaining quota and seconds until more is available (see GcraOutcome). */
export function formatRateLimit(
  item: Pick<CheckItemResult, 'policyName' | 'remaining' | 'resetMs'>,
): string {
  return `${sfString(item.policyName)};r=${item.remaining};t=${toSeconds(item.resetMs)}`;
}

/**
 * The item the RateLimit field reports. After a refusal, the refusing item with the longest wait,
 * so `t` never exceeds Retry-After. Otherwise the item with the fewest requests left (it decides
 * how many more will pass), the longer reset breaking a tie.
 */
export function tightestItem(items: readonly CheckItemResult[]): CheckItemResult | undefined {
  const refused = items.filter((item) => !item.allowed);
  const candidates = refused.length > 0 ? refused : items;
  return candidates.reduce<CheckItemResult | undefined>((best, item) => {
    if (best === undefined) return item;
    if (refused.length === 0 && item.remaining !== best.remaining)
      return item.remaining < best.remaining ? item : best;
    return item.resetMs > best.resetMs ? item : best;
  }, undefined);
}

/** The header fields to set for a check, names in lower case; empty when nothing was checked. */
export function rateLimitHeaders(result: CheckResult): Record<string, string> {
  const reported = tightestItem(result.items);
  if (reported === undefined) return {};
  const headers: Record<string, string> = {
    'ratelimit-policy': formatRateLimitPolicy(result.items),
    ratelimit: formatRateLimit(reported),
  };
  if (!result.allowed && Number.isFinite(result.retryAfterMs)) {
    headers['retry-after'] = String(toSeconds(result.retryAfterMs));
  }
  return headers;
}
