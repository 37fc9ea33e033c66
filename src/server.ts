// Starts Gatehouse: opens the database and Redis, migrates, builds the app, listens, and stops
// gracefully (stop accepting, finish requests in flight within a bound, close the stores).
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { openDatabase } from './data/database.ts';
import { migrateToLatest } from './data/migrate.ts';
import { buildApp, type GatehouseApp } from './app.ts';

export interface RunningServer {
  readonly app: GatehouseApp;
  readonly url: string;
  /** Graceful stop: in-flight requests finish (bounded by shutdownTimeoutMs), then stores close. */
  stop(): Promise<void>;
}

export function connectRedis(url: string, timeoutMs: number): Redis {
  // Fail fast instead of queueing: a dead Redis must never hang a request.
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(timeoutMs * 20, 1000),
  });
  redis.on('error', () => {
    // Surfaced by /readyz and by the stores that use it; ioredis reconnects by itself.
  });
  return redis;
}

/** Listens and returns a stop function that drains in-flight requests before `onClosed` runs. */
export async function listenGracefully(
  app: GatehouseApp,
  config: Pick<Config, 'host' | 'port' | 'shutdownTimeoutMs'>,
  onClosed: () => Promise<void>,
): Promise<RunningServer> {
  const url = await app.listen({ host: config.host, port: config.port });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const deadline = setTimeout(() => {
        app.log.warn(
          { event: 'shutdown.forced' },
          'requests still in flight at the shutdown deadline',
        );
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      deadline.unref();
      // close(): stops accepting, lets in-flight requests finish, then runs onClose hooks.
      await app.close();
      clearTimeout(deadline);
      await onClosed();
    })();
    return stopping;
  };
  return { app, url, stop };
}

export async function startServer(config: Config): Promise<RunningServer> {
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, config.redisTimeoutMs) : null;
  const app = await buildApp(config, { database, redis });
  return listenGracefully(app, config, async () => {
    await database.close();
    redis?.disconnect();
  });
}
