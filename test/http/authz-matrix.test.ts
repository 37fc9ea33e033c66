// The authorization matrix, generated from the route declarations: every operation of
// /openapi.json, with the `config.security` its route declares, x every kind of caller x own /
// other's / missing object, on SQLite and PostgreSQL. Routes without an object spec below (added
// later) still get every row that access control decides before validation (401 and 403).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSecurity } from '../../src/security/route.ts';
import {
  PERMISSIONS,
  ROLE_NAMES,
  permissionsOf,
  roleHas,
  type Permission,
  type Role,
} from '../../src/security/permissions.ts';
import { API_KEY_PATTERN } from '../../src/security/authn/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor, createUser, sessionFor, type TestUser } from '../helpers/auth.ts';
import { DIALECTS } from '../helpers/databases.ts';

type Headers = Record<string, string>;
type ObjectKind = 'own' | 'other' | 'missing' | 'none';

interface Operation {
  readonly method: string;
  /** As /openapi.json writes it: `/v1/notes/{id}`. */
  readonly path: string;
  readonly security: RouteSecurity;
}

interface Actor {
  readonly name: string;
  readonly kind: 'anonymous' | 'session' | 'apiKey';
  /** The user the credential acts as (the key's owner for API keys). */
  readonly user: TestUser | null;
  readonly permissions: ReadonlySet<Permission>;
  readonly headers: (fresh: boolean) => Promise<Headers>;
}

interface Prepared {
  readonly url: string;
  readonly payload?: Record<string, unknown>;
  /** Re-reads the target through the repository, to show a denied write changed nothing. */
  readonly snapshot?: () => Promise<unknown>;
}

interface ObjectSpec {
  /** Whether the route acts on one object (own / other's / missing rows). */
  readonly objects: boolean;
  /** Builds the request; `owner` null means a missing object. */
  prepare(ctx: Fixture, owner: TestUser | null, actor: TestUser | null): Promise<Prepared>;
  /** The status once access control let the caller through (API.md sections 1 and 3). */
  expected(permissions: ReadonlySet<Permission>, kind: ObjectKind): number;
}

interface Fixture {
  readonly t: TestApp;
  readonly alice: TestUser;
  readonly bob: TestUser;
  readonly admin: TestUser;
  readonly secrets: string[];
  /** The three users' sessions. */
  readonly sessionActors: readonly Actor[];
  /** One set of keys per permission, made once (a user may hold at most 20). */
  readonly keyActors: Map<Permission, Actor[]>;
}

export interface MatrixRow {
  readonly operation: string;
  readonly actor: string;
  readonly object: ObjectKind;
  readonly expected: number | 'not-401-403';
  readonly status: number;
  readonly body: string;
  readonly unchanged: boolean | null;
}

const RATE_LIMITS_OFF = {
  RATE_LIMIT_USER: '10000/second',
  RATE_LIMIT_ADMIN: '10000/second',
  RATE_LIMIT_IP: '10000/second',
};

const can = (permissions: ReadonlySet<Permission>, permission: Permission) =>
  permissions.has(permission);

