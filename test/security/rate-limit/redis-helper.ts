// Shared by the Redis suites: where Redis is, whether it answers (skip with one line, or fail under
// CI=true), a random key prefix per run, and clean-up of that prefix.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RATE_LIMIT_REDIS_OPTIONS } from '../../../src/security/rate-limit/redis-store.ts';

export const REDIS_URL =
  process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A client for inspecting and cleaning up in tests (queues commands until connected). */
export function adminClient(url = REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    ...RATE_LIMIT_REDIS_OPTIONS,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The Redis URL if Redis answers; null (after one console line) if not; throws under CI=true. */
export async function redisForSuite(suite: string): Promise<string | null> {
  if (await answers(REDIS_URL)) return REDIS_URL;
  const message = `[rate-limit] Redis not reachable at ${REDIS_URL}: skipping ${suite}`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${message}`);
  console.warn(message);
  return null;
}

export const randomPrefix = (): string => `gh:rl:test:${randomUUID()}:`;

export async function deleteByPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
