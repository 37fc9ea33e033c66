// A rate-limit store shared by every instance through Redis: one EVALSHA per check (EVAL when the
// script cache was flushed), bounded by a hard timeout, every failure a RateLimitStoreError.
import { Redis, type RedisOptions } from 'ioredis';
import { assertCost, checkGcra, gcraParams } from './gcra.ts';
import { toCheckResult } from './check-result.ts';
import { RateLimitConfigError, RateLimitStoreError } from './errors.ts';
import { RATE_LIMIT_LUA, RATE_LIMIT_LUA_SHA1 } from './redis-script.ts';
import { withTimeout } from './timeout.ts';
import type { CheckItem, CheckResult, RateLimitStore } from './store.ts';

export const DEFAULT_REDIS_TIMEOUT_MS = 50;
export const DEFAULT_KEY_PREFIX = 'gh:rl:';

/**
 * The client options a rate-limit Redis connection needs so that a dead Redis fails fast instead
 * of queueing: no offline queue (a command while disconnected fails at once), no retry of
 * commands lost with a connection (a late charge is worse than none), reconnection in the
 * background at most every second.
 */
export const RATE_LIMIT_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 1000,
  retryStrategy: (attempt: number): number => Math.min(attempt * 50, 1000),
} as const satisfies RedisOptions;

export interface RedisStoreOptions {
  /** An existing client created with RATE_LIMIT_REDIS_OPTIONS; the caller keeps owning it. */
  readonly client?: Redis;
  /** Or a URL: the store opens (and closes) its own client. */
  readonly url?: string;
  /** Hard bound on one check, in milliseconds (REDIS_TIMEOUT_MS); default 50. */
  readonly timeoutMs?: number;
  /** Prepended to every key; must not contain `{`. Default `gh:rl:`. */
  readonly keyPrefix?: string;
}

const TAT = /^\d{1,16}$/;
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

function openClient(options: RedisStoreOptions): { client: Redis; owned: boolean } {
  if (options.client !== undefined) {
    const { enableOfflineQueue, autoResendUnfulfilledCommands } = options.client.options;
    if (enableOfflineQueue !== false || autoResendUnfulfilledCommands !== false) {
      throw new RateLimitConfigError(
        'The rate-limit Redis client must be created with RATE_LIMIT_REDIS_OPTIONS (enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 0)',
      );
    }
    return { client: options.client, owned: false };
  }
  if (options.url === undefined)
    throw new RateLimitConfigError('RedisStore needs a client or a url');
  const client = new Redis(options.url, RATE_LIMIT_REDIS_OPTIONS);
  // Connection errors surface as failed checks; without a listener ioredis would print each one.
  client.on('error', () => undefined);
  return { client, owned: true };
}

/** Parses the script's reply; anything unexpected is a store failure, never a verdict. */
function parseReply(
  reply: unknown,
  count: number,
): { charged: boolean; nowUs: number; tatsUs: (number | undefined)[] } {
  if (!Array.isArray(reply) || reply.length !== count + 3) {
    throw new RateLimitStoreError('Redis returned a malformed rate-limit reply');
  }
  const [charged, seconds, micros, ...tats] = reply as unknown[];
  if (
    (charged !== 0 && charged !== 1) ||
    typeof seconds !== 'string' ||
    typeof micros !== 'string'
  ) {
    throw new RateLimitStoreError('Redis returned a malformed rate-limit reply');
  }
  const nowUs = Number(seconds) * 1_000_000 + Number(micros);
  if (!Number.isSafeInteger(nowUs))
    throw new RateLimitStoreError('Redis returned a malformed time');
  return {
    charged: charged === 1,
    nowUs,
    tatsUs: tats.map((tat) => (typeof tat === 'string' && TAT.test(tat) ? Number(tat) : undefined)),
  };
}

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

export class RedisStore implements RateLimitStore {
  readonly timeoutMs: number;
  readonly keyPrefix: string;
  readonly #client: Redis;
  readonly #owned: boolean;
  #connecting: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
      throw new RateLimitConfigError(
        `timeoutMs must be a positive integer, got ${String(timeoutMs)}`,
      );
    }
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    // A brace in the prefix would become the hash tag and put every counter in one slot.
    if (keyPrefix.includes('{')) throw new RateLimitConfigError('keyPrefix must not contain "{"');
    this.timeoutMs = timeoutMs;
    this.keyPrefix = keyPrefix;
    ({ client: this.#client, owned: this.#owned } = openClient(options));
  }

  async check(items: readonly CheckItem[], cost: number): Promise<CheckResult> {
    assertCost(cost);
    if (items.length === 0) return { allowed: true, retryAfterMs: 0, items: [] };
    const keys = items.map((item) => this.keyPrefix + item.key);
    const args = [
      cost,
      ...items.flatMap(({ limit }) => {
        const { intervalUs, windowUs } = gcraParams(limit);
        return [intervalUs, windowUs];
      }),
    ];
    let reply: unknown;
    try {
      reply = await withTimeout(this.#run(keys, args), this.timeoutMs);
    } catch (error) {
      if (error instanceof RateLimitStoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new RateLimitStoreError(`Redis rate-limit check failed: ${reason}`, { cause: error });
    }
    const { charged, nowUs, tatsUs } = parseReply(reply, items.length);
    const gcra = checkGcra(
      items.map((item, index) => ({ limit: item.limit, tatUs: tatsUs[index] })),
      nowUs,
      cost,
    );
    // Both sides compute the same integers; a disagreement means a foreign value in our keys.
    if (gcra.allowed !== charged)
      throw new RateLimitStoreError('Redis and the limiter disagree on a check');
    return toCheckResult(items, gcra);
  }

  close(): Promise<void> {
    // disconnect() rather than quit(): it cannot hang on a dead server.
    if (this.#owned) this.#client.disconnect();
    return Promise.resolve();
  }

  /**
   * While a connection attempt is in progress (above all the first one), a check waits for it,
   * within its timeout, rather than failing: otherwise every instance would start on its fallback.
   * Between reconnection attempts the client is `reconnecting` and checks fail at once.
   */
  #connection(): Promise<void> | undefined {
    const client = this.#client;
    if (client.status === 'wait') client.connect().catch(() => undefined);
    if (!CONNECTING.has(client.status)) return undefined;
    // One shared waiter, so a burst of requests at start-up adds one pair of listeners, not many.
    this.#connecting ??= new Promise<void>((resolve) => {
      const settle = (): void => {
        client.off('ready', settle);
        client.off('close', settle);
        this.#connecting = undefined;
        resolve();
      };
      client.on('ready', settle);
      client.on('close', settle);
    });
    return this.#connecting;
  }

  async #run(keys: readonly string[], args: readonly number[]): Promise<unknown> {
    await this.#connection();
    try {
      return await this.#client.evalsha(RATE_LIMIT_LUA_SHA1, keys.length, ...keys, ...args);
    } catch (error) {
      // The script cache is empty after a restart or SCRIPT FLUSH: EVAL runs and caches it again.
      if (!isNoScript(error)) throw error;
      return await this.#client.eval(RATE_LIMIT_LUA, keys.length, ...keys, ...args);
    }
  }
}
