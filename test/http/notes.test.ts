// The notes API through the HTTP layer on both dialects: schemas and display text, mass
// assignment, owner-only lists, and attacks on list filters and cursors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { TestUser } from '../helpers/auth.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { caller, pointers, quickUser, tick, type Headers } from '../helpers/fixtures.ts';

interface NoteBody {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}
interface NoteList {
  items: NoteBody[];
  nextCursor: string | null;
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`notes API on ${dialect.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ dialect });
    });
    afterAll(() => t.close());

    const post = (h: Headers, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/v1/notes', headers: h, payload });
    const patch = (h: Headers, id: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PATCH', url: `/v1/notes/${id}`, headers: h, payload });
    const list = (h: Headers, query: string) =>
      t.app.inject({ method: 'GET', url: `/v1/notes?${query}`, headers: h });
    const create = async (h: Headers, payload: Record<string, unknown>) => {
      const response = await post(h, payload);
      expect(response.statusCode, response.body).toBe(201);
      return response.json<NoteBody>();
    };

    describe('create, read, update, delete', () => {
      it('creates a note owned by the caller, with exactly the documented fields', async () => {
        const { user, h } = await caller(t);
        const response = await post(h, { title: 'First', body: 'Hello', tags: ['a', 'b-2', 'a'] });
        expect(response.statusCode).toBe(201);
        expect(response.headers['cache-control']).toBe('no-store');
        const note = response.json<NoteBody>();
        expect(response.headers.location).toBe(`/v1/notes/${note.id}`);
        expect(Object.keys(note).sort()).toEqual(
          ['body', 'createdAt', 'id', 'ownerId', 'tags', 'title', 'updatedAt'].sort(),
        );
        expect(note).toMatchObject({ ownerId: user.id, title: 'First', body: 'Hello' });
        expect(note.tags).toEqual(['a', 'b-2']);
        const read = await t.app.inject({ method: 'GET', url: `/v1/notes/${note.id}`, headers: h });
        expect(read.json()).toEqual(note);
      });

      it('stores and returns [] when tags are left out, and an empty body', async () => {
        const { h } = await caller(t);
        const note = await create(h, { title: 'No tags', body: '' });
        expect(note.tags).toEqual([]);
        expect(note.body).toBe('');
      });

      it('updates only the given fields for the owner and deletes, after which it is 404', async () => {
        const { h } = await caller(t);
        const note = await create(h, { title: 'Before', body: 'keep', tags: ['x'] });
        const updated = await patch(h, note.id, { title: 'After', tags: [] });
        expect(updated.statusCode).toBe(200);
        expect(updated.json()).toMatchObject({ title: 'After', body: 'keep', tags: [] });
        const url = `/v1/notes/${note.id}`;
        const deleted = await t.app.inject({ method: 'DELETE', url, headers: h });
        expect(deleted.statusCode).toBe(204);
        expect(deleted.body).toBe('');
        expect((await t.app.inject({ method: 'GET', url, headers: h })).statusCode).toBe(404);
        expect((await t.app.inject({ method: 'DELETE', url, headers: h })).statusCode).toBe(404);
      });

      it('refuses an empty PATCH and a malformed id', async () => {
        const { h } = await caller(t);
        const note = await create(h, { title: 'x', body: '' });
        expect((await patch(h, note.id, {})).statusCode).toBe(400);
        const bad = await t.app.inject({ method: 'GET', url: '/v1/notes/not-a-uuid', headers: h });
        expect(bad.statusCode).toBe(400);
        expect(pointers(bad.body)).toEqual(['/params/id']);
      });
    });

    describe('display text and bounds', () => {
      it('stores titles NFC-normalised', async () => {
        const { h } = await caller(t);
        const note = await create(h, { title: 'Cafe\u0301', body: 'Cafe\u0301' });
        expect(note.title).toBe('Caf\u00e9');
        expect(note.body).toBe('Cafe\u0301');
        const stored = await t.app.services.notes.findById(note.id);
        expect(stored?.title).toBe('Caf\u00e9');
        const renamed = await patch(h, note.id, { title: 'A\u030a' });
        expect(renamed.json<NoteBody>().title).toBe('\u00c5');
      });

      it('refuses a title that NFC makes longer than 200 characters', async () => {
        const { h } = await caller(t);
        // U+0958 is a composition exclusion: NFC turns each into two code points.
        const response = await post(h, { title: '\u0958'.repeat(150), body: '' });
        expect(response.statusCode).toBe(400);
        expect(pointers(response.body)).toEqual(['/body/title']);
      });

      it.each([
        ['an empty title', { title: '', body: '' }, '/body/title'],
        ['a 201-character title', { title: 'x'.repeat(201), body: '' }, '/body/title'],
        ['a control character in the title', { title: 'a\u0007b', body: '' }, '/body/title'],
        ['a newline in the title', { title: 'a\nb', body: '' }, '/body/title'],
        ['a C1 control in the title', { title: 'a\u0085b', body: '' }, '/body/title'],
        ['a bidi override in the title', { title: 'a\u202eb', body: '' }, '/body/title'],
        ['a zero-width space in the title', { title: 'a\u200bb', body: '' }, '/body/title'],
        ['a lone surrogate in the title', { title: 'a\ud800b', body: '' }, '/body/title'],
        ['NUL in the body', { title: 't', body: 'a\u0000b' }, '/body/body'],
        ['a 20001-character body', { title: 't', body: 'x'.repeat(20_001) }, '/body/body'],
        ['11 tags', { title: 't', body: '', tags: 'abcdefghijk'.split('') }, '/body/tags'],
        ['an upper-case tag', { title: 't', body: '', tags: ['Tag'] }, '/body/tags/0'],
        ['a 33-character tag', { title: 't', body: '', tags: ['a'.repeat(33)] }, '/body/tags/0'],
        ['a control character in a tag', { title: 't', body: '', tags: ['a\tb'] }, '/body/tags/0'],
        ['a missing body', { title: 't' }, '/body/body'],
        ['a number as title', { title: 12, body: '' }, '/body/title'],
        ['null tags', { title: 't', body: '', tags: null }, '/body/tags'],
      ])('refuses %s with a pointer to it', async (_name, payload, pointer) => {
        const { h } = await caller(t);
        const response = await post(h, payload);
        expect(response.statusCode).toBe(400);
        expect(pointers(response.body)).toContain(pointer);
      });

      it('keeps a body with newlines, tabs and emoji exactly as sent, up to 20000 characters', async () => {
        const { h } = await caller(t);
        const body = 'line 1\n\tline 2 \u{1f600}\r\n';
        expect((await create(h, { title: 't', body })).body).toBe(body);
        expect((await create(h, { title: 't', body: 'x'.repeat(20_000) })).body).toHaveLength(
          20_000,
        );
        expect((await create(h, { title: 'x'.repeat(200), body: '' })).title).toHaveLength(200);
      });
    });

    describe('mass assignment', () => {
      it.each(['ownerId', 'id', 'role', 'email', 'disabled', 'createdAt'])(
        'refuses %s in a new note and creates nothing',
        async (field) => {
          const { user, h } = await caller(t);
          const other = await quickUser(t);
          const value = field === 'disabled' ? true : field === 'ownerId' ? other.id : 'x';
          const response = await post(h, { title: 't', body: '', [field]: value });
          expect(response.statusCode).toBe(400);
          expect(pointers(response.body)).toEqual([`/body/${field}`]);
          for (const owner of [user.id, other.id])
            expect((await t.app.services.notes.list({ ownerId: owner, limit: 5 })).items).toEqual(
              [],
            );
        },
      );

      it.each(['ownerId', 'id', 'role', 'email', 'disabled', 'updatedAt'])(
        'refuses %s in a note update and changes nothing',
        async (field) => {
          const { h } = await caller(t);
          const other = await quickUser(t);
          const note = await create(h, { title: 'orig', body: 'orig' });
          const value = field === 'disabled' ? true : field === 'ownerId' ? other.id : 'x';
          const response = await patch(h, note.id, { title: 'changed', [field]: value });
          expect(response.statusCode).toBe(400);
          expect(await t.app.services.notes.findById(note.id)).toEqual({
            ...note,
            tags: note.tags,
          });
        },
      );
    });

    describe('audit', () => {
      it('records an admin deleting someone else’s note, not an owner deleting their own', async () => {
        const owner = await caller(t);
        const admin = await caller(t, 'admin');
        const theirs = await create(owner.h, { title: 'evidence', body: '' });
        const own = await create(owner.h, { title: 'mine', body: '' });
        const byAdmin = await t.app.inject({
          method: 'DELETE',
          url: `/v1/notes/${theirs.id}`,
          headers: admin.h,
        });
        expect(byAdmin.statusCode).toBe(204);
        expect(
          (await t.app.inject({ method: 'DELETE', url: `/v1/notes/${own.id}`, headers: owner.h }))
            .statusCode,
        ).toBe(204);
        const events = await t.app.services.auditEvents.list({
          limit: 100,
          type: 'note.deleted-by-admin',
        });
        const targets = events.items.map((e) => e.targetId);
        expect(targets).toContain(theirs.id);
        expect(targets).not.toContain(own.id);
        // Object-level denials are audited too: another user reading the note is a hidden 404.
        const stranger = await caller(t);
        const hidden = await create(owner.h, { title: 'private', body: '' });
        const peek = await t.app.inject({
          method: 'GET',
          url: `/v1/notes/${hidden.id}`,
          headers: stranger.h,
        });
        expect(peek.statusCode).toBe(404);
        const denied = await t.app.services.auditEvents.list({
          limit: 10,
          type: 'authz.denied',
          actorId: stranger.user.id,
        });
        expect(denied.items.map((e) => e.detail)).toContain(`read note ${hidden.id}: deny-hidden`);
        expect(events.items.find((e) => e.targetId === theirs.id)).toMatchObject({
          actorId: admin.user.id,
          detail: `owner ${owner.user.id}`,
        });
      });
    });

    describe('lists', () => {
      it('lists only the caller’s notes, newest first, in signed pages', async () => {
        const alice = await caller(t);
        const bob = await caller(t);
        const admin = await caller(t, 'admin');
        const made: string[] = [];
        for (let i = 0; i < 5; i++) {
          made.push((await create(alice.h, { title: `a${i}`, body: '' })).id);
          await tick();
        }
        await create(bob.h, { title: 'bob', body: '' });
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const response = await list(alice.h, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(response.statusCode).toBe(200);
          const page = response.json<NoteList>();
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((n) => n.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen).toEqual([...made].reverse());
        // An admin's list is their own too: lists never show other users' notes.
        expect((await list(admin.h, '')).json<NoteList>().items).toEqual([]);
      });

      it('defaults to 20 and bounds limit to 1..100', async () => {
        const { h } = await caller(t);
        for (let i = 0; i < 21; i++) await create(h, { title: `n${i}`, body: '' });
        const first = (await list(h, '')).json<NoteList>();
        expect(first.items).toHaveLength(20);
        expect(first.nextCursor).not.toBeNull();
        for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'other=1'])
          expect((await list(h, bad)).statusCode, bad).toBe(400);
      });

      describe('cursor attacks', () => {
        let alice: { user: TestUser; h: Headers };
        let bob: { user: TestUser; h: Headers };
        let cursor: string;
        beforeAll(async () => {
          alice = await caller(t);
          bob = await caller(t);
          for (let i = 0; i < 3; i++) {
            await create(alice.h, { title: `secret ${i}`, body: '', tags: ['t'] });
            await create(bob.h, { title: `secret ${i}`, body: '', tags: ['t'] });
          }
          const page = (await list(alice.h, 'limit=1&q=secret&tag=t')).json<NoteList>();
          cursor = page.nextCursor ?? '';
          expect(cursor).not.toBe('');
          expect((await list(alice.h, `limit=1&q=secret&tag=t&cursor=${cursor}`)).statusCode).toBe(
            200,
          );
        });

        const refused = async (h: Headers, query: string) => {
          const response = await list(h, query);
          expect(response.statusCode, query).toBe(400);
          expect(pointers(response.body), query).toEqual(['/query/cursor']);
          expect(response.body).not.toContain('secret ');
        };

        it('refuses a forged or edited cursor', async () => {
          const [payload = '', signature = ''] = cursor.split('.');
          // The first character carries six bits of the tag (the last one only two).
          const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
          await refused(alice.h, `q=secret&tag=t&cursor=${payload}.${flipped}`);
          const forged = Buffer.from(JSON.stringify(['9999-01-01T00:00:00.000Z', 'z'])).toString(
            'base64url',
          );
          await refused(alice.h, `q=secret&tag=t&cursor=${forged}.${signature}`);
          await refused(alice.h, `q=secret&tag=t&cursor=${payload}`);
          await refused(alice.h, 'q=secret&tag=t&cursor=abc.def');
        });

        it('refuses another user’s cursor', async () => {
          await refused(bob.h, `q=secret&tag=t&cursor=${cursor}`);
        });

        it('refuses a cursor reused with another q or tag', async () => {
          await refused(alice.h, `q=secret%201&tag=t&cursor=${cursor}`);
          await refused(alice.h, `q=secret&cursor=${cursor}`);
          await refused(alice.h, `q=secret&tag=u&cursor=${cursor}`);
          await refused(alice.h, `tag=t&cursor=${cursor}`);
        });

        it('refuses a cursor of characters no cursor has', async () => {
          const response = await list(alice.h, `cursor=${encodeURIComponent("' or 1=1 --")}`);
          expect(response.statusCode).toBe(400);
          expect(pointers(response.body)).toEqual(['/query/cursor']);
        });
      });

      it("matches %, _, ' and \\ in q literally and case-insensitively", async () => {
        const { h } = await caller(t);
        const titles = [
          '100% Sure',
          '100 sure',
          'file_name',
          'filename',
          "it's",
          'its',
          'C:\\temp',
        ];
        for (const title of titles) await create(h, { title, body: '' });
        const search = async (q: string) =>
          (await list(h, `q=${encodeURIComponent(q)}`)).json<NoteList>().items.map((n) => n.title);
        expect(await search('%')).toEqual(['100% Sure']);
        expect(await search('0% s')).toEqual(['100% Sure']);
        expect(await search('_')).toEqual(['file_name']);
        expect(await search("'")).toEqual(["it's"]);
        expect(await search('\\')).toEqual(['C:\\temp']);
        expect(await search('C:\\T')).toEqual(['C:\\temp']);
        expect((await search('SURE')).sort()).toEqual(['100 sure', '100% Sure']);
        expect(await search("%' OR '1'='1")).toEqual([]);
      });

      it('searches the body, filters by tag, and refuses a bad q or tag', async () => {
        const { h } = await caller(t);
        await create(h, { title: 'one', body: 'needle here', tags: ['red'] });
        await tick();
        await create(h, { title: 'two', body: 'hay', tags: ['red', 'blue'] });
        const titles = async (query: string) =>
          (await list(h, query)).json<NoteList>().items.map((n) => n.title);
        expect(await titles('q=NEEDLE')).toEqual(['one']);
        expect(await titles('tag=blue')).toEqual(['two']);
        expect(await titles('tag=red')).toEqual(['two', 'one']);
        for (const bad of ['q=%00', `q=${'x'.repeat(201)}`, 'tag=RED', 'tag=', 'tag=a%20b'])
          expect((await list(h, bad)).statusCode, bad).toBe(400);
      });
    });
  });
}
