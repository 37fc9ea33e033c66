// RevocationList shared through Redis: a key with expiry per revoked id plus a pub/sub message;
// each instance keeps its own in-process copy (loaded by SCAN at start and after reconnects).
import type { Redis } from 'ioredis';
import { InvalidOptionError, RevocationStoreError } from './errors.ts';
import type { Clock } from './internal/clock.ts';
import { silentLogger } from './internal/logger.ts';
import type { AuthnLogger } from './internal/logger.ts';
import { integerOption } from './internal/options.ts';
import { isValidRevocationId } from './revocation-list.ts';
import type { RevocationList } from './revocation-list.ts';
import { createMemoryRevocationList } from './revocation-list-memory.ts';

export interface RedisRevocationListOptions {
  /**
   * Command connection, owned by the caller (close() leaves it open). A second connection for
   * the subscription is made with `redis.duplicate()`. It must not use ioredis `keyPrefix`.
   */
  readonly redis: Redis;
  /** Keys are `<namespace>:revoked:<id>`, the channel `<namespace>:revocations`; default `gh`. */
  readonly namespace?: string;
  /** A revoke() that Redis has not confirmed within this time rejects; default 2000 ms. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: AuthnLogger;
}

/** Sets the key unless a later revocation is already stored, and tells every instance. */
const REVOKE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`;

/** As the memory list's default: later untilMs are clamped. */
const MAX_REVOCATION_MS = 31 * 86_400_000;
const NAMESPACE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Resolves once subscribed and loaded, so the list is complete from its first answer.
 *
 * When Redis is unreachable, `isRevoked` keeps answering from memory; revocations made
 * elsewhere during the outage arrive by the SCAN that follows the reconnection.
 *
 * @throws InvalidOptionError for a bad namespace or a client with keyPrefix.
 * @throws RevocationStoreError when Redis cannot be reached at start.
 * @example
 * const revoked = await createRedisRevocationList({ redis: new Redis(config.redisUrl) });
 */
export async function createRedisRevocationList(
  options: RedisRevocationListOptions,
): Promise<RevocationList> {
  const { redis } = options;
  const namespace = options.namespace ?? 'gh';
  if (!NAMESPACE.test(namespace)) {
    throw new InvalidOptionError('namespace must be 1 to 64 of A-Z a-z 0-9 _ . : -');
  }
  if (typeof redis.duplicate !== 'function')
    throw new InvalidOptionError('redis must be an ioredis client');
  if (typeof redis.options.keyPrefix === 'string' && redis.options.keyPrefix !== '') {
    throw new InvalidOptionError('the ioredis client must not use keyPrefix');
  }
  const timeoutMs = integerOption('timeoutMs', options.timeoutMs, 2000, 10, 60_000);
  const logger = options.logger ?? silentLogger;
  const local = createMemoryRevocationList(
    options.clock === undefined ? {} : { clock: options.clock },
  );
  const clock = options.clock ?? Date.now;
  const keyPrefix = `${namespace}:revoked:`;
  const channel = `${namespace}:revocations`;

  const withTimeout = <T>(work: Promise<T>, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new RevocationStoreError(`Redis did not answer ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(new RevocationStoreError(`Redis failed ${what}`, { cause: error }));
        },
      );
    });

  const remember = (id: string, until: number): void => {
    if (isValidRevocationId(id) && Number.isFinite(until)) local.add(id, until);
  };

  const loadExisting = async (): Promise<void> => {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) {
        const values = await redis.mget(...keys);
        keys.forEach((key, index) => {
          remember(key.slice(keyPrefix.length), Number(values[index]));
        });
      }
    } while (cursor !== '0');
  };

  // The command client may refuse to queue (fail-fast options); the subscriber must queue its
  // SUBSCRIBE until connected, bounded by withTimeout below.
  const subscriber = redis.duplicate({ enableOfflineQueue: true });
  subscriber.on('error', () => {
    // ioredis reconnects by itself; the 'ready' handler below reloads what was missed.
  });
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel || message.length > 1024) return;
    try {
      const parsed: unknown = JSON.parse(message);
      if (typeof parsed === 'object' && parsed !== null) {
        const { id, until } = parsed as Record<string, unknown>;
        if (typeof id === 'string' && typeof until === 'number') remember(id, until);
      }
    } catch {
      logger.warn(
        { event: 'revocation_message_malformed' },
        'ignored a malformed revocation message',
      );
    }
  });

  let started = false;
  let closed = false;
  subscriber.on('ready', () => {
    if (!started || closed) return;
    // Messages sent while disconnected were lost: subscribe again (idempotent), then reload.
    subscriber
      .subscribe(channel)
      .then(loadExisting)
      .catch(() => {
        logger.warn(
          { event: 'revocation_reload_failed' },
          'revocations not reloaded after reconnect',
        );
      });
  });

  try {
    await withTimeout(subscriber.subscribe(channel), 'SUBSCRIBE');
    await withTimeout(loadExisting(), 'SCAN');
  } catch (error) {
    subscriber.disconnect();
    throw error;
  }
  started = true;

  return {
    isRevoked: (id) => local.isRevoked(id),

    async revoke(id, untilMs) {
      local.add(id, untilMs);
      const now = clock();
      const until = Math.ceil(Math.min(untilMs, now + MAX_REVOCATION_MS));
      const ttl = until - now;
      if (ttl <= 0) return;
      const message = JSON.stringify({ id, until });
      await withTimeout(
        redis.eval(
          REVOKE_SCRIPT,
          1,
          `${keyPrefix}${id}`,
          String(until),
          String(ttl),
          channel,
          message,
        ),
        'a revocation',
      );
    },

    async close() {
      closed = true;
      await local.close();
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    },
  };
}