async function countRows(ctx: Fixture, table: 'notes' | 'api_keys'): Promise<number> {
  const row = await ctx.t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function noteOf(ctx: Fixture, owner: TestUser | null): Promise<string> {
  if (!owner) return randomUUID();
  const note = await ctx.t.app.services.notes.create({
    ownerId: owner.id,
    title: 'matrix note',
    body: 'unchanged',
    tags: ['matrix'],
  });
  return note.id;
}

const noteSnapshot = (ctx: Fixture, id: string) => () => ctx.t.app.services.notes.findById(id);

/** What each of this engineer's routes does once the caller holds the route's permission. */
const SPECS: Record<string, ObjectSpec> = {
  'POST /v1/notes': {
    objects: false,
    prepare: (ctx) =>
      Promise.resolve({
        url: '/v1/notes',
        payload: { title: 'matrix', body: 'b', tags: ['m'] },
        snapshot: () => countRows(ctx, 'notes'),
      }),
    expected: () => 201,
  },
  'GET /v1/notes': {
    objects: false,
    prepare: () => Promise.resolve({ url: '/v1/notes?limit=5' }),
    expected: () => 200,
  },
  'GET /v1/notes/{id}': {
    objects: true,
    prepare: async (ctx, owner) => ({ url: `/v1/notes/${await noteOf(ctx, owner)}` }),
    expected: (p, kind) =>
      kind === 'own' ? 200 : kind === 'other' && can(p, 'notes:read:any') ? 200 : 404,
  },
  'PATCH /v1/notes/{id}': {
    objects: true,
    prepare: async (ctx, owner) => {
      const id = await noteOf(ctx, owner);
      return {
        url: `/v1/notes/${id}`,
        payload: { title: 'changed by the matrix' },
        snapshot: noteSnapshot(ctx, id),
      };
    },
    expected: (p, kind) =>
      kind === 'own' ? 200 : kind === 'other' && can(p, 'notes:read:any') ? 403 : 404,
  },
  'DELETE /v1/notes/{id}': {
    objects: true,
    prepare: async (ctx, owner) => {
      const id = await noteOf(ctx, owner);
      return { url: `/v1/notes/${id}`, snapshot: noteSnapshot(ctx, id) };
    },
    expected: (p, kind) => {
      if (kind === 'own') return 204;
      if (kind === 'missing' || !can(p, 'notes:read:any')) return 404;
      return can(p, 'notes:delete:any') ? 204 : 403;
    },
  },
  'POST /v1/api-keys': {
    objects: false,
    prepare: (ctx) =>
      Promise.resolve({
        url: '/v1/api-keys',
        payload: { name: 'matrix', scopes: ['notes:read'] },
        snapshot: () => countRows(ctx, 'api_keys'),
      }),
    expected: () => 201,
  },
  'GET /v1/api-keys': {
    objects: false,
    prepare: () => Promise.resolve({ url: '/v1/api-keys' }),
    expected: () => 200,
  },
  'DELETE /v1/api-keys/{id}': {
    objects: true,
    prepare: async (ctx, owner) => {
      if (!owner) return { url: `/v1/api-keys/${randomUUID()}` };
      const key = await apiKeyFor(ctx.t, owner, ['notes:read']);
      return {
        url: `/v1/api-keys/${key.id}`,
        snapshot: async () =>
          (await ctx.t.app.services.apiKeys.listByUser(owner.id)).find((k) => k.id === key.id) ??
          null,
      };
    },
    expected: (_p, kind) => (kind === 'own' ? 204 : 404),
  },
  'GET /v1/admin/users': {
    objects: false,
    prepare: () => Promise.resolve({ url: '/v1/admin/users?limit=5' }),
    expected: () => 200,
  },
  'GET /v1/admin/audit': {
    objects: false,
    prepare: () => Promise.resolve({ url: '/v1/admin/audit?limit=5' }),
    expected: () => 200,
  },
  'PATCH /v1/admin/users/{id}': {
    objects: true,
    // `disabled: false` on an active user changes nothing that matters to the other rows.
    prepare: (ctx, owner) => {
      const id = owner?.id ?? randomUUID();
      return Promise.resolve({
        url: `/v1/admin/users/${id}`,
        payload: { disabled: false },
        snapshot: () => ctx.t.app.services.users.findById(id),
      });
    },
    expected: (_p, kind) => (kind === 'missing' ? 404 : 200),
  },
  'GET /v1/users/{id}': {
    objects: true,
    prepare: (_ctx, owner) => Promise.resolve({ url: `/v1/users/${owner?.id ?? randomUUID()}` }),
    expected: (p, kind) =>
      kind === 'own' ? 200 : kind === 'other' && can(p, 'users:read') ? 200 : 404,
  },
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const opName = (op: Operation) => `${op.method} ${op.path}`;
const fastifyUrl = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
const withRandomIds = (path: string) => path.replace(/\{\w+\}/g, () => randomUUID());

/** The lowest role holding a permission: its holder owns the matrix key for it. */
const holderOf = (permission: Permission): Role =>
  ROLE_NAMES.find((role) => roleHas(role, permission)) ?? 'admin';

function sessionActor(t: TestApp, name: string, user: TestUser, secrets: string[]): Actor {
  let fixed: Promise<Headers> | undefined;
  const open = async () => {
    const session = await sessionFor(t, user);
    secrets.push(session.refreshToken);
    return session.headers;
  };
  return {
    name,
    kind: 'session',
    user,
    permissions: new Set(permissionsOf(user.role)),
    // Routes without a spec get a fresh session: one of them (logout) ends the session it is given.
    headers: (fresh) => (fresh ? open() : (fixed ??= open())),
  };
}

async function keyActor(
  t: TestApp,
  name: string,
  user: TestUser,
  scopes: Permission[],
  secrets: string[],
): Promise<Actor> {
  const key = await apiKeyFor(t, user, scopes);
  secrets.push(key.key);
  const held = new Set(permissionsOf(user.role));
  return {
    name,
    kind: 'apiKey',
    user,
    permissions: new Set(scopes.filter((s) => held.has(s))),
    headers: () => Promise.resolve(key.headers),
  };
}

/** The callers of one operation: the fixed users, and keys with and without its permission. */
async function actorsFor(ctx: Fixture, permission: Permission): Promise<Actor[]> {
  const { t, alice, admin, secrets } = ctx;
  const cached = ctx.keyActors.get(permission);
  const owner = holderOf(permission) === 'user' ? alice : admin;
  const keys = cached ?? [
    await keyActor(t, `API key (${owner.role}) with ${permission}`, owner, [permission], secrets),
    await keyActor(
      t,
      `API key (${owner.role}) without ${permission}`,
      owner,
      permissionsOf(owner.role).filter((p) => p !== permission),
      secrets,
    ),
    ...(owner === admin
      ? []
      : [await keyActor(t, `API key (admin) with ${permission}`, admin, [permission], secrets)]),
  ];
  ctx.keyActors.set(permission, keys);
  return [...ctx.sessionActors, ...keys];
}

/** 401 / 403 as access control decides them from the declaration alone, else null. */
function functionLevel(op: Operation, actor: Actor): number | null {
  if (actor.kind === 'anonymous') return 401;
  if (op.security.auth === 'session' && actor.kind === 'apiKey') return 403;
  const permission = op.security.permission;
  if (permission === null || !actor.permissions.has(permission)) return 403;
  return null;
}

async function runCase(
  ctx: Fixture,
  op: Operation,
  actor: Actor,
  kind: ObjectKind,
  spec: ObjectSpec | undefined,
): Promise<MatrixRow> {
  const other = actor.user?.id === ctx.alice.id ? ctx.bob : ctx.alice;
  const owner = kind === 'own' ? actor.user : kind === 'other' ? other : null;
  const prepared: Prepared = spec
    ? await spec.prepare(ctx, owner, actor.user)
    : { url: withRandomIds(op.path) };
  const denied = functionLevel(op, actor);
  const expected = denied ?? (spec ? spec.expected(actor.permissions, kind) : 'not-401-403');
  const before = await prepared.snapshot?.();
  const response = await ctx.t.app.inject({
    method: op.method as 'GET',
    url: prepared.url,
    headers: await actor.headers(spec === undefined),
    ...(prepared.payload === undefined ? {} : { payload: prepared.payload }),
  });
  const reread = prepared.snapshot;
  const deniedWrite = WRITE_METHODS.has(op.method) && response.statusCode >= 400;
  const unchanged = deniedWrite && reread ? expectEqual(before, await reread()) : null;
  if (response.statusCode === 401 && !response.headers['www-authenticate'])
    throw new Error(`${opName(op)} 401 without WWW-Authenticate`);
  return {
    operation: opName(op),
    actor: actor.name,
    object: kind,
    expected,
    status: response.statusCode,
    body: response.body,
    unchanged,
  };
}

function expectEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function matches(row: MatrixRow): boolean {
  if (row.status >= 500) return false;
  if (row.expected === 'not-401-403') return row.status !== 401 && row.status !== 403;
  return row.status === row.expected;
}

/** Every operation of the app's own OpenAPI document, with its route's declaration. */
async function operations(
  t: TestApp,
  declarations: Map<string, RouteSecurity>,
): Promise<Operation[]> {
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      const upper = method.toUpperCase();
      // One anonymous request lets the capture hook read the route's declaration.
      await t.app.inject({ method: upper as 'GET', url: withRandomIds(path) });
      const security = declarations.get(`${upper} ${fastifyUrl(path)}`);
      if (!security) throw new Error(`no declaration captured for ${upper} ${path}`);
      ops.push({ method: upper, path, security });
    }
  }
  return ops;
}

