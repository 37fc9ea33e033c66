// Builds a Gatehouse app for tests: real SQLite (in memory) or PostgreSQL, real HTTP layer via
// inject, and every log line captured as parsed JSON.
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { buildApp, type GatehouseApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DatabaseHandle } from '../../src/data/database.ts';
import { DIALECTS, openTestDatabase, type DialectCase } from './databases.ts';

export type LogLine = Record<string, unknown> & { msg?: string; level: number };

export class LogCapture extends Writable {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as LogLine);
    }
    callback();
  }
}

export interface TestApp {
  readonly app: GatehouseApp;
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  /** A Redis client (RATE_LIMIT_REDIS_OPTIONS) to share limits and revocations through. */
  readonly redis?: Redis;
  /** An existing database, e.g. shared by two app instances; the caller closes it. */
  readonly database?: DatabaseHandle;
  readonly dialect?: DialectCase;
  /** Register extra routes before the app is ready. */
  readonly routes?: (app: GatehouseApp) => void;
}

/** A fixed random test secret (never used outside tests). */
export const TEST_SECRET = '3f1c9a7e52b04d8e9a6c1f0b7d2e4a5c8b9e0f1a2b3c4d5e6f708192a3b4c5d6';

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    GATEHOUSE_SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const ownDatabase = options.database === undefined;
  const database =
    options.database ?? (await openTestDatabase(options.dialect ?? (DIALECTS[0] as DialectCase)));
  const logs = new LogCapture();
  const secret = config.secretKey;
  if (!secret) throw new Error('tests always set GATEHOUSE_SECRET_KEY');
  const app = await buildApp(config, {
    database,
    redis: options.redis ?? null,
    secret,
    logStream: logs,
    prePublicationMs: 0,
  });
  options.routes?.(app);
  await app.ready();
  return {
    app,
    config,
    database,
    logs,
    async close() {
      await app.close();
      if (ownDatabase) await database.close();
    },
  };
}
