// POST /v1/auth/login through the HTTP layer (API.md sections 3 and 5): the token response, one
// indistinguishable 401 for every failure, the per-account lock (which reveals nothing about
// whether the account exists), rehash-on-login of legacy password hashes, and the audit trail.
import { hash as argon2Hash } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginLock } from '../../src/service/auth/login-lock.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, strongPassword, type TestUser } from '../helpers/auth.ts';
import { decodeSegment } from '../helpers/tokens.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      LOGIN_LOCK_THRESHOLD: '3',
      RATE_LIMIT_LOGIN_ACCOUNT: '10000/minute',
      RATE_LIMIT_LOGIN_IP: '10000/minute',
      RATE_LIMIT_IP: '10000/minute',
      RATE_LIMIT_USER: '10000/minute',
    },
  });
});
afterAll(() => t.close());

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  'violated-policies'?: string[];
}

const unknownEmail = (): string => `nobody-${randomUUID().slice(0, 8)}@example.com`;

function login(email: string, password: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email, password },
    headers,
  });
}

async function auditOf(type: string) {
  return (await t.app.services.auditEvents.list({ limit: 100, type })).items;
}

/** Creates a user whose stored hash is exactly `passwordHash` (a legacy or foreign hash). */
async function userWithHash(password: string, passwordHash: string): Promise<TestUser> {
  const email = `legacy-${randomUUID().slice(0, 8)}@example.com`;
  const user = await t.app.services.users.create({
    email,
    passwordHash,
    displayName: 'Legacy',
    role: 'user',
  });
  if (!user) throw new Error('could not create the legacy user');
  return { id: user.id, email, password, role: 'user' };
}

const storedHash = async (user: TestUser): Promise<string | undefined> =>
  (await t.app.services.users.findByEmailWithSecret(user.email))?.passwordHash;

describe('success', () => {
  it('answers the OAuth token response, not cached, with a working access token', async () => {
    const user = await createUser(t);
    const res = await login(user.email, user.password, { 'user-agent': 'login-test/1.0' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<TokenBody>();
    expect(Object.keys(body).sort()).toEqual(
      ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type'].sort(),
    );
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(900);
    // REFRESH_IDLE_TTL default 7 days (a second may pass between issue and answer).
    expect(body.refresh_expires_in).toBeGreaterThanOrEqual(7 * 86_400 - 2);
    expect(body.refresh_expires_in).toBeLessThanOrEqual(7 * 86_400);
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(body.refresh_token).not.toBe(body.access_token);

    const header = decodeSegment(body.access_token, 0);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    const claims = decodeSegment(body.access_token, 1);
    expect(claims).toMatchObject({ sub: user.id, role: 'user', aud: t.config.jwtAudience });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);

    const authorization = `Bearer ${body.access_token}`;
    const me = await t.app.inject({
      method: 'GET',
      url: '/v1/users/me',
      headers: { authorization },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ id: string }>().id).toBe(user.id);

    const sessions = await t.app.inject({
      method: 'GET',
      url: '/v1/users/me/sessions',
      headers: { authorization },
    });
    const items = sessions.json<{
      items: Array<{ id: string; current: boolean; userAgent: string }>;
    }>().items;
    expect(items).toEqual([
      expect.objectContaining({ id: claims.sid, current: true, userAgent: 'login-test/1.0' }),
    ]);
  });

  it('finds the account under any casing of the email', async () => {
    const user = await createUser(t);
    expect((await login(user.email.toUpperCase(), user.password)).statusCode).toBe(200);
  });

  it('matches the password under Unicode normalisation (composed and decomposed forms)', async () => {
    const email = `nfkc-${randomUUID().slice(0, 8)}@example.com`;
    const composed = `Tq9!Crème-brûlée-${randomUUID().slice(0, 8)}`;
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const registered = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password: composed, displayName: 'Unicode' },
    });
    expect(registered.statusCode).toBe(201);
    expect((await login(email, decomposed)).statusCode).toBe(200);
    expect((await login(email, composed)).statusCode).toBe(200);
  });

  it('opens a new session per login', async () => {
    const user = await createUser(t);
    const first = (await login(user.email, user.password)).json<TokenBody>();
    const second = (await login(user.email, user.password)).json<TokenBody>();
    expect(decodeSegment(first.access_token, 1).sid).not.toBe(
      decodeSegment(second.access_token, 1).sid,
    );
    expect(first.refresh_token).not.toBe(second.refresh_token);
  });
});

