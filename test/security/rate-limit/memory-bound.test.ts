// A flood of distinct keys (an attacker rotating addresses) must not grow the memory store past
// its bound. The heap is measured after a forced GC; the flag is set at run time so the test does
// not depend on how vitest starts its workers.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/security/rate-limit/memory-store.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (() => void) | undefined;

function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const KEYS = 1_000_000;
const MAX_KEYS = 10_000;
/** 10,000 keys of ~40 characters take ~2.7 MB; 8 MB leaves room for noise. Unbounded: ~220 MB. */
const HEAP_GROWTH_BOUND = 8 * 1024 * 1024;

describe('MemoryStore bound', () => {
  it(`keeps at most maxKeys after ${KEYS.toLocaleString('en')} distinct keys`, async () => {
    const store = new MemoryStore({ maxKeys: MAX_KEYS });
    const limit = { limit: 100, windowMs: 3_600_000 };
    const before = heapAfterGc();
    for (let i = 0; i < KEYS; i += 1) {
      await store.check([{ key: `{4:10.${i}}:ip:4:10.${i}.flood`, policyName: 'ip', limit }], 1);
    }
    expect(store.size).toBeLessThanOrEqual(MAX_KEYS);
    expect(store.evictions).toBe(KEYS - MAX_KEYS);
    if (gc === undefined) {
      // Without a GC handle, heap numbers are noise: the size bound above is the assertion.
      console.warn('[rate-limit] global.gc unavailable: asserting the key count bound only');
      return;
    }
    const growth = heapAfterGc() - before;
    expect(growth).toBeLessThan(HEAP_GROWTH_BOUND);
  }, 60_000);
});
