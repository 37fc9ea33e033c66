// npm run fuzz: the API fuzzer of test/fuzz with many more cases than `npm test`, against a fresh
// app on in-memory SQLite (plus the echo test route, which probes the HTTP layer with a body).
// Seed: first argument or FUZZ_SEED, else random (printed, so a run can be replayed).
// FUZZ_RUNS: valid requests per operation (default 500); FUZZ_MUTATION_RUNS: per mutation kind
// (default FUZZ_RUNS / 5); FUZZ_DATABASE_URL: a postgres:// URL to fuzz on PostgreSQL instead, in
// a throwaway schema. Any other variable configures the app. Exits 1 on failures.
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/data/database.ts';
import { migrateToLatest } from '../src/data/migrate.ts';
import { formatReport, fuzzApi } from '../test/fuzz/fuzz-api.ts';
import { contractRefusals, FUZZ_ENV, KNOWN_ISSUES } from '../test/fuzz/fuzz-setup.ts';
import { sessionCredentials } from '../test/fuzz/session-credentials.ts';
import { registerEchoRoute } from '../test/helpers/echo-route.ts';

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    process.stderr.write(`${name} must be a positive integer, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

const seedText = process.argv[2] ?? process.env.FUZZ_SEED;
const seed = seedText === undefined ? randomInt(2 ** 31) : Number(seedText);
if (!Number.isSafeInteger(seed)) {
  process.stderr.write(`the seed must be an integer, got "${String(seedText)}"\n`);
  process.exit(2);
}
const runsPerOperation = positiveInt('FUZZ_RUNS', process.env.FUZZ_RUNS, 500);
const runsPerMutation = positiveInt(
  'FUZZ_MUTATION_RUNS',
  process.env.FUZZ_MUTATION_RUNS,
  Math.max(1, Math.ceil(runsPerOperation / 5)),
);

/** In-memory SQLite, or a fresh schema of the PostgreSQL database at `url`, dropped on close. */
async function openFuzzDatabase(url: string | undefined): Promise<DatabaseHandle> {
  if (url === undefined || url === '') return openDatabase('sqlite::memory:');
  const schema = `gh_fuzz_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const handle = openDatabase(url, { schema, poolSize: 4 });
  return {
    ...handle,
    async close() {
      await handle.close();
      await admin(`drop schema ${schema} cascade`);
    },
  };
}

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  GATEHOUSE_SECRET_KEY: randomBytes(32).toString('hex'),
  ACCESS_TOKEN_TTL: '1d',
  ...FUZZ_ENV,
  ...process.env,
  DATABASE_URL: process.env.FUZZ_DATABASE_URL || 'sqlite::memory:',
});
const secret = config.secretKey;
if (secret === null) throw new Error('GATEHOUSE_SECRET_KEY is always set here');
const database = await openFuzzDatabase(process.env.FUZZ_DATABASE_URL);
await migrateToLatest(database);
const app = await buildApp(config, { database, redis: null, secret, prePublicationMs: 0 });
registerEchoRoute(app);
await app.ready();

process.stderr.write(
  `fuzzing with seed ${seed} (replay: npm run fuzz -- ${seed}), ${runsPerOperation} valid + ` +
    `${runsPerMutation} per mutation kind per operation\n`,
);
let exitCode = 1;
try {
  const credentials = await sessionCredentials(app, seed);
  if (credentials === null) {
    process.stderr.write(
      'no /v1/auth/register yet: auth-required operations get the 401 check only\n',
    );
  }
  const report = await fuzzApi(app, {
    seed,
    runsPerOperation,
    runsPerMutation,
    bodyLimit: config.bodyLimit,
    skip: KNOWN_ISSUES,
    acceptForValid: contractRefusals,
    ...(credentials === null ? {} : { credentials }),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  exitCode = report.failures.length === 0 ? 0 : 1;
} finally {
  await app.close();
  await database.close();
}
process.exitCode = exitCode;
