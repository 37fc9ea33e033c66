// Graceful shutdown: a request in flight when the stop begins still gets its answer, new
// connections are refused, and the stores close afterwards.
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { listenGracefully } from '../../src/server.ts';
import { LogCapture, TEST_SECRET } from '../helpers/app.ts';
import { openTestDatabase } from '../helpers/databases.ts';

describe('graceful stop', () => {
  it('answers the request in flight, refuses new ones, then closes the database', async () => {
    const config = loadConfig({ NODE_ENV: 'test', GATEHOUSE_SECRET_KEY: TEST_SECRET, PORT: '0' });
    const database = await openTestDatabase({ name: 'sqlite', url: 'sqlite::memory:' });
    const secret = config.secretKey;
    if (!secret) throw new Error('test secret missing');
    const app = await buildApp(config, {
      database,
      redis: null,
      secret,
      logStream: new LogCapture(),
    });
    let release!: () => void;
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    app.get(
      '/test/slow',
      {
        config: { security: { auth: 'public', permission: null, rateLimit: 'exempt' } },
        schema: {
          querystring: Type.Object({}, { additionalProperties: false }),
          response: { 200: Type.Object({ done: Type.Boolean() }, { additionalProperties: false }) },
        },
      },
      async () => {
        arrived();
        await new Promise<void>((resolve) => (release = resolve));
        return { done: true };
      },
    );
    let databaseClosed = false;
    const server = await listenGracefully(app, config, async () => {
      await database.close();
      databaseClosed = true;
    });

    const slow = fetch(`${server.url}/test/slow`);
    await inFlight;
    const stopped = server.stop();
    // New connections are refused while the old request is still running.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(databaseClosed).toBe(false);
    release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await stopped;
    expect(databaseClosed).toBe(true);
  });
});
