import { describe, expect, it } from 'vitest';
import { definePolicy, parseRateLimits } from '../../../src/security/rate-limit/policy.ts';
import { RateLimitPolicyError } from '../../../src/security/rate-limit/errors.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

describe('parseRateLimits', () => {
  it.each([
    ['100/minute', [{ limit: 100, windowMs: MINUTE }]],
    [
      '100/minute;1000/hour',
      [
        { limit: 100, windowMs: MINUTE },
        { limit: 1000, windowMs: HOUR },
      ],
    ],
    [
      ' 100 / minute ,  1000/hour ',
      [
        { limit: 100, windowMs: MINUTE },
        { limit: 1000, windowMs: HOUR },
      ],
    ],
    ['5/second', [{ limit: 5, windowMs: 1000 }]],
    ['5/seconds', [{ limit: 5, windowMs: 1000 }]],
    ['10/5 minutes', [{ limit: 10, windowMs: 5 * MINUTE }]],
    ['10/5minutes', [{ limit: 10, windowMs: 5 * MINUTE }]],
    ['10 per 5 minutes', [{ limit: 10, windowMs: 5 * MINUTE }]],
    ['10 per hour', [{ limit: 10, windowMs: HOUR }]],
    ['10 PER 2 Hours', [{ limit: 10, windowMs: 2 * HOUR }]],
    ['3/day', [{ limit: 3, windowMs: 24 * HOUR }]],
    ['3 per 2 days', [{ limit: 3, windowMs: 48 * HOUR }]],
    ['1/year', [{ limit: 1, windowMs: 365 * 24 * HOUR }]],
    ['1/month', [{ limit: 1, windowMs: 30 * 24 * HOUR }]],
    ['100/minute;', [{ limit: 100, windowMs: MINUTE }]],
    ['1000000000/year', [{ limit: 1e9, windowMs: 365 * 24 * HOUR }]],
  ])('parses %j', (text, expected) => {
    expect(parseRateLimits(text)).toEqual(expected);
  });

  it('sorts limits by window and freezes them', () => {
    const limits = parseRateLimits('1000/hour;100/minute');
    expect(limits.map((limit) => limit.windowMs)).toEqual([MINUTE, HOUR]);
    expect(Object.isFrozen(limits)).toBe(true);
    expect(Object.isFrozen(limits[0])).toBe(true);
  });

  it.each([
    ['', 'contains no rate limit'],
    [' ; ', 'contains no rate limit'],
    ['100', 'is not a rate limit'],
    ['minute', 'is not a rate limit'],
    ['100/fortnight', 'is not a rate limit'],
    ['100 minute', 'is not a rate limit'],
    ['-1/minute', 'is not a rate limit'],
    ['1.5/minute', 'is not a rate limit'],
    ['1e3/minute', 'is not a rate limit'],
    ['100/minute/hour', 'is not a rate limit'],
    ['0/minute', 'from 1 to 1000000000'],
    ['1000000001/year', 'from 1 to 1000000000'],
    ['10/0 minutes', 'from 1 second to 365 days'],
    ['1/2 years', 'from 1 second to 365 days'],
    ['20000/second', 'more than 10000 per second'],
    ['10/minute;20/minute', 'two limits over the same period'],
    ['10/minute;20/60 seconds', 'two limits over the same period'],
  ])('refuses %j with a clear message', (text, message) => {
    expect(() => parseRateLimits(text)).toThrow(RateLimitPolicyError);
    expect(() => parseRateLimits(text)).toThrow(message);
  });

  it('quotes the offending item so the caller can prefix the variable name', () => {
    expect(() => parseRateLimits('100/minute;abc')).toThrow(
      /^"abc" is not a rate limit: expected forms like/,
    );
  });
});

describe('definePolicy', () => {
  it('accepts a string or limits', () => {
    expect(definePolicy('login-ip', '20/minute')).toEqual({
      name: 'login-ip',
      limits: [{ limit: 20, windowMs: MINUTE }],
    });
    expect(definePolicy('user_1', [{ limit: 5, windowMs: 1000 }]).limits).toHaveLength(1);
  });

  it.each(['', 'Default', 'a b', 'a;b', '"x"', 'x'.repeat(65), 'é'])(
    'refuses the name %j',
    (name) => {
      expect(() => definePolicy(name, '1/minute')).toThrow(RateLimitPolicyError);
    },
  );

  it('validates limits given as objects', () => {
    expect(() => definePolicy('x', [])).toThrow('contains no rate limit');
    expect(() => definePolicy('x', [{ limit: 1, windowMs: 1500 }])).toThrow(
      'whole number of seconds',
    );
    expect(() => definePolicy('x', [{ limit: 0.5, windowMs: 1000 }])).toThrow('from 1 to');
  });
});
