// POST /v1/auth/refresh through the HTTP layer (API.md sections 2 and 3): every use rotates the
// token; a rotated token coming back revokes the whole session at once; idle and absolute expiry;
// garbage; and two concurrent refreshes of one token, on every dialect.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../src/security/authn/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, sessionFor, type TestSession, type TestUser } from '../helpers/auth.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { decodeSegment } from '../helpers/tokens.ts';

const ENV = {
  REFRESH_IDLE_TTL: '60s',
  RATE_LIMIT_IP: '100000/minute',
  RATE_LIMIT_USER: '100000/minute',
};

let t: TestApp;
let user: TestUser;

beforeAll(async () => {
  t = await createTestApp({ env: ENV });
  user = await createUser(t);
});
afterAll(() => t.close());

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

function refresh(app: TestApp, refreshToken: unknown) {
  return app.app.inject({
    method: 'POST',
    url: '/v1/auth/refresh',
    payload: { refresh_token: refreshToken },
  });
}

function me(accessToken: string) {
  return t.app.inject({
    method: 'GET',
    url: '/v1/users/me',
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

async function rotate(refreshToken: string): Promise<TokenBody> {
  const res = await refresh(t, refreshToken);
  expect(res.statusCode).toBe(200);
  return res.json<TokenBody>();
}

const lookup = (token: string) =>
  t.app.services.sessions.lookupRefreshToken(hashRefreshToken(token));

function moveSession(
  id: string,
  changes: { idle_expires_at?: string; absolute_expires_at?: string },
) {
  return t.app.services.database.db
    .updateTable('sessions')
    .set(changes)
    .where('id', '=', id)
    .execute();
}

/** Every 401 of this route, whatever the reason, is byte-identical; collected here. */
const refusals = new Map<string, string>();

async function expectRefused(name: string, refreshToken: string): Promise<void> {
  const res = await refresh(t, refreshToken);
  expect(res.statusCode, name).toBe(401);
  expect(res.headers['www-authenticate'], name).toBe('Bearer error="invalid_token"');
  expect(res.headers['content-type'], name).toMatch(/^application\/problem\+json/);
  expect(res.body, name).not.toContain(refreshToken);
  refusals.set(name, res.body);
}

describe('rotation', () => {
  it('answers the token response with a new refresh token and supersedes the old one', async () => {
    const session = await sessionFor(t, user);
    const res = await refresh(t, session.refreshToken);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<TokenBody>();
    expect(Object.keys(body).sort()).toEqual(
      ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type'].sort(),
    );
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(body.refresh_expires_in).toBeGreaterThan(55);
    expect(body.refresh_expires_in).toBeLessThanOrEqual(60);
    expect(body.refresh_token).not.toBe(session.refreshToken);
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await lookup(session.refreshToken)).kind).toBe('superseded');
    expect((await lookup(body.refresh_token)).kind).toBe('current');
    // The new access token belongs to the same session and works.
    expect(decodeSegment(body.access_token, 1)).toMatchObject({
      sub: user.id,
      sid: session.sessionId,
    });
    expect((await me(body.access_token)).statusCode).toBe(200);
    // And the new refresh token rotates again.
    const next = await rotate(body.refresh_token);
    expect(next.refresh_token).not.toBe(body.refresh_token);
    expect((await lookup(body.refresh_token)).kind).toBe('superseded');
  });

  it('extends the idle lifetime on every use, never beyond the absolute lifetime', async () => {
    const session = await sessionFor(t, user);
    await moveSession(session.sessionId, {
      idle_expires_at: new Date(Date.now() + 5_000).toISOString(),
    });
    const first = await rotate(session.refreshToken);
    const row = await t.app.services.sessions.findById(session.sessionId);
    expect(Date.parse(row?.idleExpiresAt ?? '')).toBeGreaterThan(Date.now() + 50_000);
    expect(first.refresh_expires_in).toBeGreaterThan(55);

    await moveSession(session.sessionId, {
      absolute_expires_at: new Date(Date.now() + 20_000).toISOString(),
    });
    const capped = await rotate(first.refresh_token);
    expect(capped.refresh_expires_in).toBeLessThanOrEqual(20);
    const after = await t.app.services.sessions.findById(session.sessionId);
    expect(Date.parse(after?.idleExpiresAt ?? '')).toBeLessThanOrEqual(
      Date.parse(after?.absoluteExpiresAt ?? ''),
    );
  });

  it('records session.refreshed', async () => {
    const session = await sessionFor(t, user);
    await rotate(session.refreshToken);
    const events = await t.app.services.auditEvents.list({ limit: 100, type: 'session.refreshed' });
    expect(events.items).toContainEqual(
      expect.objectContaining({
        actorId: user.id,
        targetId: session.sessionId,
        outcome: 'success',
      }),
    );
  });
});

describe('reuse detection', () => {
  async function chain(): Promise<{ session: TestSession; tokens: TokenBody[] }> {
    const session = await sessionFor(t, user);
    const first = await rotate(session.refreshToken);
    const second = await rotate(first.refresh_token);
    return { session, tokens: [first, second] };
  }

  it('revokes the whole session when a rotated token comes back', async () => {
    const bystander = await sessionFor(t, user);
    const { session, tokens } = await chain();
    const [, newest] = tokens as [TokenBody, TokenBody];
    expect((await me(newest.access_token)).statusCode).toBe(200);

    await expectRefused('reused original token', session.refreshToken);

    // At once: the newest refresh token, and every access token of the session.
    await expectRefused('newest token after reuse', newest.refresh_token);
    const newestAccess = await me(newest.access_token);
    expect(newestAccess.statusCode).toBe(401);
    expect(newestAccess.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect((await me(session.accessToken)).statusCode).toBe(401);
    expect((await t.app.services.sessions.findById(session.sessionId))?.revokedAt).not.toBeNull();

    const events = await t.app.services.auditEvents.list({
      limit: 100,
      type: 'session.reuse-detected',
    });
    expect(events.items).toContainEqual(
      expect.objectContaining({
        actorId: user.id,
        targetId: session.sessionId,
        outcome: 'failure',
      }),
    );
    // Another session of the same user is not touched.
    expect((await me(bystander.accessToken)).statusCode).toBe(200);
    expect((await refresh(t, bystander.refreshToken)).statusCode).toBe(200);
  });

  it('treats the immediately previous token the same way', async () => {
    const { tokens } = await chain();
    const [previous, newest] = tokens as [TokenBody, TokenBody];
    await expectRefused('reused previous token', previous.refresh_token);
    await expectRefused('newest after reuse of previous', newest.refresh_token);
    expect((await me(newest.access_token)).statusCode).toBe(401);
  });

  it('keeps refusing a reused token (no second chance after revocation)', async () => {
    const { session } = await chain();
    await expectRefused('reuse 1', session.refreshToken);
    await expectRefused('reuse 2', session.refreshToken);
  });
});

describe('refusals', () => {
  it('refuses a session past its idle lifetime', async () => {
    const session = await sessionFor(t, user);
    await moveSession(session.sessionId, {
      idle_expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    await expectRefused('idle-expired session', session.refreshToken);
  });

  it('refuses a session past its absolute lifetime', async () => {
    const session = await sessionFor(t, user);
    await moveSession(session.sessionId, {
      absolute_expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    await expectRefused('absolute-expired session', session.refreshToken);
  });

  it('refuses the refresh token of a logged-out session', async () => {
    const session = await sessionFor(t, user);
    const out = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: session.headers,
    });
    expect(out.statusCode).toBe(204);
    await expectRefused('logged-out session', session.refreshToken);
  });

  it('refuses the refresh token of a disabled account', async () => {
    const victim = await createUser(t);
    const session = await sessionFor(t, victim);
    await t.app.services.users.update(victim.id, { disabled: true });
    await expectRefused('disabled account', session.refreshToken);
  });

  it('refuses garbage of the right type with 401', async () => {
    const session = await sessionFor(t, user);
    const real = session.refreshToken;
    const flipped = `${real.slice(0, 20)}${real[20] === 'A' ? 'B' : 'A'}${real.slice(21)}`;
    const cases: Array<[string, string]> = [
      ['a word', 'garbage'],
      ['random, well-formed, never issued', randomBytes(32).toString('base64url')],
      ['one character changed', flipped],
      ['with a trailing space', `${real} `],
      ['with padding', `${real}=`],
      ['its hash instead of itself', hashRefreshToken(real)],
      ['upper-cased', real.toUpperCase()],
      ['a SQL-looking string', "' OR '1'='1"],
      ['an API key look-alike', `gh_live_${'A'.repeat(43)}`],
      ['200 characters', 'a'.repeat(200)],
    ];
    for (const [name, token] of cases) await expectRefused(name, token);
    // None of that touched the real session.
    expect((await refresh(t, real)).statusCode).toBe(200);
  });

  it('refuses an access token presented as a refresh token, and bodies outside the schema with 400', async () => {
    const session = await sessionFor(t, user);
    const asRefresh = await refresh(t, session.accessToken);
    expect([400, 401]).toContain(asRefresh.statusCode);
    for (const payload of [
      {},
      { refresh_token: '' },
      { refresh_token: 42 },
      { refresh_token: null },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const extra = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refresh_token: session.refreshToken, grant_type: 'refresh_token' },
    });
    expect(extra.statusCode).toBe(400);
    // A refused request did not consume the token.
    expect((await refresh(t, session.refreshToken)).statusCode).toBe(200);
  });

  it('gives every refusal the same body, whatever the reason', () => {
    expect(refusals.size).toBeGreaterThan(15);
    expect(new Set(refusals.values()).size).toBe(1);
  });
});

describe.each(DIALECTS)('two concurrent refreshes of one token ($name)', (dialect) => {
  describe.skipIf(dialect.url === null)(dialect.name, () => {
    let d: TestApp;
    let owner: TestUser;

    beforeAll(async () => {
      d = await createTestApp({ env: ENV, dialect });
      owner = await createUser(d);
    });
    afterAll(async () => {
      await d.close();
    });

    it.each([2, 5])('lets exactly one of %i parallel refreshes succeed', async (parallel) => {
      for (let round = 0; round < 5; round += 1) {
        const session = await sessionFor(d, owner);
        const results = await Promise.all(
          Array.from({ length: parallel }, () => refresh(d, session.refreshToken)),
        );
        const statuses = results.map((r) => r.statusCode).sort();
        expect(statuses).toEqual([200, ...Array<number>(parallel - 1).fill(401)]);
      }
    });
  });
});
