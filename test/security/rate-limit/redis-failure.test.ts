// A private redis-server is stalled, killed and restarted under the failover store: no check waits
// longer than the timeout (+20 ms), each mode does what it promises, and Redis is used again after.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  privateRedisAvailable,
  startRedis,
  stopRedis,
} from '../../helpers/private-redis.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  FailoverStore,
  type StoreErrorMode,
} from '../../../src/security/rate-limit/failover-store.ts';
import {
  RATE_LIMIT_REDIS_OPTIONS,
  RedisStore,
} from '../../../src/security/rate-limit/redis-store.ts';
import { RateLimitUnavailableError } from '../../../src/security/rate-limit/errors.ts';
import type { CheckItem, CheckResult } from '../../../src/security/rate-limit/store.ts';

const TIMEOUT_MS = 50;
const SLACK_MS = 20;
const COOL_DOWN_MS = 200;
const MODES: readonly StoreErrorMode[] = ['local', 'open', 'closed'];

const available = await privateRedisAvailable('the Redis failure suite');

interface Timed {
  readonly elapsedMs: number;
  readonly result?: CheckResult;
  readonly error?: unknown;
}

async function timed(store: FailoverStore, items: readonly CheckItem[]): Promise<Timed> {
  const start = performance.now();
  try {
    const result = await store.check(items, 1);
    return { elapsedMs: performance.now() - start, result };
  } catch (error) {
    return { elapsedMs: performance.now() - start, error };
  }
}

describe.skipIf(!available)(
  'FailoverStore over a redis-server that stalls, dies and returns',
  () => {
    let port = 0;
    let server: ChildProcess | undefined;
    const setups = MODES.map((mode) => {
      const logs: string[] = [];
      const at = (level: string) => (): void => {
        logs.push(level);
      };
      return { mode, logs, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
    });
    let clients: Redis[] = [];
    let stores: (FailoverStore & { readonly mode: StoreErrorMode })[] = [];
    const items = (): CheckItem[] => [
      { key: `{t}:p:${randomUUID()}`, policyName: 'p', limit: { limit: 3, windowMs: 3_600_000 } },
    ];

    beforeAll(async () => {
      port = await freePort();
      server = await startRedis(port);
      // Clients made ready first, so the first check does not race the initial connection.
      const opened = await Promise.all(
        setups.map(async ({ mode, logger }) => {
          const client = new Redis({ port, host: '127.0.0.1', ...RATE_LIMIT_REDIS_OPTIONS });
          client.on('error', () => undefined);
          await once(client, 'ready');
          const primary = new RedisStore({ client, timeoutMs: TIMEOUT_MS });
          const store = new FailoverStore({ primary, mode, logger, coolDownMs: COOL_DOWN_MS });
          return { client, store };
        }),
      );
      clients = opened.map(({ client }) => client);
      stores = opened.map(({ store }) => store);
    });

    afterAll(async () => {
      if (server?.pid !== undefined && server.exitCode === null)
        process.kill(server.pid, 'SIGCONT');
      await Promise.all(stores.map((store) => store.close()));
      for (const client of clients) client.disconnect();
      if (server !== undefined) await stopRedis(server);
    });

    /** Five checks of one fresh key per store, each bounded in time; returns them per mode. */
    async function fiveChecksEach(): Promise<Map<StoreErrorMode, Timed[]>> {
      const outcomes = new Map<StoreErrorMode, Timed[]>();
      for (const store of stores) {
        const counter = items();
        const runs: Timed[] = [];
        for (let i = 0; i < 5; i += 1) runs.push(await timed(store, counter));
        outcomes.set(store.mode, runs);
      }
      for (const runs of outcomes.values()) {
        for (const run of runs) expect(run.elapsedMs).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
      }
      return outcomes;
    }

    function expectModeBehaviour(outcomes: Map<StoreErrorMode, Timed[]>): void {
      // local: the in-process limiter, 3 of its own quota; a store error never reads as a limit hit.
      expect(outcomes.get('local')?.map((run) => run.result?.allowed)).toEqual([
        true,
        true,
        true,
        false,
        false,
      ]);
      expect(outcomes.get('open')?.map((run) => run.result?.allowed)).toEqual([
        true,
        true,
        true,
        true,
        true,
      ]);
      for (const run of outcomes.get('closed') ?? [])
        expect(run.error).toBeInstanceOf(RateLimitUnavailableError);
    }

    async function untilAllOnPrimary(): Promise<void> {
      const deadline = performance.now() + 5000;
      while (stores.some((store) => store.state !== 'primary') && performance.now() < deadline) {
        for (const store of stores) {
          const run = await timed(store, items());
          expect(run.elapsedMs).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS);
        }
        await sleep(50);
      }
      expect(stores.map((store) => store.state)).toEqual(['primary', 'primary', 'primary']);
    }

    it('uses Redis while it answers', async () => {
      const outcomes = await fiveChecksEach();
      for (const mode of MODES) {
        expect(outcomes.get(mode)?.map((run) => run.result?.allowed)).toEqual([
          true,
          true,
          true,
          false,
          false,
        ]);
      }
      expect(stores.map((store) => store.state)).toEqual(['primary', 'primary', 'primary']);
    });

    it('times out on a stalled Redis (SIGSTOP) and applies each mode, logging once', async () => {
      process.kill(server?.pid ?? 0, 'SIGSTOP');
      const outcomes = await fiveChecksEach();
      // The first check of each store waited for the timeout; the rest went straight to the fallback.
      for (const runs of outcomes.values())
        expect(runs[0]?.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expectModeBehaviour(outcomes);
      expect(setups.map(({ logs }) => logs)).toEqual([['warn'], ['warn'], ['error']]);
      expect(stores.map((store) => store.state)).toEqual(['fallback', 'fallback', 'fallback']);
      process.kill(server?.pid ?? 0, 'SIGCONT');
    });

    it('probes after the cool-down and returns to Redis', async () => {
      await sleep(COOL_DOWN_MS);
      await untilAllOnPrimary();
      expect(setups.map(({ logs }) => logs)).toEqual([
        ['warn', 'info'],
        ['warn', 'info'],
        ['error', 'info'],
      ]);
    });

    it('fails fast when Redis dies (SIGKILL)', async () => {
      if (server !== undefined) await stopRedis(server);
      const outcomes = await fiveChecksEach();
      expectModeBehaviour(outcomes);
      for (const store of stores) {
        expect(store.counters.snapshot().storeErrors).toBeGreaterThanOrEqual(2);
      }
    });

    it('returns to Redis when redis-server restarts on the same port', async () => {
      server = await startRedis(port);
      await untilAllOnPrimary();
      for (const { logs } of setups)
        expect(logs.filter((level) => level === 'info')).toHaveLength(2);
      for (const store of stores) {
        const counter = items();
        const results = [];
        for (let i = 0; i < 4; i += 1) results.push((await store.check(counter, 1)).allowed);
        expect(results).toEqual([true, true, true, false]);
      }
    });
  },
);
