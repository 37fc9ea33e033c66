import { describe, expect, it } from 'vitest';
import {
  FailoverStore,
  type StoreErrorMode,
} from '../../../src/security/rate-limit/failover-store.ts';
import { MemoryStore } from '../../../src/security/rate-limit/memory-store.ts';
import {
  RateLimitConfigError,
  RateLimitStoreError,
  RateLimitUnavailableError,
} from '../../../src/security/rate-limit/errors.ts';
import type {
  CheckItem,
  CheckResult,
  RateLimitStore,
} from '../../../src/security/rate-limit/store.ts';

const item: CheckItem = { key: 'k', policyName: 'p', limit: { limit: 2, windowMs: 60_000 } };

/** A primary that answers from a memory store, or fails while `down` is set. */
class SwitchableStore implements RateLimitStore {
  down = false;
  calls = 0;
  failure: Error = new RateLimitStoreError('down');
  readonly #inner = new MemoryStore();

  check(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    this.calls += 1;
    return this.down ? Promise.reject(this.failure) : this.#inner.check(items, cost);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

function recordingLogger() {
  const lines: { level: string; message: string; details: object }[] = [];
  const at =
    (level: string) =>
    (details: object, message: string): void => {
      lines.push({ level, message, details });
    };
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

function setup(mode: StoreErrorMode) {
  const clock = { now: 0 };
  const primary = new SwitchableStore();
  const { lines, logger } = recordingLogger();
  const store = new FailoverStore({
    primary,
    mode,
    logger,
    coolDownMs: 1000,
    now: () => clock.now,
  });
  return { clock, primary, lines, store };
}

describe('FailoverStore', () => {
  it('uses the primary while it answers', async () => {
    const { primary, store, lines } = setup('local');
    expect((await store.check([item], 1)).allowed).toBe(true);
    expect(primary.calls).toBe(1);
    expect(store.state).toBe('primary');
    expect(lines).toEqual([]);
  });

  it('local: falls back to an in-process limiter, logs once, probes after the cool-down', async () => {
    const { clock, primary, store, lines } = setup('local');
    primary.down = true;
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await store.check([item], 1));
    // A store error is never "over the limit": the local limiter decides, with its own quota.
    expect(results.map((result) => result.allowed)).toEqual([true, true, false, false, false]);
    expect(primary.calls).toBe(1);
    expect(store.state).toBe('fallback');
    expect(lines.map((line) => line.level)).toEqual(['warn']);
    expect(lines[0]?.details).toMatchObject({ mode: 'local' });
    expect((lines[0]?.details as { err?: unknown }).err).toBeInstanceOf(RateLimitStoreError);

    clock.now += 1000;
    await store.check([item], 1);
    expect(primary.calls).toBe(2);
    expect(lines).toHaveLength(1);

    primary.down = false;
    await store.check([item], 1);
    expect(primary.calls).toBe(2);
    clock.now += 1000;
    expect((await store.check([item], 1)).allowed).toBe(true);
    expect(primary.calls).toBe(3);
    expect(store.state).toBe('primary');
    expect(lines.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(lines[1]?.details).toMatchObject({ downMs: 2000 });
    expect(store.counters.snapshot()).toEqual({
      allowed: 3,
      limited: 5,
      storeErrors: 2,
      fallbacks: 7,
      unavailable: 0,
    });
  });

  it('open: allows every request while the primary is down', async () => {
    const { primary, store, lines } = setup('open');
    primary.down = true;
    for (let i = 0; i < 5; i += 1) {
      const result = await store.check([item], 1);
      expect(result.allowed).toBe(true);
      expect(result.items[0]).toMatchObject({ remaining: 2, allowed: true });
    }
    expect(lines.map((line) => line.level)).toEqual(['warn']);
    expect(store.counters.snapshot()).toMatchObject({ allowed: 5, fallbacks: 5, storeErrors: 1 });
  });

  it('closed: refuses with RateLimitUnavailableError (503), never a limit result', async () => {
    const { primary, store, lines } = setup('closed');
    primary.down = true;
    for (let i = 0; i < 3; i += 1) {
      const error: unknown = await store.check([item], 1).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RateLimitUnavailableError);
      expect(error).toMatchObject({ statusCode: 503, code: 'RATE_LIMIT_UNAVAILABLE' });
    }
    expect(lines.map((line) => line.level)).toEqual(['error']);
    expect(store.counters.snapshot()).toMatchObject({ unavailable: 3, limited: 0, storeErrors: 1 });
  });

  it('sends a single probe at a time while the circuit is open', async () => {
    const { clock, primary, store } = setup('local');
    primary.down = true;
    await store.check([item], 1);
    clock.now += 1000;
    await Promise.all(Array.from({ length: 10 }, () => store.check([item], 1)));
    expect(primary.calls).toBe(2);
  });

  it('rethrows errors that are not store failures (bugs must not be hidden)', async () => {
    const { primary, store } = setup('local');
    primary.down = true;
    primary.failure = new TypeError('bug');
    await expect(store.check([item], 1)).rejects.toThrow(TypeError);
    expect(store.state).toBe('primary');
  });

  it('validates its options at set-up', () => {
    const { logger } = recordingLogger();
    const primary = new SwitchableStore();
    expect(
      () => new FailoverStore({ primary, logger, mode: 'sideways' as StoreErrorMode }),
    ).toThrow(RateLimitConfigError);
    expect(() => new FailoverStore({ primary, logger, coolDownMs: -1 })).toThrow(
      RateLimitConfigError,
    );
  });
});
