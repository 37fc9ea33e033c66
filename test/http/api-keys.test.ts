// The API key routes through the HTTP layer on both dialects: issuance shown once, scopes within
// the caller's permissions, the 20-key bound, listing without secrets, and deletion at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../src/security/authn/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor } from '../helpers/auth.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { caller, pointers, tick, type Headers } from '../helpers/fixtures.ts';

interface IssuedKey {
  id: string;
  name: string;
  scopes: string[];
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  key: string;
}
interface KeyList {
  items: Array<Omit<IssuedKey, 'key'>>;
  nextCursor: string | null;
}

const DAY_MS = 86_400_000;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`API keys on ${dialect.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ dialect });
    });
    afterAll(() => t.close());

    const createKey = (h: Headers, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: h, payload });
    const issue = async (h: Headers, payload: Record<string, unknown>) => {
      const response = await createKey(h, payload);
      expect(response.statusCode, response.body).toBe(201);
      return response.json<IssuedKey>();
    };
    const listKeys = (h: Headers, query = '') =>
      t.app.inject({ method: 'GET', url: `/v1/api-keys${query}`, headers: h });
    const deleteKey = (h: Headers, id: string) =>
      t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: h });
    const readNotes = (headers: Headers) =>
      t.app.inject({ method: 'GET', url: '/v1/notes', headers });

    it('issues a working key once, with no-store and exactly the documented fields', async () => {
      const { user, h } = await caller(t);
      const response = await createKey(h, { name: 'CI', scopes: ['notes:read'] });
      expect(response.statusCode).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      const issued = response.json<IssuedKey>();
      expect(Object.keys(issued).sort()).toEqual(
        ['createdAt', 'expiresAt', 'id', 'key', 'lastUsedAt', 'name', 'prefix', 'scopes'].sort(),
      );
      expect(issued.key).toMatch(API_KEY_PATTERN);
      expect(issued.prefix).toBe(issued.key.slice(0, 14));
      expect(issued).toMatchObject({ name: 'CI', scopes: ['notes:read'], expiresAt: null });
      expect(issued.lastUsedAt).toBeNull();
      expect((await readNotes(bearer(issued.key))).statusCode).toBe(200);
      // Scoped: the key cannot write notes although its owner can.
      const write = await t.app.inject({
        method: 'POST',
        url: '/v1/notes',
        headers: bearer(issued.key),
        payload: { title: 't', body: '' },
      });
      expect(write.statusCode).toBe(403);
      const events = await t.app.services.auditEvents.list({ limit: 5, type: 'apikey.created' });
      expect(events.items.find((e) => e.targetId === issued.id)).toMatchObject({
        actorId: user.id,
        outcome: 'success',
      });
      expect(JSON.stringify(events.items)).not.toContain(issued.key);
    });

    it('sets expiresAt from expiresInDays, and an expired key is refused', async () => {
      const { user, h } = await caller(t);
      const before = Date.now();
      const issued = await issue(h, { name: 'month', scopes: ['notes:read'], expiresInDays: 30 });
      const expiresAt = Date.parse(issued.expiresAt ?? '');
      expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY_MS);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS);
      const expired = await apiKeyFor(t, user, ['notes:read'], new Date(Date.now() - 1000));
      expect((await readNotes(expired.headers)).statusCode).toBe(401);
    });

    it('refuses scopes the caller does not hold, with a pointer to /body/scopes', async () => {
      const { h } = await caller(t);
      for (const scopes of [['users:read'], ['notes:read', 'audit:read']]) {
        const response = await createKey(h, { name: 'up', scopes });
        expect(response.statusCode).toBe(400);
        expect(pointers(response.body)).toEqual(['/body/scopes']);
      }
      expect((await listKeys(h)).json<KeyList>().items).toEqual([]);
      // An admin may give its own keys admin scopes.
      const admin = await caller(t, 'admin');
      expect((await createKey(admin.h, { name: 'ops', scopes: ['audit:read'] })).statusCode).toBe(
        201,
      );
    });

    it.each([
      ['no scopes', { name: 'k', scopes: [] }, '/body/scopes'],
      ['an unknown scope', { name: 'k', scopes: ['root'] }, '/body/scopes/0'],
      ['a repeated scope', { name: 'k', scopes: ['notes:read', 'notes:read'] }, '/body/scopes'],
      ['an empty name', { name: '', scopes: ['notes:read'] }, '/body/name'],
      ['a 101-character name', { name: 'n'.repeat(101), scopes: ['notes:read'] }, '/body/name'],
      [
        'a control character in the name',
        { name: 'a\u0000', scopes: ['notes:read'] },
        '/body/name',
      ],
      ['0 days', { name: 'k', scopes: ['notes:read'], expiresInDays: 0 }, '/body/expiresInDays'],
      [
        '366 days',
        { name: 'k', scopes: ['notes:read'], expiresInDays: 366 },
        '/body/expiresInDays',
      ],
      [
        'days as a string',
        { name: 'k', scopes: ['notes:read'], expiresInDays: '30' },
        '/body/expiresInDays',
      ],
      ['a userId', { name: 'k', scopes: ['notes:read'], userId: randomUUID() }, '/body/userId'],
      ['a chosen key', { name: 'k', scopes: ['notes:read'], key: 'gh_live_x' }, '/body/key'],
      ['a chosen prefix', { name: 'k', scopes: ['notes:read'], prefix: 'x' }, '/body/prefix'],
    ])('refuses %s', async (_name, payload, pointer) => {
      const { h } = await caller(t);
      const response = await createKey(h, payload);
      expect(response.statusCode).toBe(400);
      expect(pointers(response.body)).toContain(pointer);
      expect((await listKeys(h)).json<KeyList>().items).toEqual([]);
    });

    it('allows at most 20 keys per user (409), and a slot again after a delete', async () => {
      const { h } = await caller(t);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++)
        ids.push((await issue(h, { name: `k${i}`, scopes: ['notes:read'] })).id);
      const over = await createKey(h, { name: 'k20', scopes: ['notes:read'] });
      expect(over.statusCode).toBe(409);
      expect(over.headers['content-type']).toContain('application/problem+json');
      expect((await deleteKey(h, ids[0] ?? '')).statusCode).toBe(204);
      expect((await createKey(h, { name: 'again', scopes: ['notes:read'] })).statusCode).toBe(201);
    });

    it('never exceeds 20 keys under concurrent creation', async () => {
      const { user, h } = await caller(t);
      for (let i = 0; i < 18; i++) await issue(h, { name: `k${i}`, scopes: ['notes:read'] });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          createKey(h, { name: `race${i}`, scopes: ['notes:read'] }),
        ),
      );
      expect(results.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
      expect(await t.app.services.apiKeys.countByUser(user.id)).toBeLessThanOrEqual(20);
    });

    it('lists own keys newest first without the key, in signed pages', async () => {
      const alice = await caller(t);
      const bob = await caller(t);
      const a = await issue(alice.h, { name: 'a', scopes: ['notes:read'] });
      await tick();
      const b = await issue(alice.h, { name: 'b', scopes: ['notes:read', 'notes:write'] });
      await issue(bob.h, { name: 'bob', scopes: ['notes:read'] });
      const all = (await listKeys(alice.h)).json<KeyList>();
      expect(all.items.map((k) => k.id)).toEqual([b.id, a.id]);
      expect(all.nextCursor).toBeNull();
      expect(all.items[0]).toEqual({ ...b, key: undefined });
      const body = JSON.stringify(all);
      for (const secret of [a.key, b.key, 'hash']) expect(body).not.toContain(secret);

      const first = (await listKeys(alice.h, '?limit=1')).json<KeyList>();
      expect(first.items.map((k) => k.id)).toEqual([b.id]);
      const cursor = first.nextCursor ?? '';
      const second = (await listKeys(alice.h, `?limit=1&cursor=${cursor}`)).json<KeyList>();
      expect(second).toEqual({ items: [all.items[1]], nextCursor: null });
      const foreign = await listKeys(bob.h, `?limit=1&cursor=${cursor}`);
      expect(foreign.statusCode).toBe(400);
      expect(pointers(foreign.body)).toEqual(['/query/cursor']);
    });

    it('deletes a key so that it fails at once, and audits it', async () => {
      const { user, h } = await caller(t);
      const issued = await issue(h, { name: 'gone', scopes: ['notes:read'] });
      expect((await readNotes(bearer(issued.key))).statusCode).toBe(200);
      expect((await deleteKey(h, issued.id)).statusCode).toBe(204);
      const refused = await readNotes(bearer(issued.key));
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toContain('invalid_token');
      expect((await deleteKey(h, issued.id)).statusCode).toBe(404);
      const events = await t.app.services.auditEvents.list({ limit: 5, type: 'apikey.deleted' });
      expect(events.items.find((e) => e.targetId === issued.id)?.actorId).toBe(user.id);
    });

    it('answers 404 for another user’s key and leaves it working', async () => {
      const alice = await caller(t);
      const bob = await caller(t);
      const bobs = await issue(bob.h, { name: 'bob', scopes: ['notes:read'] });
      const response = await deleteKey(alice.h, bobs.id);
      expect(response.statusCode).toBe(404);
      expect((await deleteKey(alice.h, randomUUID())).body).toBe(response.body);
      expect((await readNotes(bearer(bobs.key))).statusCode).toBe(200);
      // An admin cannot delete it either: keys are only ever their owner's.
      const admin = await caller(t, 'admin');
      expect((await deleteKey(admin.h, bobs.id)).statusCode).toBe(404);
    });

    it('refuses every API key route to an API key, even one with apikeys:manage (403)', async () => {
      const { user } = await caller(t);
      const key = await apiKeyFor(t, user, ['apikeys:manage', 'notes:read']);
      const routes = [
        { method: 'GET' as const, url: '/v1/api-keys' },
        {
          method: 'POST' as const,
          url: '/v1/api-keys',
          payload: { name: 'k', scopes: ['notes:read'] },
        },
        { method: 'DELETE' as const, url: `/v1/api-keys/${key.id}` },
      ];
      for (const route of routes)
        expect((await t.app.inject({ ...route, headers: key.headers })).statusCode).toBe(403);
      expect(await t.app.services.apiKeys.countByUser(user.id)).toBe(1);
    });
  });
}
