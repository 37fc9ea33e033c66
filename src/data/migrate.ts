// Runs the migrations that are defined in code. Idempotent: a migrated database is left as is.
// Kysely's migrator takes a lock, so instances starting together migrate once.
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from './database.ts';
import { initial } from './migrations/0001-initial.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

export interface MigrationReport {
  readonly applied: readonly string[];
}

export async function migrateToLatest(database: DatabaseHandle): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed');
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