describe('one answer for every failure', () => {
  it('gives unknown email, wrong password and a disabled account byte-identical 401s', async () => {
    const wrong = await createUser(t);
    const disabled = await createUser(t);
    await t.app.services.users.update(disabled.id, { disabled: true });
    const disabledWrong = await createUser(t);
    await t.app.services.users.update(disabledWrong.id, { disabled: true });

    const responses = {
      'unknown email': await login(unknownEmail(), strongPassword()),
      'wrong password': await login(wrong.email, `${wrong.password}x`),
      'disabled, right password': await login(disabled.email, disabled.password),
      'disabled, wrong password': await login(disabledWrong.email, 'Tq9!not-the-password'),
      'wrong password, other casing': await login(wrong.email.toUpperCase(), 'Tq9!not-it-either'),
    };
    const reference = responses['unknown email'];
    expect(reference.statusCode).toBe(401);
    expect(reference.json<Problem>().type).toMatch(/unauthorized$/);
    for (const [name, res] of Object.entries(responses)) {
      expect(res.statusCode, name).toBe(401);
      expect(res.body, name).toBe(reference.body);
      expect(res.headers['content-type'], name).toBe(reference.headers['content-type']);
      expect(res.headers['www-authenticate'], name).toBe(reference.headers['www-authenticate']);
      expect(res.headers['cache-control'], name).toBe('no-store');
      expect(res.headers['retry-after'], name).toBeUndefined();
    }
  });

  it('takes about as long for an unknown email as for a wrong password (one argon2 verification each)', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(t)));
    const timed = async (email: string): Promise<number> => {
      const started = performance.now();
      expect((await login(email, 'Tq9!wrong-for-timing')).statusCode).toBe(401);
      return performance.now() - started;
    };
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const known: number[] = [];
    const unknown: number[] = [];
    for (const user of users) {
      known.push(await timed(user.email));
      unknown.push(await timed(unknownEmail()));
    }
    // Generous bounds: this catches a skipped hash (about 1 ms against about 50 ms), not jitter.
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });

  it('does not let a disabled account in even though its password is right', async () => {
    const user = await createUser(t);
    await t.app.services.users.update(user.id, { disabled: true });
    const res = await login(user.email, user.password);
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('access_token');
  });

  it('refuses malformed bodies with 400, not 401 or 500', async () => {
    for (const payload of [
      { email: 'x@example.com' },
      { email: 'x@example.com', password: '' },
      { email: 'x@example.com', password: 12345678901234 },
      { email: 'x@example.com', password: strongPassword(), remember: true },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('account lock (LOGIN_LOCK_THRESHOLD=3)', () => {
  function expectLocked(res: Awaited<ReturnType<typeof login>>, name: string): number {
    expect(res.statusCode, name).toBe(429);
    expect(res.headers['content-type'], name).toMatch(/^application\/problem\+json/);
    const problem = res.json<Problem>();
    expect(problem.type, name).toMatch(/quota-exceeded$/);
    expect(problem['violated-policies'], name).toEqual(['login-lock']);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter), name).toBe(true);
    expect(retryAfter, name).toBeGreaterThan(0);
    expect(res.body).not.toContain('access_token');
    return retryAfter;
  }

  it('locks after 3 consecutive failures: 429 with Retry-After, even for the right password', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i += 1) {
      expect((await login(user.email, `Tq9!wrong-${i}-attempt`)).statusCode).toBe(401);
    }
    const locked = await login(user.email, 'Tq9!wrong-again-attempt');
    const retryAfter = expectLocked(locked, 'wrong password while locked');
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectLocked(await login(user.email, user.password), 'right password while locked');
    expectLocked(await login(user.email.toUpperCase(), user.password), 'other casing');

    const audited = await auditOf('login.locked');
    expect(audited).toContainEqual(
      expect.objectContaining({ actorId: user.id, outcome: 'failure' }),
    );
    // Another account is not affected.
    const other = await createUser(t);
    expect((await login(other.email, other.password)).statusCode).toBe(200);
  });

  it('locks an unknown email exactly like a real account, so the lock reveals nothing', async () => {
    const real = await createUser(t);
    const ghost = unknownEmail();
    for (let i = 0; i < 3; i += 1) {
      expect((await login(real.email, `Tq9!wrong-${i}-attempt`)).statusCode).toBe(401);
      expect((await login(ghost, `Tq9!wrong-${i}-attempt`)).statusCode).toBe(401);
    }
    const realLocked = await login(real.email, 'Tq9!another-wrong-one');
    const ghostLocked = await login(ghost, 'Tq9!another-wrong-one');
    const realRetry = expectLocked(realLocked, 'real account');
    const ghostRetry = expectLocked(ghostLocked, 'unknown email');
    expect(Math.abs(realRetry - ghostRetry)).toBeLessThanOrEqual(1);
    const withoutSeconds = (body: string): string => body.replace(/\d+/g, 'N');
    expect(withoutSeconds(ghostLocked.body)).toBe(withoutSeconds(realLocked.body));
    expect(Object.keys(ghostLocked.headers).sort()).toEqual(Object.keys(realLocked.headers).sort());
  });

  it('counts consecutive failures only: a success resets the count', async () => {
    const user = await createUser(t);
    for (let round = 0; round < 3; round += 1) {
      expect((await login(user.email, 'Tq9!wrong-password-1')).statusCode).toBe(401);
      expect((await login(user.email, 'Tq9!wrong-password-2')).statusCode).toBe(401);
      expect((await login(user.email, user.password)).statusCode).toBe(200);
    }
  });

  it('unlocks when the delay is over, and a further failure locks again for longer', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i += 1) await login(user.email, `Tq9!wrong-${i}-attempt`);
    expect((await login(user.email, user.password)).statusCode).toBe(429);
    // Let the first delay pass without waiting a minute.
    const { loginFailures, secret } = t.app.services;
    const accountKey = new LoginLock(loginFailures, secret, 3).accountKey(user.email);
    expect((await loginFailures.get(accountKey)).failures).toBe(3);
    await t.app.services.database.db
      .updateTable('login_failures')
      .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
      .where('account_key', '=', accountKey)
      .execute();
    expect((await login(user.email, 'Tq9!wrong-after-unlock')).statusCode).toBe(401);
    const relocked = await login(user.email, user.password);
    expect(relocked.statusCode).toBe(429);
    expect(Number(relocked.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(relocked.headers['retry-after'])).toBeLessThanOrEqual(120);
  });
});

