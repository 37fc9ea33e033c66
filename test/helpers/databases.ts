// The dialects every data test runs against: SQLite always, PostgreSQL when it answers (each
// handle in its own fresh schema, so runs never collide).
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/data/database.ts';
import { migrateToLatest } from '../../src/data/migrate.ts';

export interface DialectCase {
  readonly name: 'sqlite' | 'postgres';
  /** null when the dialect is unavailable here (the suite is skipped). */
  readonly url: string | null;
}

export const DIALECTS: readonly DialectCase[] = [
  { name: 'sqlite', url: 'sqlite::memory:' },
  { name: 'postgres', url: inject('pgUrl') },
];

async function createSchema(url: string): Promise<string> {
  const schema = `gh_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  return schema;
}

/** Opens a fresh, empty database of the dialect; `close()` also drops a PostgreSQL schema. */
export async function openTestDatabase(
  dialect: DialectCase,
  migrate = true,
): Promise<DatabaseHandle> {
  const url = dialect.url;
  if (url === null) throw new Error(`${dialect.name} is not available`);
  if (dialect.name === 'sqlite') {
    const handle = openDatabase(url);
    if (migrate) await migrateToLatest(handle);
    return handle;
  }
  const schema = await createSchema(url);
  const handle = openDatabase(url, { schema, poolSize: 4 });
  if (migrate) await migrateToLatest(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
