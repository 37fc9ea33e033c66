// Counts the outcomes of a store that does not count them itself (the memory store), so metrics
// report allowed and limited checks in every mode. The failover store keeps its own counters.
import { RateLimitCounters } from './counters.ts';
import type { CheckItem, CheckResult, RateLimitStore } from './store.ts';

export class CountingStore implements RateLimitStore {
  readonly counters = new RateLimitCounters();

  constructor(private readonly inner: RateLimitStore) {}

  async check(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    const result = await this.inner.check(items, cost);
    this.counters.increment(result.allowed ? 'allowed' : 'limited');
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
