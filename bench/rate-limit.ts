// Rate limiting: an authenticated route (GET /v1/users/me) with the memory store and with the
// Redis store, each against the same route with limiting off for the caller (the operator
// allow-list, so the store is never asked); and the limiter's own check() throughput.
import { Redis } from 'ioredis';
import {
  createRateLimiter,
  definePolicy,
  MemoryStore,
  RATE_LIMIT_REDIS_OPTIONS,
  RedisStore,
  type RateLimiter,
} from '../src/security/rate-limit/index.ts';
import { load, median, type LoadResult } from './lib/load.ts';
import { startTarget } from './lib/target.ts';

const ROUNDS = 3;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function measure(env: Record<string, string>): Promise<LoadResult> {
  const server = await startTarget('gatehouse', {
    BENCH_SEED: '1',
    ACCESS_LOG: 'false',
    RATE_LIMIT_USER: '500000/minute',
    ...env,
  });
  try {
    const options = {
      url: `${server.url}/v1/users/me`,
      headers: { authorization: `Bearer ${server.token ?? ''}` },
    };
    await load({ ...options, seconds: 1 });
    return await load({ ...options, seconds: 4 });
  } finally {
    await server.stop();
  }
}

async function checkThroughput(
  limiter: RateLimiter,
  seconds: number,
  concurrency: number,
): Promise<number> {
  const policy = definePolicy('bench', '500000/minute');
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < deadline) {
      const key = `client-${w}-${done % 1000}`;
      await limiter.check([{ policy, key }], 1, key);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return done / seconds;
}

export async function benchRateLimit(): Promise<string> {
  const variants = {
    memoryOn: {},
    memoryOff: { BENCH_EXEMPT_USER: '1' },
    redisOn: { REDIS_URL },
    redisOff: { REDIS_URL, BENCH_EXEMPT_USER: '1' },
  } satisfies Record<string, Record<string, string>>;
  const results: Record<keyof typeof variants, LoadResult[]> = {
    memoryOn: [],
    memoryOff: [],
    redisOn: [],
    redisOff: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(variants) as (keyof typeof variants)[]) {
      results[name].push(await measure(variants[name]));
    }
  }
  const rps = (name: keyof typeof variants) => median(results[name].map((r) => r.rps));
  const p99 = (name: keyof typeof variants) => median(results[name].map((r) => r.p99));

  const memory = createRateLimiter({ store: new MemoryStore() });
  const memoryOps = await checkThroughput(memory, 3, 1);
  await memory.close();
  const client = new Redis(REDIS_URL, { ...RATE_LIMIT_REDIS_OPTIONS, lazyConnect: true });
  await client.connect();
  const redis = createRateLimiter({
    store: new RedisStore({ client, timeoutMs: 200, keyPrefix: 'gh:bench:' }),
  });
  const redisOps = await checkThroughput(redis, 3, 64);
  await redis.close();
  client.disconnect();

  const row = (label: string, on: keyof typeof variants, off: keyof typeof variants) =>
    `| ${label} | ${Math.round(rps(off))} / ${p99(off)} | ${Math.round(rps(on))} / ${p99(on)} | ${(rps(on) / rps(off)).toFixed(2)} |`;
  return [
    '## Rate limiting',
    '',
    `GET /v1/users/me with an access token (JWT verification, one SQLite read), autocannon 32 connections, 4 s after a 1 s warm-up, median of ${ROUNDS} interleaved rounds. "Off" puts the caller on the operator allow-list, so the hook runs but no store is asked.`,
    '',
    '| store | off: req/s / p99 ms | on: req/s / p99 ms | ratio on/off |',
    '|---|---|---|---|',
    row('memory', 'memoryOn', 'memoryOff'),
    row('Redis (local, one Lua call per request)', 'redisOn', 'redisOff'),
    '',
    '| limiter check() throughput | operations/s |',
    '|---|---|',
    `| memory store, one caller in a loop | ${Math.round(memoryOps)} |`,
    `| Redis store, 64 concurrent callers | ${Math.round(redisOps)} |`,
    '',
  ].join('\n');
}
