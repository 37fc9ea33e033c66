// Gatehouse as `npm start` runs it (configuration from the environment), on a throwaway SQLite
// database, logging to /dev/null so the terminal is not the bottleneck. With BENCH_SEED=1 it
// also creates users and prints an access token for them. BENCH_EXEMPT_USER=1 puts the seeded
// user on the rate-limit allow-list (limiting off for that user); BENCH_NO_VALIDATION=1 accepts
// every input (to measure what validation costs).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/data/database.ts';
import { migrateToLatest } from '../../src/data/migrate.ts';
import { UserRepository } from '../../src/data/repositories/users.ts';
import { createPasswordHasher } from '../../src/security/authn/index.ts';
import { RATE_LIMIT_REDIS_OPTIONS } from '../../src/security/rate-limit/index.ts';
import { openSession } from '../../src/service/auth/sessions.ts';
import { BENCH_PASSWORD, BENCH_USERS, benchEmail } from '../lib/seed.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const env: Record<string, string | undefined> = {
  GATEHOUSE_SECRET_KEY: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
  DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
  ...process.env,
};
const loaded = loadConfig(env);
const database = openDatabase(loaded.databaseUrl);
await migrateToLatest(database);

const seed = env.BENCH_SEED === '1';
const users = new UserRepository(database.db);
const seeded = [];
if (seed) {
  const hash = await createPasswordHasher().hashPassword(BENCH_PASSWORD);
  for (let i = 0; i < BENCH_USERS; i++) {
    const user = await users.create({
      email: benchEmail(i),
      passwordHash: hash,
      displayName: `Bench ${i}`,
      role: 'user',
    });
    if (user) seeded.push(user);
  }
}
const exempt = env.BENCH_EXEMPT_USER === '1' && seeded[0] ? [`user:${seeded[0].id}`] : [];
const config = { ...loaded, rateLimits: { ...loaded.rateLimits, exemptKeys: exempt } };
const secret = config.secretKey;
if (!secret) throw new Error('bench secret missing');
let redis: Redis | null = null;
if (config.redisUrl) {
  redis = new Redis(config.redisUrl, { ...RATE_LIMIT_REDIS_OPTIONS, lazyConnect: true });
  await redis.connect();
}
const app = await buildApp(config, {
  database,
  redis,
  secret,
  logStream: pino.destination('/dev/null'),
  disableValidationForBenchmark: env.BENCH_NO_VALIDATION === '1',
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
if (seeded[0]) {
  const fakeRequest = {
    headers: { 'user-agent': 'bench' },
    clientAddress: { ip: '127.0.0.1', key: '4:127.0.0.1' },
  };
  const tokens = await openSession(app.services, fakeRequest as never, seeded[0]);
  process.stdout.write(`TOKEN ${tokens.access_token}\n`);
}
process.stdout.write(`RUN ${randomUUID()}\nLISTENING ${url}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => {
    redis?.disconnect();
    process.exit(0);
  });
});
