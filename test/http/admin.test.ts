// The administration routes through the HTTP layer on both dialects: user lists and filters,
// role and disable changes that end sessions and keys at once, the last-admin rule, the audit log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor, sessionFor, type TestUser } from '../helpers/auth.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { caller, pointers, quickUser, tick, type Headers } from '../helpers/fixtures.ts';

interface AdminUser {
  id: string;
  email: string;
  displayName: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}
interface AuditItem {
  id: string;
  at: string;
  type: string;
  actorId: string | null;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  outcome: string;
  detail: string | null;
}
interface List<T> {
  items: T[];
  nextCursor: string | null;
}
for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`administration on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: { user: TestUser; h: Headers };
    beforeAll(async () => {
      t = await createTestApp({ dialect });
    });
    afterAll(() => t.close());
    // Every test starts with exactly one active admin: its own.
    beforeEach(async () => {
      const admins = await t.app.services.users.list({ limit: 100, role: 'admin' });
      for (const other of admins.items)
        await t.app.services.users.update(other.id, { role: 'user' });
      admin = await caller(t, 'admin');
    });

    const patchUser = (h: Headers, id: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PATCH', url: `/v1/admin/users/${id}`, headers: h, payload });
    const get = (h: Headers, url: string) => t.app.inject({ method: 'GET', url, headers: h });

    describe('GET /v1/admin/users', () => {
      it('lists users newest first with the admin view of a user, in signed pages', async () => {
        const a = await quickUser(t);
        const b = await quickUser(t);
        // Newest first; users made in the same millisecond are ordered by id, descending.
        const rows = await Promise.all(
          [a.id, b.id, admin.user.id].map((id) => t.app.services.users.findById(id)),
        );
        const expected = rows
          .map((u) => `${u?.createdAt ?? ''} ${u?.id ?? ''}`)
          .sort()
          .reverse()
          .map((key) => key.split(' ')[1]);
        const response = await get(admin.h, '/v1/admin/users?limit=2');
        expect(response.statusCode).toBe(200);
        const page = response.json<List<AdminUser>>();
        expect(page.items.map((u) => u.id)).toEqual(expected.slice(0, 2));
        expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(
          ['createdAt', 'disabled', 'displayName', 'email', 'id', 'role', 'updatedAt'].sort(),
        );
        const next = await get(admin.h, `/v1/admin/users?limit=2&cursor=${page.nextCursor ?? ''}`);
        expect(next.json<List<AdminUser>>().items[0]?.id).toBe(expected[2]);
        const refiltered = await get(
          admin.h,
          `/v1/admin/users?limit=2&role=user&cursor=${page.nextCursor ?? ''}`,
        );
        expect(refiltered.statusCode).toBe(400);
        expect(pointers(refiltered.body)).toEqual(['/query/cursor']);
      });

      it('filters by role and by exact email, compared case-insensitively', async () => {
        const email = `Mixed.${randomUUID()}@Example.com`;
        const target = await quickUser(t, 'user', email.toLowerCase());
        const byEmail = await get(admin.h, `/v1/admin/users?email=${encodeURIComponent(email)}`);
        expect(byEmail.json<List<AdminUser>>().items.map((u) => u.id)).toEqual([target.id]);
        const partial = await get(
          admin.h,
          `/v1/admin/users?email=${encodeURIComponent(`x${email}`)}`,
        );
        expect(partial.json<List<AdminUser>>().items).toEqual([]);
        const admins = (await get(admin.h, '/v1/admin/users?role=admin')).json<List<AdminUser>>();
        expect(admins.items.map((u) => u.id)).toEqual([admin.user.id]);
        for (const bad of ['role=root', 'email=not-an-email', 'email=%25', 'limit=0', 'x=1'])
          expect((await get(admin.h, `/v1/admin/users?${bad}`)).statusCode, bad).toBe(400);
      });

      it('is 403 for a plain user and for an admin key without users:read', async () => {
        const user = await caller(t);
        expect((await get(user.h, '/v1/admin/users')).statusCode).toBe(403);
        const key = await apiKeyFor(t, admin.user, ['notes:read']);
        expect((await get(key.headers, '/v1/admin/users')).statusCode).toBe(403);
        const scoped = await apiKeyFor(t, admin.user, ['users:read']);
        expect((await get(scoped.headers, '/v1/admin/users')).statusCode).toBe(200);
      });
    });

    describe('PATCH /v1/admin/users/{id}', () => {
      it('disabling ends the user’s sessions and API keys at once, and is audited', async () => {
        const target = await caller(t);
        const second = await sessionFor(t, target.user);
        const key = await apiKeyFor(t, target.user, ['notes:read']);
        expect((await get(target.h, '/v1/notes')).statusCode).toBe(200);
        expect((await get(key.headers, '/v1/notes')).statusCode).toBe(200);

        const response = await patchUser(admin.h, target.user.id, { disabled: true });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ id: target.user.id, disabled: true, role: 'user' });

        for (const headers of [target.h, second.headers, key.headers]) {
          const refused = await get(headers, '/v1/notes');
          expect(refused.statusCode).toBe(401);
        }
        const sessions = await t.app.services.sessions.listActive(target.user.id, { limit: 100 });
        expect(sessions.items).toEqual([]);
        const audit = await t.app.services.auditEvents.list({ limit: 5, type: 'user.updated' });
        const event = audit.items.find((e) => e.targetId === target.user.id);
        expect(event).toMatchObject({ actorId: admin.user.id, outcome: 'success' });
        expect(event?.detail).toContain('disabled: false -> true');
        expect(event?.detail).toContain('revoked 2 session(s)');
      });

      it('re-enabling lets the API keys work again at once; the ended sessions stay ended', async () => {
        const target = await caller(t);
        const key = await apiKeyFor(t, target.user, ['notes:read']);
        expect((await patchUser(admin.h, target.user.id, { disabled: true })).statusCode).toBe(200);
        expect((await get(key.headers, '/v1/notes')).statusCode).toBe(401);

        expect((await patchUser(admin.h, target.user.id, { disabled: false })).statusCode).toBe(
          200,
        );
        expect((await get(key.headers, '/v1/notes')).statusCode).toBe(200);
        expect((await get(target.h, '/v1/notes')).statusCode).toBe(401);
        const fresh = await sessionFor(t, target.user);
        expect((await get(fresh.headers, '/v1/notes')).statusCode).toBe(200);
      });

      it('a role change ends the sessions (tokens carry the role) but keeps the API keys', async () => {
        const target = await caller(t);
        const key = await apiKeyFor(t, target.user, ['notes:read']);
        const response = await patchUser(admin.h, target.user.id, { role: 'admin' });
        expect(response.statusCode).toBe(200);
        expect(response.json<AdminUser>().role).toBe('admin');
        expect((await get(target.h, '/v1/notes')).statusCode).toBe(401);
        expect((await get(key.headers, '/v1/notes')).statusCode).toBe(200);
        const fresh = await sessionFor(t, { ...target.user, role: 'admin' });
        expect((await get(fresh.headers, '/v1/admin/users')).statusCode).toBe(200);
      });

      it('a demoted admin’s API key loses the admin scopes at once', async () => {
        const other = await caller(t, 'admin');
        const key = await apiKeyFor(t, other.user, ['users:read', 'notes:read']);
        expect((await get(key.headers, '/v1/admin/users')).statusCode).toBe(200);
        expect((await patchUser(admin.h, other.user.id, { role: 'user' })).statusCode).toBe(200);
        expect((await get(key.headers, '/v1/admin/users')).statusCode).toBe(403);
        expect((await get(key.headers, '/v1/notes')).statusCode).toBe(200);
      });

      it('re-enabling or repeating the same role revokes nothing', async () => {
        const target = await caller(t);
        expect((await patchUser(admin.h, target.user.id, { role: 'user' })).statusCode).toBe(200);
        expect((await patchUser(admin.h, target.user.id, { disabled: false })).statusCode).toBe(
          200,
        );
        expect((await get(target.h, '/v1/notes')).statusCode).toBe(200);
      });

      it('refuses to demote or disable the last active admin (409), changing nothing', async () => {
        for (const payload of [
          { role: 'user' },
          { disabled: true },
          { role: 'user', disabled: true },
        ]) {
          const response = await patchUser(admin.h, admin.user.id, payload);
          expect(response.statusCode, JSON.stringify(payload)).toBe(409);
          expect(response.headers['content-type']).toContain('application/problem+json');
        }
        const stored = await t.app.services.users.findById(admin.user.id);
        expect(stored).toMatchObject({ role: 'admin', disabled: false });
        expect((await get(admin.h, '/v1/admin/users')).statusCode).toBe(200);
        // A disabled admin does not count: with the other admin disabled, the rule still holds.
        const other = await caller(t, 'admin');
        expect((await patchUser(admin.h, other.user.id, { disabled: true })).statusCode).toBe(200);
        expect((await patchUser(admin.h, admin.user.id, { role: 'user' })).statusCode).toBe(409);
      });

      it('lets one of two admins step down, then protects the other', async () => {
        const other = await caller(t, 'admin');
        expect((await patchUser(admin.h, other.user.id, { role: 'user' })).statusCode).toBe(200);
        expect((await patchUser(admin.h, admin.user.id, { disabled: true })).statusCode).toBe(409);
      });

      it('never leaves no admin when two admins demote each other at once', async () => {
        const other = await caller(t, 'admin');
        const [a, b] = await Promise.all([
          patchUser(admin.h, other.user.id, { role: 'user' }),
          patchUser(other.h, admin.user.id, { role: 'user' }),
        ]);
        expect([a.statusCode, b.statusCode].filter((s) => s === 200).length).toBeLessThanOrEqual(1);
        expect(await t.app.services.users.countActiveAdmins()).toBeGreaterThanOrEqual(1);
      });

      it.each([
        ['an empty body', {}, '/body'],
        ['an email', { email: 'x@example.com' }, '/body/email'],
        ['an id', { id: randomUUID(), role: 'admin' }, '/body/id'],
        ['a password hash', { passwordHash: 'x' }, '/body/passwordHash'],
        ['a displayName', { displayName: 'x' }, '/body/displayName'],
        ['an unknown role', { role: 'root' }, '/body/role'],
        ['disabled as a string', { disabled: 'true' }, '/body/disabled'],
        ['disabled as null', { disabled: null }, '/body/disabled'],
      ])('refuses %s and changes nothing', async (_name, payload, pointer) => {
        const target = await caller(t);
        const before = await t.app.services.users.findById(target.user.id);
        const response = await patchUser(admin.h, target.user.id, payload);
        expect(response.statusCode).toBe(400);
        expect(pointers(response.body)).toContain(pointer);
        expect(await t.app.services.users.findById(target.user.id)).toEqual(before);
        expect((await get(target.h, '/v1/notes')).statusCode).toBe(200);
      });

      it('answers 404 for an unknown user and 400 for a malformed id', async () => {
        expect((await patchUser(admin.h, randomUUID(), { disabled: true })).statusCode).toBe(404);
        const bad = await patchUser(admin.h, 'nope', { disabled: true });
        expect(bad.statusCode).toBe(400);
        expect(pointers(bad.body)).toEqual(['/params/id']);
      });

      it('is 403 for a plain user, who changes nothing', async () => {
        const user = await caller(t);
        const response = await patchUser(user.h, user.user.id, { role: 'admin' });
        expect(response.statusCode).toBe(403);
        expect((await t.app.services.users.findById(user.user.id))?.role).toBe('user');
      });
    });

    describe('GET /v1/admin/audit', () => {
      it('lists events newest first with exactly the documented fields', async () => {
        const target = await caller(t);
        await patchUser(admin.h, target.user.id, { role: 'admin' });
        await tick();
        await patchUser(admin.h, target.user.id, { role: 'user' });
        const response = await get(
          admin.h,
          `/v1/admin/audit?type=user.updated&actorId=${admin.user.id}`,
        );
        expect(response.statusCode).toBe(200);
        const page = response.json<List<AuditItem>>();
        expect(page.items.map((e) => e.detail?.split(';')[0])).toEqual([
          'role: admin -> user',
          'role: user -> admin',
        ]);
        expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(
          [
            'actorId',
            'at',
            'detail',
            'id',
            'ip',
            'outcome',
            'requestId',
            'targetId',
            'type',
          ].sort(),
        );
        expect(page.items[0]).toMatchObject({ targetId: target.user.id, ip: '127.0.0.1' });
      });

      it('pages with a cursor bound to the filters', async () => {
        const target = await caller(t);
        for (const role of ['admin', 'user', 'admin'] as const) {
          await patchUser(admin.h, target.user.id, { role });
          await tick();
        }
        const base = `/v1/admin/audit?type=user.updated&actorId=${admin.user.id}&limit=2`;
        const first = (await get(admin.h, base)).json<List<AuditItem>>();
        expect(first.items).toHaveLength(2);
        const cursor = first.nextCursor ?? '';
        const second = (await get(admin.h, `${base}&cursor=${cursor}`)).json<List<AuditItem>>();
        expect(second.items).toHaveLength(1);
        expect(second.nextCursor).toBeNull();
        const other = await get(
          admin.h,
          `/v1/admin/audit?type=apikey.created&limit=2&cursor=${cursor}`,
        );
        expect(other.statusCode).toBe(400);
        expect(pointers(other.body)).toEqual(['/query/cursor']);
      });

      it('refuses malformed filters and a plain user', async () => {
        for (const bad of [
          'type=User',
          `type=${'a'.repeat(65)}`,
          "type=a'b",
          'actorId=1',
          'limit=101',
        ])
          expect((await get(admin.h, `/v1/admin/audit?${bad}`)).statusCode, bad).toBe(400);
        const user = await caller(t);
        expect((await get(user.h, '/v1/admin/audit')).statusCode).toBe(403);
      });
    });

    describe('GET /v1/users/{id}', () => {
      it('shows oneself, shows anyone to an admin, and 404s everything else alike', async () => {
        const alice = await caller(t);
        const bob = await caller(t);
        const self = await get(alice.h, `/v1/users/${alice.user.id}`);
        expect(self.statusCode).toBe(200);
        expect(Object.keys(self.json<object>()).sort()).toEqual(
          ['createdAt', 'displayName', 'email', 'id', 'role', 'updatedAt'].sort(),
        );
        expect((await get(admin.h, `/v1/users/${bob.user.id}`)).json()).toEqual(
          (await get(bob.h, `/v1/users/${bob.user.id}`)).json(),
        );
        const hidden = await get(alice.h, `/v1/users/${bob.user.id}`);
        const missing = await get(alice.h, `/v1/users/${randomUUID()}`);
        expect([hidden.statusCode, missing.statusCode]).toEqual([404, 404]);
        expect(hidden.body).toBe(missing.body);
      });
    });
  });
}
