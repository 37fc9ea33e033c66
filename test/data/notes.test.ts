// Notes on both dialects: owner filtering in SQL, literal search, tags, keyset pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/data/database.ts';
import { NoteRepository } from '../../src/data/repositories/notes.ts';
import { UserRepository } from '../../src/data/repositories/users.ts';
import { DIALECTS, openTestDatabase } from '../helpers/databases.ts';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`notes on ${dialect.name}`, () => {
    let database: DatabaseHandle;
    let notes: NoteRepository;
    let alice: string;
    let bob: string;

    beforeEach(async () => {
      database = await openTestDatabase(dialect);
      notes = new NoteRepository(database.db);
      const users = new UserRepository(database.db);
      const make = async (email: string) =>
        (await users.create({ email, passwordHash: 'h', displayName: 'X', role: 'user' }))?.id ??
        '';
      alice = await make('alice@example.com');
      bob = await make('bob@example.com');
    });
    afterEach(() => database.close());

    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

    it('lists only the owner’s notes, newest first, in keyset pages', async () => {
      for (let i = 0; i < 5; i++)
        await notes.create({ ownerId: alice, title: `a${i}`, body: '', tags: [] }, at(i));
      await notes.create({ ownerId: bob, title: 'bob', body: '', tags: [] }, at(10));
      const first = await notes.list({ ownerId: alice, limit: 3 });
      expect(first.items.map((n) => n.title)).toEqual(['a4', 'a3', 'a2']);
      const rest = await notes.list({ ownerId: alice, limit: 3, after: first.next ?? undefined });
      expect(rest.items.map((n) => n.title)).toEqual(['a1', 'a0']);
      expect(rest.next).toBeNull();
    });

    it('matches %, _, \\ and quotes literally, case-insensitively, in title or body', async () => {
      await notes.create({ ownerId: alice, title: '100% Sure', body: '', tags: [] }, at(1));
      await notes.create({ ownerId: alice, title: '100 sure', body: 'file_name', tags: [] }, at(2));
      await notes.create({ ownerId: alice, title: 'path', body: 'C:\\temp', tags: [] }, at(3));
      await notes.create({ ownerId: alice, title: "it's", body: 'x', tags: [] }, at(4));
      await notes.create({ ownerId: bob, title: '100% bob', body: '', tags: [] }, at(5));
      const titles = async (q: string) =>
        (await notes.list({ ownerId: alice, limit: 10, q })).items.map((n) => n.title);
      expect(await titles('0% s')).toEqual(['100% Sure']);
      expect(await titles('%')).toEqual(['100% Sure']);
      expect(await titles('_')).toEqual(['100 sure']);
      expect(await titles('\\')).toEqual(['path']);
      expect(await titles("'")).toEqual(["it's"]);
      expect(await titles('SURE')).toEqual(['100 sure', '100% Sure']);
    });

    it('filters by tag and keeps tags in sync on update; delete cascades', async () => {
      const a = await notes.create(
        { ownerId: alice, title: 'a', body: '', tags: ['work', 'x'] },
        at(1),
      );
      await notes.create({ ownerId: alice, title: 'b', body: '', tags: ['home'] }, at(2));
      expect(
        (await notes.list({ ownerId: alice, limit: 10, tag: 'work' })).items.map((n) => n.title),
      ).toEqual(['a']);
      await notes.update(a.id, { tags: ['home'] });
      expect((await notes.list({ ownerId: alice, limit: 10, tag: 'work' })).items).toEqual([]);
      expect((await notes.list({ ownerId: alice, limit: 10, tag: 'home' })).items).toHaveLength(2);
      expect(await notes.delete(a.id)).toBe(true);
      expect(await notes.findById(a.id)).toBeNull();
      expect(await notes.delete(a.id)).toBe(false);
    });
  });
}
