// Turns a pure GCRA evaluation into the CheckResult that every store returns, so the memory and
// Redis stores report exactly the same numbers for the same state.
import type { GcraCheck } from './gcra.ts';
import type { CheckItem, CheckResult } from './store.ts';

export function toCheckResult(items: readonly CheckItem[], gcra: GcraCheck): CheckResult {
  return {
    allowed: gcra.allowed,
    retryAfterMs: gcra.retryAfterMs,
    items: items.map((item, index) => {
      const outcome = gcra.outcomes[index];
      if (outcome === undefined) throw new RangeError('GCRA returned fewer outcomes than items');
      return {
        policyName: item.policyName,
        limit: item.limit,
        allowed: outcome.allowed,
        remaining: outcome.remaining,
        resetMs: outcome.resetMs,
      };
    }),
  };
}
