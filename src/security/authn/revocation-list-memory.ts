// In-process RevocationList: a Map from id to expiry, swept as revocations arrive (no timer per
// entry), so memory is bounded by the revocations of one access token lifetime.
import { InvalidOptionError } from './errors.ts';
import { systemClock } from './internal/clock.ts';
import type { Clock } from './internal/clock.ts';
import { functionOption, integerOption } from './internal/options.ts';
import { isValidRevocationId } from './revocation-list.ts';
import type { RevocationList } from './revocation-list.ts';

export interface MemoryRevocationListOptions {
  readonly clock?: Clock;
  /** Expired entries are swept at most this often, on revoke; default 60 s. */
  readonly sweepIntervalMs?: number;
  /** Longest revocation accepted from now on; later untilMs are clamped. Default 31 days. */
  readonly maxRevocationMs?: number;
}

/** The in-process list plus what the Redis list needs to feed it. */
export interface MemoryRevocationList extends RevocationList {
  /** Entries currently held (expired ones may linger until the next sweep). */
  readonly size: number;
  /** Records a revocation locally only (used for revocations heard from other instances). */
  add(id: string, untilMs: number): void;
}

/**
 * @example
 * const revoked = createMemoryRevocationList();
 * await revoked.revoke(session.id, lastAccessTokenExpMs + 5000);
 * if (revoked.isRevoked(claims.sid)) reply 401
 */
export function createMemoryRevocationList(
  options: MemoryRevocationListOptions = {},
): MemoryRevocationList {
  const clock = functionOption('clock', options.clock, systemClock);
  const sweepIntervalMs = integerOption(
    'sweepIntervalMs',
    options.sweepIntervalMs,
    60_000,
    0,
    3_600_000,
  );
  const maxRevocationMs = integerOption(
    'maxRevocationMs',
    options.maxRevocationMs,
    31 * 86_400_000,
    1000,
    366 * 86_400_000,
  );
  const entries = new Map<string, number>();
  let lastSweep = clock();

  const sweep = (now: number): void => {
    lastSweep = now;
    for (const [id, until] of entries) if (until <= now) entries.delete(id);
  };

  const add = (id: string, untilMs: number): void => {
    if (!isValidRevocationId(id))
      throw new InvalidOptionError('revocation id must be 1 to 256 printable ASCII characters');
    if (typeof untilMs !== 'number' || Number.isNaN(untilMs)) {
      throw new InvalidOptionError('untilMs must be a number (epoch milliseconds)');
    }
    const now = clock();
    if (now - lastSweep >= sweepIntervalMs) sweep(now);
    if (untilMs <= now) return;
    const until = Math.min(untilMs, now + maxRevocationMs);
    const current = entries.get(id);
    if (current === undefined || current < until) entries.set(id, until);
  };

  return {
    get size() {
      return entries.size;
    },
    add,
    isRevoked(id) {
      const until = entries.get(id);
      if (until === undefined) return false;
      if (until > clock()) return true;
      entries.delete(id);
      return false;
    },
    revoke(id, untilMs) {
      try {
        add(id, untilMs);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
