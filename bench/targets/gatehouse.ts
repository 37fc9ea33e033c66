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
  GATEHOUSE_SECRET_KEY: 'b'.repeat(64),
  DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
  ...process.env,
});
const database = openDatabase(config.databaseUrl);
await migrateToLatest(database);
const app = await buildApp(config, {
  database,
  redis: null,
  logStream: pino.destination('/dev/null'),
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
