// Keeps rate limiting answering when the primary (Redis) store fails: a circuit breaker that,
// per RATE_LIMIT_ON_STORE_ERROR, falls back to a local limiter, allows, or refuses with 503.
import { RateLimitCounters } from './counters.ts';
import { RateLimitConfigError, RateLimitStoreError, RateLimitUnavailableError } from './errors.ts';
import { MemoryStore } from './memory-store.ts';
import type { CheckItem, CheckResult, RateLimitStore } from './store.ts';

/** `local`: an in-process limiter per instance; `open`: allow; `closed`: refuse (503). */
export type StoreErrorMode = 'local' | 'open' | 'closed';
export const STORE_ERROR_MODES: readonly StoreErrorMode[] = ['local', 'open', 'closed'];

/** The subset of a pino (or Fastify) logger used here. */
export interface RateLimitLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const DEFAULT_COOL_DOWN_MS = 5000;

export interface FailoverStoreOptions {
  readonly primary: RateLimitStore;
  readonly logger: RateLimitLogger;
  /** Default `local`. */
  readonly mode?: StoreErrorMode;
  /** The limiter used in `local` mode; default a MemoryStore with its default bound. */
  readonly local?: RateLimitStore;
  /** How long to stay off the primary after a failure before one request probes it. Default 5 s. */
  readonly coolDownMs?: number;
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number;
}

const FALLBACK_MESSAGE: Record<StoreErrorMode, string> = {
  local: 'Rate-limit store failed: limiting with the in-process store until it recovers',
  open: 'Rate-limit store failed: allowing requests unlimited until it recovers',
  closed: 'Rate-limit store failed: refusing rate-limited requests (503) until it recovers',
};

export class FailoverStore implements RateLimitStore {
  readonly mode: StoreErrorMode;
  readonly counters = new RateLimitCounters();
  readonly #primary: RateLimitStore;
  readonly #local: RateLimitStore;
  readonly #logger: RateLimitLogger;
  readonly #coolDownMs: number;
  readonly #now: () => number;
  #failedAt: number | undefined;
  #probeAt = 0;
  #probing = false;
  #lastError: RateLimitStoreError | undefined;

  constructor(options: FailoverStoreOptions) {
    const mode = options.mode ?? 'local';
    if (!STORE_ERROR_MODES.includes(mode)) {
      throw new RateLimitConfigError(
        `The store error mode must be local, open or closed, got "${mode}"`,
      );
    }
    const coolDownMs = options.coolDownMs ?? DEFAULT_COOL_DOWN_MS;
    if (!Number.isSafeInteger(coolDownMs) || coolDownMs < 0) {
      throw new RateLimitConfigError(
        `coolDownMs must be a non-negative integer, got ${String(coolDownMs)}`,
      );
    }
    this.mode = mode;
    this.#primary = options.primary;
    this.#local = options.local ?? new MemoryStore();
    this.#logger = options.logger;
    this.#coolDownMs = coolDownMs;
    this.#now = options.now ?? Date.now;
  }

  /** `primary` while the primary store answers, `fallback` while the circuit is open. */
  get state(): 'primary' | 'fallback' {
    return this.#failedAt === undefined ? 'primary' : 'fallback';
  }

  async check(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    const probe = this.#failedAt !== undefined;
    // While the circuit is open only one request at a time, after the cool-down, tries the primary.
    if (!probe || (!this.#probing && this.#now() >= this.#probeAt)) {
      this.#probing ||= probe;
      try {
        const result = await this.#primary.check(items, cost);
        if (probe) this.#recovered();
        return this.#count(result);
      } catch (error) {
        if (!(error instanceof RateLimitStoreError)) throw error;
        this.#failed(error);
      } finally {
        if (probe) this.#probing = false;
      }
    }
    return this.#fallback(items, cost);
  }

  async close(): Promise<void> {
    await Promise.all([this.#primary.close(), this.#local.close()]);
  }

  async #fallback(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    if (this.mode === 'closed') {
      this.counters.increment('unavailable');
      throw new RateLimitUnavailableError({ cause: this.#lastError });
    }
    this.counters.increment('fallbacks');
    if (this.mode === 'local') return this.#count(await this.#local.check(items, cost));
    // Failing open: the remaining quota is unknown, so the policy's full quota is reported.
    return this.#count({
      allowed: true,
      retryAfterMs: 0,
      items: items.map(({ policyName, limit }) => ({
        policyName,
        limit,
        allowed: true,
        remaining: limit.limit,
        resetMs: 0,
      })),
    });
  }

  #count(result: CheckResult): CheckResult {
    this.counters.increment(result.allowed ? 'allowed' : 'limited');
    return result;
  }

  #failed(error: RateLimitStoreError): void {
    this.counters.increment('storeErrors');
    this.#lastError = error;
    const now = this.#now();
    this.#probeAt = now + this.#coolDownMs;
    if (this.#failedAt !== undefined) return;
    // Logged once per outage, not once per request: a dead Redis must not flood the log.
    this.#failedAt = now;
    const details = { err: error, mode: this.mode, coolDownMs: this.#coolDownMs };
    if (this.mode === 'closed') this.#logger.error(details, FALLBACK_MESSAGE.closed);
    else this.#logger.warn(details, FALLBACK_MESSAGE[this.mode]);
  }

  #recovered(): void {
    const downMs = this.#now() - (this.#failedAt ?? this.#now());
    this.#failedAt = undefined;
    this.#lastError = undefined;
    this.#logger.info({ mode: this.mode, downMs }, 'Rate-limit store recovered: using it again');
  }
}
