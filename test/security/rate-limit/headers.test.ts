import { describe, expect, it } from 'vitest';
import {
  formatRateLimit,
  formatRateLimitPolicy,
  rateLimitHeaders,
  tightestItem,
} from '../../../src/security/rate-limit/headers.ts';
import type { CheckItemResult } from '../../../src/security/rate-limit/store.ts';

const result = (
  policyName: string,
  limit: number,
  windowMs: number,
  remaining: number,
  resetMs: number,
  allowed = true,
): CheckItemResult => ({ policyName, limit: { limit, windowMs }, remaining, resetMs, allowed });

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  it('formats RateLimit-Policy as a list of quota policy items', () => {
    expect(formatRateLimitPolicy([result('default', 100, 60_000, 0, 0)])).toBe(
      '"default";q=100;w=60',
    );
    expect(
      formatRateLimitPolicy([
        result('user-1m', 100, 60_000, 0, 0),
        result('user-1h', 1000, 3_600_000, 0, 0),
      ]),
    ).toBe('"user-1m";q=100;w=60, "user-1h";q=1000;w=3600');
  });

  it('formats RateLimit with r and t, rounding t up to whole seconds', () => {
    expect(formatRateLimit(result('default', 100, 60_000, 37, 21_000))).toBe('"default";r=37;t=21');
    expect(formatRateLimit(result('default', 100, 60_000, 37, 20_001))).toBe('"default";r=37;t=21');
    expect(formatRateLimit(result('default', 100, 60_000, 100, 0))).toBe('"default";r=100;t=0');
  });

  it('escapes a policy name as a Structured Field String', () => {
    expect(formatRateLimit(result('a"b\\c', 1, 1000, 0, 0))).toBe('"a\\"b\\\\c";r=0;t=0');
  });

  it('reports the policy with the fewest requests left', () => {
    const items = [result('ip', 100, 60_000, 50, 30_000), result('login', 5, 60_000, 2, 36_000)];
    expect(tightestItem(items)?.policyName).toBe('login');
    const tie = [result('a', 10, 60_000, 0, 5000), result('b', 10, 3_600_000, 0, 9000)];
    expect(tightestItem(tie)?.policyName).toBe('b');
  });

  it('after a refusal reports the refusing policy with the longest wait, with Retry-After rounded up', () => {
    const headers = rateLimitHeaders({
      allowed: false,
      retryAfterMs: 12_001,
      items: [
        result('ip', 100, 60_000, 0, 600, true),
        result('login', 5, 60_000, 0, 12_001, false),
        result('burst', 2, 1000, 0, 400, false),
      ],
    });
    expect(headers).toEqual({
      'ratelimit-policy': '"ip";q=100;w=60, "login";q=5;w=60, "burst";q=2;w=1',
      ratelimit: '"login";r=0;t=13',
      'retry-after': '13',
    });
  });

  it('sends no Retry-After when the request can never fit, and nothing for an empty check', () => {
    const headers = rateLimitHeaders({
      allowed: false,
      retryAfterMs: Infinity,
      items: [result('p', 1, 60_000, 1, 0, false)],
    });
    expect(headers['retry-after']).toBeUndefined();
    expect(rateLimitHeaders({ allowed: true, retryAfterMs: 0, items: [] })).toEqual({});
  });
});