/** Runs the whole matrix once for an app; every response is kept for the scans. */
async function runMatrix(ctx: Fixture, ops: readonly Operation[]): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  const anonymous: Actor = {
    name: 'anonymous',
    kind: 'anonymous',
    user: null,
    permissions: new Set(),
    headers: () => Promise.resolve({}),
  };
  for (const op of ops) {
    const spec = SPECS[opName(op)];
    if (op.security.auth === 'public') {
      const response = await ctx.t.app.inject({
        method: op.method as 'GET',
        url: withRandomIds(op.path),
      });
      rows.push({
        operation: opName(op),
        actor: 'anonymous',
        object: 'none',
        expected: 'not-401-403',
        status: response.statusCode,
        body: response.body,
        unchanged: null,
      });
      continue;
    }
    const permission = op.security.permission;
    if (permission === null) throw new Error(`${opName(op)} is not public but has no permission`);
    const kinds: ObjectKind[] = spec?.objects ? ['own', 'other', 'missing'] : ['none'];
    // Anonymous callers aim at someone's real object, so a denied write can be re-read.
    rows.push(await runCase(ctx, op, anonymous, spec?.objects ? 'other' : 'none', spec));
    for (const actor of await actorsFor(ctx, permission)) {
      for (const kind of kinds) rows.push(await runCase(ctx, op, actor, kind, spec));
    }
  }
  return rows;
}

