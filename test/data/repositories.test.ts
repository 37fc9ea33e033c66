// Repositories on both dialects: the same expectations against SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/data/database.ts';
import { ApiKeyRepository } from '../../src/data/repositories/api-keys.ts';
import { AuditEventRepository } from '../../src/data/repositories/audit-events.ts';
import { LoginFailureRepository } from '../../src/data/repositories/login-failures.ts';
import { SessionRepository } from '../../src/data/repositories/sessions.ts';
import { UserRepository } from '../../src/data/repositories/users.ts';
import { DIALECTS, openTestDatabase } from '../helpers/databases.ts';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`repositories on ${dialect.name}`, () => {
    let database: DatabaseHandle;
    let users: UserRepository;
    let sessions: SessionRepository;

    beforeEach(async () => {
      database = await openTestDatabase(dialect);
      users = new UserRepository(database.db);
      sessions = new SessionRepository(database.db);
    });
    afterEach(() => database.close());

    const newUser = (email: string, role = 'user') => ({
      email,
      passwordHash: 'hash',
      displayName: 'Name',
      role,
    });

    describe('users', () => {
      it('creates a user once per email', async () => {
        const created = await users.create(newUser('a@example.com'));
        expect(created).toMatchObject({ email: 'a@example.com', role: 'user', disabled: false });
        expect(await users.create(newUser('a@example.com'))).toBeNull();
        expect((await users.findByEmailWithSecret('a@example.com'))?.passwordHash).toBe('hash');
        expect(await users.findById(created?.id ?? '')).toEqual(created);
      });

      it('pages newest first with a keyset and filters by role', async () => {
        for (let i = 0; i < 5; i++) {
          await users.create(
            newUser(`u${i}@example.com`, i % 2 ? 'admin' : 'user'),
            new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
          );
        }
        const first = await users.list({ limit: 2 });
        expect(first.items.map((u) => u.email)).toEqual(['u4@example.com', 'u3@example.com']);
        const second = await users.list({ limit: 2, after: first.next ?? undefined });
        expect(second.items.map((u) => u.email)).toEqual(['u2@example.com', 'u1@example.com']);
        const last = await users.list({ limit: 2, after: second.next ?? undefined });
        expect(last.items.map((u) => u.email)).toEqual(['u0@example.com']);
        expect(last.next).toBeNull();
        expect((await users.list({ limit: 10, role: 'admin' })).items).toHaveLength(2);
        expect(await users.countActiveAdmins()).toBe(2);
      });

      it('updates fields and counts only active admins', async () => {
        const admin = await users.create(newUser('admin@example.com', 'admin'));
        await users.update(admin?.id ?? '', { disabled: true, displayName: 'Renamed' });
        expect(await users.findById(admin?.id ?? '')).toMatchObject({
          disabled: true,
          displayName: 'Renamed',
        });
        expect(await users.countActiveAdmins()).toBe(0);
      });
    });

    describe('sessions', () => {
      async function session(userId: string, hash: string) {
        const now = Date.now();
        return sessions.create({
          id: randomUUID(),
          userId,
          userAgent: 'test',
          ip: '127.0.0.1',
          idleExpiresAt: new Date(now + 60_000),
          absoluteExpiresAt: new Date(now + 120_000),
          refreshTokenHash: hash,
        });
      }

      it('tells current, superseded and unknown refresh tokens apart', async () => {
        const user = await users.create(newUser('s@example.com'));
        const s = await session(user?.id ?? '', 'h1');
        expect(await sessions.lookupRefreshToken('h1')).toMatchObject({
          kind: 'current',
          session: { id: s.id },
        });
        expect(await sessions.rotate(s.id, 'h1', 'h2', new Date(Date.now() + 60_000))).toBe(true);
        expect(await sessions.lookupRefreshToken('h1')).toMatchObject({ kind: 'superseded' });
        expect(await sessions.lookupRefreshToken('h2')).toMatchObject({ kind: 'current' });
        expect(await sessions.lookupRefreshToken('nope')).toEqual({ kind: 'unknown' });
      });

      it('lets exactly one of several concurrent rotations of one token win', async () => {
        const user = await users.create(newUser('race@example.com'));
        const s = await session(user?.id ?? '', 'r0');
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            sessions.rotate(s.id, 'r0', `r${i + 1}`, new Date(Date.now() + 60_000)),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('revokes one or all sessions of a user and reports recent revocations', async () => {
        const user = await users.create(newUser('rev@example.com'));
        const userId = user?.id ?? '';
        const a = await session(userId, 'a');
        const b = await session(userId, 'b');
        const c = await session(userId, 'c');
        const before = new Date(Date.now() - 1000);
        expect(await sessions.revoke(a.id, 'logout')).toBe(true);
        expect(await sessions.revoke(a.id, 'logout')).toBe(false);
        expect(await sessions.revokeAllOfUser(userId, 'password-change', c.id)).toEqual([b.id]);
        expect((await sessions.listActive(userId, { limit: 10 })).items.map((s) => s.id)).toEqual([
          c.id,
        ]);
        expect((await sessions.revokedSince(before)).map((r) => r.id).sort()).toEqual(
          [a.id, b.id].sort(),
        );
      });
    });

    describe('login failures', () => {
      it('counts concurrent failures exactly and resets', async () => {
        const repo = new LoginFailureRepository(database.db);
        await Promise.all(Array.from({ length: 10 }, () => repo.increment('k')));
        expect((await repo.get('k')).failures).toBe(10);
        const until = new Date(Date.now() + 60_000);
        await repo.lock('k', until);
        expect((await repo.get('k')).lockedUntil).toBe(until.toISOString());
        await repo.reset('k');
        expect(await repo.get('k')).toEqual({ failures: 0, lockedUntil: null });
      });
    });

    describe('audit events', () => {
      it('lists newest first, filtered by type and actor, in pages', async () => {
        const repo = new AuditEventRepository(database.db);
        for (let i = 0; i < 3; i++) {
          await repo.append(
            {
              type: i === 1 ? 'login.failure' : 'login.success',
              actorId: `u${i % 2}`,
              targetId: null,
              ip: '127.0.0.1',
              requestId: `r${i}`,
              outcome: i === 1 ? 'failure' : 'success',
              detail: null,
            },
            new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
          );
        }
        const page = await repo.list({ limit: 2 });
        expect(page.items.map((e) => e.requestId)).toEqual(['r2', 'r1']);
        expect(
          (await repo.list({ limit: 2, after: page.next ?? undefined })).items.map(
            (e) => e.requestId,
          ),
        ).toEqual(['r0']);
        expect((await repo.list({ limit: 10, type: 'login.failure' })).items).toHaveLength(1);
        expect((await repo.list({ limit: 10, actorId: 'u0' })).items).toHaveLength(2);
      });
    });
  });
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`API keys on ${dialect.name}`, () => {
    it('finds a key by hash with its owner, deletes only the owner’s key', async () => {
      const database = await openTestDatabase(dialect);
      try {
        const users = new UserRepository(database.db);
        const keys = new ApiKeyRepository(database.db);
        const owner = await users.create({
          email: 'k@example.com',
          passwordHash: 'h',
          displayName: 'K',
          role: 'admin',
        });
        const other = await users.create({
          email: 'o@example.com',
          passwordHash: 'h',
          displayName: 'O',
          role: 'user',
        });
        const key = await keys.create({
          userId: owner?.id ?? '',
          name: 'ci',
          prefix: 'gh_live_abcd',
          keyHash: 'hash-1',
          scopes: ['notes:read', 'notes:write'],
          expiresAt: null,
        });
        expect(await keys.findByHash('hash-1')).toMatchObject({
          id: key.id,
          scopes: ['notes:read', 'notes:write'],
          ownerRole: 'admin',
          ownerDisabled: false,
        });
        expect(await keys.findByHash('hash-2')).toBeNull();
        expect(await keys.delete(key.id, other?.id ?? '')).toBe(false);
        await keys.touchLastUsed(key.id, new Date(Date.UTC(2026, 0, 2)));
        expect((await keys.listByUser(owner?.id ?? ''))[0]?.lastUsedAt).toBe(
          '2026-01-02T00:00:00.000Z',
        );
        expect(await keys.delete(key.id, owner?.id ?? '')).toBe(true);
        expect(await keys.countByUser(owner?.id ?? '')).toBe(0);
      } finally {
        await database.close();
      }
    });
  });
}
