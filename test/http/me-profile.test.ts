// GET and PATCH /v1/users/me through the HTTP layer (API.md section 3, Own account): the public
// shape, display name as the only field a user may change, and nothing changed by a refused body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor, createUser, sessionFor, type TestSession } from '../helpers/auth.ts';

let t: TestApp;
let alice: TestSession;

beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_IP: '100000/minute', RATE_LIMIT_USER: '100000/minute' },
  });
  alice = await sessionFor(t, await createUser(t));
});
afterAll(() => t.close());

interface UserBody {
  id: string;
  email: string;
  displayName: string;
  role: string;
  createdAt: string;
  updatedAt: string;
}

function get(authorization?: string) {
  return t.app.inject({
    method: 'GET',
    url: '/v1/users/me',
    headers: authorization === undefined ? {} : { authorization },
  });
}

function patch(body: unknown, authorization = alice.headers.authorization) {
  return t.app.inject({
    method: 'PATCH',
    url: '/v1/users/me',
    headers: { authorization },
    payload: body as object,
  });
}

const stored = () => t.app.services.users.findByIdWithSecret(alice.user.id);

describe('GET /v1/users/me', () => {
  it('answers the caller’s public fields only, not cached', async () => {
    const res = await get(alice.headers.authorization);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<UserBody>();
    expect(Object.keys(body).sort()).toEqual(
      ['createdAt', 'displayName', 'email', 'id', 'role', 'updatedAt'].sort(),
    );
    const row = await stored();
    expect(body).toEqual({
      id: alice.user.id,
      email: alice.user.email,
      displayName: row?.displayName,
      role: 'user',
      createdAt: row?.createdAt,
      updatedAt: row?.updatedAt,
    });
    expect(res.body).not.toMatch(/hash|argon|disabled|password/i);
  });

  it('answers an API key with users:read:self, refuses one without it (403) and no credentials (401)', async () => {
    const reader = await apiKeyFor(t, alice.user, ['users:read:self']);
    const readerRes = await get(reader.headers.authorization);
    expect(readerRes.statusCode).toBe(200);
    expect(readerRes.json<UserBody>().id).toBe(alice.user.id);
    const other = await apiKeyFor(t, alice.user, ['notes:read', 'notes:write']);
    expect((await get(other.headers.authorization)).statusCode).toBe(403);
    const none = await get();
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses any query parameter with 400', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/users/me?fields=passwordHash',
      headers: alice.headers,
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('PATCH /v1/users/me', () => {
  it('changes the display name, normalised to NFC, and answers the user', async () => {
    const before = await stored();
    const res = await patch({ displayName: 'Ali\u0301ce Liddell' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<UserBody>();
    expect(body.displayName).toBe('Alíce Liddell');
    expect(body).toMatchObject({ id: alice.user.id, email: alice.user.email, role: 'user' });
    expect(Date.parse(body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before?.updatedAt ?? ''));
    expect((await stored())?.displayName).toBe('Alíce Liddell');
    expect((await get(alice.headers.authorization)).json<UserBody>().displayName).toBe(
      'Alíce Liddell',
    );
  });

  it('answers an empty body with the unchanged user', async () => {
    const before = await stored();
    const res = await patch({});
    expect(res.statusCode).toBe(200);
    expect(res.json<UserBody>().displayName).toBe(before?.displayName);
  });

  it.each([
    ['role', { role: 'admin' }],
    ['email', { email: 'takeover@example.com' }],
    ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ['disabled', { disabled: true }],
    [
      'passwordHash',
      { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA' },
    ],
    ['createdAt', { createdAt: '2000-01-01T00:00:00.000Z' }],
  ])(
    'refuses %s with 400 at its pointer and changes nothing, not even a valid display name sent with it',
    async (field, extra) => {
      const before = await stored();
      const res = await patch({ displayName: 'Should Not Stick', ...extra });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ errors: Array<{ pointer: string }> }>().errors).toEqual([
        expect.objectContaining({ pointer: `/body/${field}` }),
      ]);
      expect(await stored()).toEqual(before);
    },
  );

  it.each([
    ['null', null],
    ['empty', ''],
    ['101 characters', 'x'.repeat(101)],
    ['a control character', 'Alice\u0000'],
    ['a newline', 'Alice\nAdmin'],
    ['a number', 42],
  ])('refuses a display name that is %s with 400 at /body/displayName', async (_name, value) => {
    const before = await stored();
    const res = await patch({ displayName: value });
    expect(res.statusCode).toBe(400);
    const pointers = res
      .json<{ errors: Array<{ pointer: string }> }>()
      .errors.map((e) => e.pointer);
    expect(new Set(pointers)).toEqual(new Set(['/body/displayName']));
    expect(await stored()).toEqual(before);
  });

  it('refuses an API key, even one with users:write:self, with 403', async () => {
    const writer = await apiKeyFor(t, alice.user, ['users:read:self', 'users:write:self']);
    const before = await stored();
    const res = await patch({ displayName: 'Via Key' }, writer.headers.authorization);
    expect(res.statusCode).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('refuses a body that is not JSON with 415, and no credentials with 401', async () => {
    const text = await t.app.inject({
      method: 'PATCH',
      url: '/v1/users/me',
      headers: { ...alice.headers, 'content-type': 'text/plain' },
      payload: 'displayName=Eve',
    });
    expect(text.statusCode).toBe(415);
    const anonymous = await t.app.inject({
      method: 'PATCH',
      url: '/v1/users/me',
      payload: { displayName: 'Eve' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