const FORBIDDEN_FIELDS =
  /^(password|passwordHash|password_hash|hash|keyHash|key_hash|tokenHash|token_hash|secret|refreshTokenHash)$/i;
const DOCUMENTS = new Set(['GET /openapi.json', 'GET /docs']);

/** Secret material in one response body; empty when clean. */
function leaksIn(row: MatrixRow, secrets: readonly string[]): string[] {
  const found = secrets.filter((secret) => row.body.includes(secret)).map(() => 'a known secret');
  if (DOCUMENTS.has(row.operation) || row.body === '') return found;
  const issuesKey = row.operation === 'POST /v1/api-keys' && row.status === 201;
  const walk = (value: unknown, field: string): void => {
    if (typeof value === 'string') {
      if (value.includes('gh_live_')) {
        const isPrefix = field === 'prefix' && value.length <= 14;
        const isIssuedKey = issuesKey && field === 'key' && API_KEY_PATTERN.test(value);
        if (!isPrefix && !isIssuedKey) found.push(`API key material in ${field}`);
      }
      if (/^\$argon2/.test(value)) found.push(`a password hash in ${field}`);
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (FORBIDDEN_FIELDS.test(key)) found.push(`field ${key}`);
        walk(child, Array.isArray(value) ? field : key);
      }
    }
  };
  walk(JSON.parse(row.body) as unknown, '');
  return found;
}

const SECURITY_DOC = readFileSync(join(import.meta.dirname, '../../docs/security.md'), 'utf8');

/** The trimmed cells of every table row in docs/security.md. */
const DOC_ROWS = SECURITY_DOC.split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

