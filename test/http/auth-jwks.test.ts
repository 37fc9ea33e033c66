// GET /.well-known/jwks.json through the HTTP layer (API.md section 3): public members only, each
// key with kid, alg and use "sig", publicly cacheable, and enough to verify the issued tokens.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, sessionFor } from '../helpers/auth.ts';
import { decodeSegment } from '../helpers/tokens.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_IP: '100000/minute' } });
});
afterAll(() => t.close());

type Jwk = Record<string, unknown>;

async function jwks() {
  const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  expect(res.statusCode).toBe(200);
  return { res, keys: res.json<{ keys: Jwk[] }>().keys };
}

/** Members that would give away a private key (RFC 7518 section 6) or are never ours to publish. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'privateKey', 'private'];

describe('JWKS', () => {
  it('publishes only public members: kty, crv, x, kid, alg and use "sig"', async () => {
    const { keys } = await jwks();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
      // An Ed25519 public key is 32 bytes.
      expect(Buffer.from(String(key.x), 'base64url')).toHaveLength(32);
    }
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
  });

  it('is publicly cacheable, with a positive max-age, and JSON', async () => {
    const { res } = await jwks();
    const cacheControl = String(res.headers['cache-control']);
    expect(cacheControl).toMatch(/^public, max-age=\d+$/);
    expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThan(0);
    expect(cacheControl).not.toContain('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('needs no credentials and ignores a bad one', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/.well-known/jwks.json',
      headers: { authorization: 'Bearer garbage' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('contains the key that signed an issued access token, and that key verifies it', async () => {
    const session = await sessionFor(t, await createUser(t));
    const { keys } = await jwks();
    const kid = decodeSegment(session.accessToken, 0).kid;
    expect(keys.map((k) => k.kid)).toContain(kid);
    const { payload } = await jwtVerify(session.accessToken, createLocalJWKSet({ keys }), {
      issuer: t.config.jwtIssuer,
      audience: t.config.jwtAudience,
      typ: 'at+jwt',
    });
    expect(payload.sid).toBe(session.sessionId);
  });

  it('publishes a rotated key next to the old one, and tokens of both verify over HTTP', async () => {
    const user = await createUser(t);
    const before = await sessionFor(t, user);
    const rotated = await t.app.services.keyring.rotate({ prePublicationMs: 0 });
    const { keys } = await jwks();
    const kids = keys.map((k) => k.kid);
    expect(kids).toContain(rotated.kid);
    expect(kids).toContain(decodeSegment(before.accessToken, 0).kid);
    for (const key of keys)
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    const after = await sessionFor(t, user);
    expect(decodeSegment(after.accessToken, 0).kid).toBe(rotated.kid);
    for (const session of [before, after]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/users/me',
        headers: session.headers,
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('refuses a query parameter with 400 and other methods with 405', async () => {
    const query = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json?kid=x' });
    expect(query.statusCode).toBe(400);
    const post = await t.app.inject({ method: 'POST', url: '/.well-known/jwks.json', payload: {} });
    expect(post.statusCode).toBe(405);
  });
});
