// Builds a Gatehouse app for tests: real SQLite (in memory) or PostgreSQL, real HTTP layer via
// inject, and every log line captured as parsed JSON.
import { Writable } from 'node:stream';
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
  readonly dialect?: DialectCase;
  /** Register extra routes before the app is ready. */
  readonly routes?: (app: GatehouseApp) => void;
}

export const TEST_SECRET = 'a'.repeat(64);

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    GATEHOUSE_SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const database = await openTestDatabase(options.dialect ?? (DIALECTS[0] as DialectCase));
  const logs = new LogCapture();
  const app = await buildApp(config, { database, redis: null, logStream: logs });
  options.routes?.(app);
  await app.ready();
  return {
    app,
    config,
    database,
    logs,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
