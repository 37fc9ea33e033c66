// Gatehouse as `npm start` runs it (configuration from the environment), on a throwaway
// SQLite database, logging to /dev/null so the terminal is not the bottleneck.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/data/database.ts';
import { migrateToLatest } from '../../src/data/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const config = loadConfig({
  GATEHOUSE_SECRET_KEY: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
  DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
  ...process.env,
});
const database = openDatabase(config.databaseUrl);
await migrateToLatest(database);
const secret = config.secretKey;
if (!secret) throw new Error('bench secret missing');
const app = await buildApp(config, {
  database,
  redis: null,
  secret,
  logStream: pino.destination('/dev/null'),
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
