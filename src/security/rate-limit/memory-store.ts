// An in-process rate-limit store: one Map of TATs in least-recently-used order, bounded by maxKeys,
// cleaned by an incremental sweep on each check (no timer per key, no interval timer at all).
import { checkGcra } from './gcra.ts';
import { toCheckResult } from './check-result.ts';
import { RateLimitConfigError } from './errors.ts';
import type { CheckItem, CheckResult, RateLimitStore } from './store.ts';

/**
 * Measured at about 220 bytes per key of ~40 characters (key string, Map slot, heap number):
 * 100,000 keys take about 20 MB. Evicting a live key hands that client a fresh quota, so the bound
 * sits well above the number of clients one instance sees within the longest window, and a flood
 * of new keys only evicts the least recently used ones, never a client that keeps knocking.
 */
export const DEFAULT_MAX_KEYS = 100_000;

/** Entries inspected by the sweep per check: enough to outpace insertion, cheap enough to ignore. */
const SWEEP_STEP = 4;

export interface MemoryStoreOptions {
  /** Upper bound on stored keys; default DEFAULT_MAX_KEYS. */
  readonly maxKeys?: number;
  /** Milliseconds since the epoch; injectable for tests. Default Date.now. */
  readonly now?: () => number;
}

export class MemoryStore implements RateLimitStore {
  readonly maxKeys: number;
  readonly #now: () => number;
  readonly #tats = new Map<string, number>();
  // A Map iterator stays valid while the Map changes, so both cursors resume where they stopped.
  // Restarting from the front each time would re-walk the holes that deletions leave there.
  #sweepCursor: Iterator<[string, number]> = this.#tats.entries();
  // Every entry before this cursor has been evicted or moved to the back, so it is at the oldest.
  #evictCursor: Iterator<[string, number]> = this.#tats.entries();
  #evictions = 0;

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new RateLimitConfigError(`maxKeys must be a positive integer, got ${String(maxKeys)}`);
    }
    this.maxKeys = maxKeys;
    this.#now = options.now ?? Date.now;
  }

  /** Keys currently stored (expired ones may linger until the sweep or a check reaches them). */
  get size(): number {
    return this.#tats.size;
  }

  /** Live keys dropped because the store was full. Non-zero means maxKeys may be too small. */
  get evictions(): number {
    return this.#evictions;
  }

  check(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    // The executor runs synchronously (the check stays atomic) and turns a throw into a rejection.
    return new Promise((resolve) => {
      resolve(this.#check(items, cost));
    });
  }

  #check(items: readonly CheckItem[], cost: number): CheckResult {
    const nowUs = Math.floor(this.#now() * 1000);
    this.#sweep(nowUs);
    const gcra = checkGcra(
      items.map((item) => ({ limit: item.limit, tatUs: this.#touch(item.key, nowUs) })),
      nowUs,
      cost,
    );
    gcra.newTatsUs.forEach((tatUs, index) => {
      const item = items[index];
      if (item !== undefined) this.#tats.set(item.key, tatUs);
    });
    this.#evictOverflow(nowUs);
    return toCheckResult(items, gcra);
  }

  close(): Promise<void> {
    this.#tats.clear();
    return Promise.resolve();
  }

  /** Reads a key's TAT and marks it most recently used; an expired TAT counts as missing. */
  #touch(key: string, nowUs: number): number | undefined {
    const tatUs = this.#tats.get(key);
    if (tatUs === undefined) return undefined;
    this.#tats.delete(key);
    if (tatUs <= nowUs) return undefined;
    this.#tats.set(key, tatUs);
    return tatUs;
  }

  #sweep(nowUs: number): void {
    for (let step = 0; step < SWEEP_STEP; step += 1) {
      const next = this.#sweepCursor.next();
      if (next.done === true) {
        this.#sweepCursor = this.#tats.entries();
        continue;
      }
      const [key, tatUs] = next.value;
      if (tatUs <= nowUs) this.#tats.delete(key);
    }
  }

  /** Drops the least recently used keys; those already expired cost nobody anything. */
  #evictOverflow(nowUs: number): void {
    while (this.#tats.size > this.maxKeys) {
      let oldest = this.#evictCursor.next();
      if (oldest.done === true) {
        this.#evictCursor = this.#tats.entries();
        oldest = this.#evictCursor.next();
      }
      if (oldest.done === true) return;
      const [key, tatUs] = oldest.value;
      this.#tats.delete(key);
      if (tatUs > nowUs) this.#evictions += 1;
    }
  }
}
