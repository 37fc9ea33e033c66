// Checks once whether PostgreSQL and Redis answer. Without them their suites are skipped with one
// line each; under CI=true a missing service fails the run instead.
import net from 'node:net';
import type { TestProject } from 'vitest/node';

export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
    redisUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const [pg, redis] = await Promise.all([reachable(TEST_PG_URL), reachable(TEST_REDIS_URL)]);
  const ci = process.env.CI === 'true';
  for (const [name, ok, url] of [
    ['PostgreSQL', pg, TEST_PG_URL],
    ['Redis', redis, TEST_REDIS_URL],
  ] as const) {
    if (ok) continue;
    if (ci)
      throw new Error(`CI=true but ${name} does not answer at ${url}: its suites are required`);
    console.warn(`[gatehouse] ${name} not reachable at ${url}: skipping its test suites`);
  }
  project.provide('pgUrl', pg ? TEST_PG_URL : null);
  project.provide('redisUrl', redis ? TEST_REDIS_URL : null);
}