describe('rehash on login', () => {
  // A legacy hash, as an older configuration (or the previous library default) would have stored
  // it: valid argon2, but below today's floor of m=19456, t=2.
  const weaker = { memoryCost: 8192, timeCost: 1, parallelism: 1 };
  // @node-rs/argon2 ships `Algorithm` as a const enum that is not present at run time.
  const ARGON2I = 1;
  const ARGON2ID = 2;

  /** A PHC string made directly with the library, bypassing the service's hasher and its floor. */
  function legacyHash(
    password: string,
    parameters: { memoryCost: number; timeCost: number; parallelism: number; algorithm: 1 | 2 },
  ): Promise<string> {
    const options = { ...parameters, outputLen: 32 } as const;
    return argon2Hash(password, options);
  }

  it('replaces a hash made with weaker parameters by one with the current parameters', async () => {
    const password = strongPassword();
    const legacy = await legacyHash(password, { ...weaker, algorithm: ARGON2ID });
    expect(legacy).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    const user = await userWithHash(password, legacy);
    expect((await login(user.email, password)).statusCode).toBe(200);
    const upgraded = await storedHash(user);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await login(user.email, password)).statusCode).toBe(200);
    expect(await storedHash(user)).toBe(upgraded);
  });

  it('replaces an argon2i hash by an argon2id one', async () => {
    const password = strongPassword();
    const legacy = await legacyHash(password, {
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      algorithm: ARGON2I,
    });
    expect(legacy).toMatch(/^\$argon2i\$/);
    const user = await userWithHash(password, legacy);
    expect((await login(user.email, password)).statusCode).toBe(200);
    expect(await storedHash(user)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('keeps a hash made with stronger parameters as it is', async () => {
    const password = strongPassword();
    const stronger = await legacyHash(password, {
      memoryCost: 19_456,
      timeCost: 3,
      parallelism: 1,
      algorithm: ARGON2ID,
    });
    const user = await userWithHash(password, stronger);
    expect((await login(user.email, password)).statusCode).toBe(200);
    expect(await storedHash(user)).toBe(stronger);
  });

  it('never rehashes on a failed login', async () => {
    const password = strongPassword();
    const legacy = await legacyHash(password, { ...weaker, algorithm: ARGON2ID });
    const user = await userWithHash(password, legacy);
    expect((await login(user.email, `${password}!`)).statusCode).toBe(401);
    expect(await storedHash(user)).toBe(legacy);
  });
});

describe('audit trail and logs', () => {
  it('writes login.succeeded and login.failed (with the reason) with the request context', async () => {
    const user = await createUser(t);
    const disabled = await createUser(t);
    await t.app.services.users.update(disabled.id, { disabled: true });
    const ok = await login(user.email, user.password, { 'x-request-id': `ok-${user.id}` });
    expect(ok.statusCode).toBe(200);
    await login(user.email, 'Tq9!definitely-wrong', { 'x-request-id': `bad-${user.id}` });
    await login(disabled.email, disabled.password);
    await login(unknownEmail(), 'Tq9!definitely-wrong', { 'x-request-id': `ghost-${user.id}` });

    expect(await auditOf('login.succeeded')).toContainEqual(
      expect.objectContaining({
        actorId: user.id,
        outcome: 'success',
        ip: '127.0.0.1',
        requestId: `ok-${user.id}`,
      }),
    );
    const failed = await auditOf('login.failed');
    expect(failed).toContainEqual(
      expect.objectContaining({
        actorId: user.id,
        outcome: 'failure',
        detail: 'wrong-password',
        requestId: `bad-${user.id}`,
      }),
    );
    expect(failed).toContainEqual(
      expect.objectContaining({ actorId: disabled.id, detail: 'disabled' }),
    );
    expect(failed).toContainEqual(
      expect.objectContaining({
        actorId: null,
        detail: 'unknown-email',
        requestId: `ghost-${user.id}`,
      }),
    );
  });

  it('never writes a password or a token into the logs or the audit log', async () => {
    const user = await createUser(t);
    const res = await login(user.email, user.password);
    const body = res.json<TokenBody>();
    await login(user.email, 'Tq9!a-wrong-secret-guess');
    const logs = t.logs.raw.join('\n');
    const audit = JSON.stringify((await t.app.services.auditEvents.list({ limit: 100 })).items);
    for (const secret of [
      user.password,
      'Tq9!a-wrong-secret-guess',
      body.access_token,
      body.refresh_token,
    ]) {
      expect(logs).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });
});
