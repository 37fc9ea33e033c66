// The gatehouse command line: serve | migrate | user create | keys rotate | keys list.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './data/database.ts';
import { migrateToLatest } from './data/migrate.ts';
import { startServer } from './server.ts';
import { listKeysCommand, rotateKeysCommand } from './cli/keys.ts';
import { openOperatorContext, type OperatorContext } from './cli/operator.ts';
import { createUserCommand, UsageError } from './cli/user-create.ts';

const USAGE = `usage: gatehouse <command>

commands:
  serve                                    run migrations, then serve the API (npm start)
  migrate                                  apply database migrations and exit
  user create --email E [--role R] [--display-name N]
                                           create a user; the password is the first line of stdin
  keys list                                show the signing keys and their states
  keys rotate                              add a signing key (published now, signs after 1 hour)
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

async function withOperator(run: (context: OperatorContext) => Promise<string>): Promise<void> {
  const context = await openOperatorContext(loadConfig());
  try {
    process.stdout.write(`${await run(context)}\n`);
  } finally {
    await context.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
    },
  });
  const command = positionals.join(' ');
  switch (command) {
    case 'serve':
      return serve();
    case 'migrate':
      return migrate();
    case 'user create':
      return withOperator((context) =>
        createUserCommand(context, {
          email: values.email,
          role: values.role,
          displayName: values['display-name'],
        }),
      );
    case 'keys list':
      return withOperator(listKeysCommand);
    case 'keys rotate':
      return withOperator(rotateKeysCommand);
    default:
      process.stderr.write(USAGE);
      process.exit(command === '' ? 0 : 2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
  if (error instanceof UsageError) fail(error.message);
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(USAGE);
    fail(error.message);
  }
  fail(error instanceof Error ? error.message : String(error));
});
