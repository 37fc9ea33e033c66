// The gatehouse command line: serve | migrate (user and keys come with authentication).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './data/database.ts';
import { migrateToLatest } from './data/migrate.ts';
import { startServer } from './server.ts';

const USAGE = `usage: gatehouse <command>

commands:
  serve     run migrations, then serve the API (what npm start runs)
  migrate   apply database migrations and exit
`;

function fail(message: string): never {
  process.stderr.write(`gatehouse: ${message}\n`);
  process.exit(1);
}

async function serve(): Promise<void> {
  const server = await startServer(loadConfig());
  server.app.log.info(
    { event: 'listening', url: server.url },
    `Gatehouse listening on ${server.url}`,
  );
  const shutdown = (signal: string): void => {
    server.app.log.info({ event: 'shutdown', signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const database = openDatabase(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(database);
    process.stdout.write(
      applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
    );
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command] = positionals;
  switch (command) {
    case 'serve':
      return serve();
    case 'migrate':
      return migrate();
    default:
      process.stderr.write(USAGE);
      process.exit(command === undefined ? 0 : 2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
  fail(error instanceof Error ? error.message : String(error));
});
