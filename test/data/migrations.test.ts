// Migrations on both dialects: they create every table, run again without change, and the
// database enforces what the code relies on (foreign keys, unique emails).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/data/database.ts';
import { migrateToLatest } from '../../src/data/migrate.ts';
import { DIALECTS, openTestDatabase } from '../helpers/databases.ts';

const TABLES = [
  'api_keys',
  'audit_events',
  'login_failures',
  'note_tags',
  'notes',
  'refresh_tokens',
  'sessions',
  'signing_keys',
  'users',
];

const now = new Date().toISOString();
const user = (id: string, email: string) => ({
  id,
  email,
  password_hash: 'x',
  display_name: 'X',
  role: 'user',
  disabled: 0,
  created_at: now,
  updated_at: now,
});

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`migrations on ${dialect.name}`, () => {
    it('create every table, and a second run applies nothing', async () => {
      const database = await openTestDatabase(dialect, false);
      try {
        expect((await migrateToLatest(database)).applied).toEqual(['0001-initial']);
        expect((await migrateToLatest(database)).applied).toEqual([]);
        const tables = (await database.db.introspection.getTables()).map((t) => t.name).sort();
        for (const table of TABLES) expect(tables).toContain(table);
      } finally {
        await database.close();
      }
    });

    it('enforce foreign keys and unique emails', async () => {
      const database = await openTestDatabase(dialect);
      try {
        await database.db.insertInto('users').values(user('u1', 'a@example.com')).execute();
        await expect(
          database.db.insertInto('users').values(user('u2', 'a@example.com')).execute(),
        ).rejects.toThrow();
        await expect(
          database.db
            .insertInto('notes')
            .values({
              id: 'n1',
              owner_id: 'nobody',
              title: 't',
              body: '',
              tags: '[]',
              created_at: now,
              updated_at: now,
            })
            .execute(),
        ).rejects.toThrow();
        await database.db
          .insertInto('notes')
          .values({
            id: 'n2',
            owner_id: 'u1',
            title: 't',
            body: '',
            tags: '[]',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await database.db.deleteFrom('users').where('id', '=', 'u1').execute();
        expect(await database.db.selectFrom('notes').selectAll().execute()).toEqual([]);
      } finally {
        await database.close();
      }
    });
  });
}

describe('SQLite file database', () => {
  it('is created with its folder, in WAL mode, with foreign keys on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-'));
    const database = openDatabase(`sqlite:${join(dir, 'nested', 'gatehouse.db')}`);
    try {
      await migrateToLatest(database);
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
      const keys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
      expect(journal.rows[0]?.journal_mode).toBe('wal');
      expect(keys.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
