// Starts Gatehouse: opens the database and Redis, migrates, builds the app, listens, and stops
// gracefully (stop accepting, finish requests in flight within a bound, close the stores).
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { openDatabase } from './data/database.ts';
import { migrateToLatest } from './data/migrate.ts';
import { buildApp, type GatehouseApp } from './app.ts';
import { RATE_LIMIT_REDIS_OPTIONS } from './security/rate-limit/index.ts';
import { resolveServerSecret } from './secret-file.ts';
import { startMetricsServer } from './service/metrics.ts';

export interface RunningServer {
  readonly app: GatehouseApp;
  readonly url: string;
  /** Graceful stop: in-flight requests finish (bounded by shutdownTimeoutMs), then stores close. */
  stop(): Promise<void>;
}

/**
 * Connects to Redis and waits until it is ready. The client fails fast instead of queueing
 * commands (RATE_LIMIT_REDIS_OPTIONS), so a dead Redis never hangs a request.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { ...RATE_LIMIT_REDIS_OPTIONS, lazyConnect: true });
  redis.on('error', () => {
    // Surfaced by /readyz and by the stores that use it; ioredis reconnects by itself.
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `REDIS_URL: Redis does not answer (${error instanceof Error ? error.message : String(error)})`,
    );
  }
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
  const { secret, developmentFile } = resolveServerSecret(config);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : null;
  const app = await buildApp(config, { database, redis, secret });
  if (developmentFile) {
    app.log.warn(
      { event: 'secret.development', file: developmentFile },
      'GATEHOUSE_SECRET_KEY is not set: using a generated development secret; set it in production',
    );
  }
  const metrics =
    config.metricsPort === null
      ? null
      : await startMetricsServer(app.services.metrics, config.host, config.metricsPort);
  if (metrics)
    app.log.info({ event: 'metrics.listening', url: metrics.url }, `metrics on ${metrics.url}`);
  return listenGracefully(app, config, async () => {
    await metrics?.close();
    await database.close();
    redis?.disconnect();
  });
}