/** The cells of the permission table row of `permission`. */
function docCells(permission: string): string[] | undefined {
  return DOC_ROWS.find((cells) => cells[0] === `\`${permission}\``);
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`authorization matrix on ${dialect.name}`, () => {
    const declarations = new Map<string, RouteSecurity>();
    let fixture: Fixture | undefined;
    let ops: Operation[];
    let rows: MatrixRow[];

    beforeAll(async () => {
      const t = await createTestApp({
        dialect,
        env: RATE_LIMITS_OFF,
        routes: (app) => {
          app.addHook('onRequest', async (request) => {
            const security = request.routeOptions.config.security;
            if (security)
              declarations.set(`${request.method} ${request.routeOptions.url ?? ''}`, security);
            return Promise.resolve();
          });
        },
      });
      const [alice, bob, admin] = await Promise.all([
        createUser(t, 'user'),
        createUser(t, 'user'),
        createUser(t, 'admin'),
      ]);
      const secrets: string[] = [alice.password, bob.password, admin.password];
      for (const user of [alice, bob, admin]) {
        const stored = await t.app.services.users.findByIdWithSecret(user.id);
        if (stored) secrets.push(stored.passwordHash);
      }
      const sessionActors = [
        sessionActor(t, 'user', alice, secrets),
        sessionActor(t, 'other user', bob, secrets),
        sessionActor(t, 'admin', admin, secrets),
      ];
      fixture = { t, alice, bob, admin, secrets, sessionActors, keyActors: new Map() };
      ops = await operations(t, declarations);
      rows = await runMatrix(fixture, ops);
    });
    afterAll(async () => {
      await fixture?.t.close();
    });

    it('answers every row as API.md says (401 / 403 / 404 / 2xx)', () => {
      const failures = rows
        .filter((row) => !matches(row))
        .map(
          (r) => `${r.operation} as ${r.actor} on ${r.object}: ${r.status}, expected ${r.expected}`,
        );
      expect(failures).toEqual([]);
      expect(rows.length).toBeGreaterThan(150);
    });

    it('leaves the object unchanged after every denied write', () => {
      const checked = rows.filter((r) => r.unchanged !== null);
      expect(checked.length).toBeGreaterThan(40);
      expect(
        checked.filter((r) => !r.unchanged).map((r) => `${r.operation} as ${r.actor}`),
      ).toEqual([]);
    });

    it('covers every route of this issue with objects, and every other route at least 401/403', () => {
      const names = new Set(ops.map(opName));
      for (const name of Object.keys(SPECS)) expect(names, name).toContain(name);
      for (const op of ops) {
        const mine = rows.filter((r) => r.operation === opName(op));
        if (op.security.auth === 'public') {
          expect(mine.length, opName(op)).toBe(1);
          continue;
        }
        expect(
          mine.some((r) => r.actor === 'anonymous' && r.status === 401),
          opName(op),
        ).toBe(true);
        const keyed = mine.filter((r) => r.actor.startsWith('API key'));
        if (op.security.auth === 'session')
          expect(
            keyed.every((r) => r.status === 403),
            opName(op),
          ).toBe(true);
      }
    });

    it('never shows a password, hash, secret, refresh token or API key outside its issuance', () => {
      const issuing = rows.filter((r) => r.operation === 'POST /v1/api-keys' && r.status === 201);
      expect(issuing.length).toBe(3);
      // The keys issued during the run are secrets too, everywhere but their own response.
      const issued = issuing.map((r) => JSON.parse(r.body) as { key: string });
      const secrets = [...(fixture?.secrets ?? []), ...issued.map((i) => i.key)];
      const leaks = rows.flatMap((row) =>
        leaksIn(row, issuing.includes(row) ? (fixture?.secrets ?? []) : secrets).map(
          (leak) => `${row.operation} as ${row.actor}: ${leak}`,
        ),
      );
      expect(leaks).toEqual([]);
    });

    it('lists in docs/security.md exactly the routes that declare each permission', () => {
      for (const permission of PERMISSIONS) {
        const documented = [...(docCells(permission)?.[3] ?? '').matchAll(/`([A-Z]+ \/[^`]*)`/g)]
          .map((m) => m[1])
          .sort();
        const declared = ops
          .filter((op) => op.security.permission === permission)
          .map(opName)
          .sort();
        expect(documented, permission).toEqual(declared);
      }
    });
  });
}

describe('docs/security.md permission table', () => {
  it('has one row per permission with exactly the roles of src/security/permissions.ts', () => {
    const header = DOC_ROWS.find((cells) => cells[0] === 'permission');
    expect(header?.slice(1, 1 + ROLE_NAMES.length)).toEqual(ROLE_NAMES.map((r) => `\`${r}\``));
    for (const permission of PERMISSIONS) {
      const row = docCells(permission);
      expect(row, permission).toBeDefined();
      ROLE_NAMES.forEach((role, index) => {
        expect(row?.[index + 1], `${role} / ${permission}`).toBe(
          roleHas(role, permission) ? 'yes' : '—',
        );
      });
    }
    const permissionRows = DOC_ROWS.filter((cells) => /^`[a-z:]+`$/.test(cells[0] ?? ''));
    expect(permissionRows.map((cells) => cells[0])).toEqual(PERMISSIONS.map((p) => `\`${p}\``));
  });
});
