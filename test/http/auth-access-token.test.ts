// The access-token attack battery through the HTTP layer, on GET /v1/users/me (API.md section 2):
// every forged, stale or misplaced token is one 401 with `WWW-Authenticate: Bearer
// error="invalid_token"` and the same problem body, never a 500 and never a hint of the reason.
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiKeyFor, createUser, sessionFor, type TestSession } from '../helpers/auth.ts';
import {
  b64url,
  decodeSegment,
  honestClaims,
  honestHeader,
  nowSeconds,
  pemOf,
  signHs256,
  signRawText,
  signWithAppKey,
  signWithKey,
  tamperSignature,
  unsigned,
  type JsonRecord,
  type PublishedJwk,
} from '../helpers/tokens.ts';

const INVALID_TOKEN = 'Bearer error="invalid_token"';

let t: TestApp;
let alice: TestSession;
let jwk: PublishedJwk;

beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_IP: '100000/minute', RATE_LIMIT_USER: '100000/minute' },
  });
  alice = await sessionFor(t, await createUser(t));
  const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  const published = jwks.json<{ keys: PublishedJwk[] }>().keys;
  const signing = t.app.services.keyring.getSigningKey().kid;
  const own = published.find((key) => key.kid === signing);
  if (!own) throw new Error('the signing key is not in the JWKS');
  jwk = own;
});
afterAll(() => t.close());

const subject = (): { sub: string; sid: string } => ({
  sub: alice.user.id,
  sid: alice.sessionId,
});
const header = (overrides: JsonRecord = {}): JsonRecord => honestHeader(t, overrides);
const claims = (overrides: JsonRecord = {}): JsonRecord => honestClaims(t, subject(), overrides);

function without(record: JsonRecord, name: string): JsonRecord {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== name));
}

function me(authorization?: string, url = '/v1/users/me') {
  return t.app.inject({
    method: 'GET',
    url,
    headers: authorization === undefined ? {} : { authorization },
  });
}

const bearer = (token: string): string => `Bearer ${token}`;

/** The largest padding for which the signed token still fits `limit` characters. */
async function paddedToken(limit: number): Promise<{ fits: string; over: string }> {
  const build = (n: number) => signWithAppKey(t, header(), claims({ pad: 'x'.repeat(n) }));
  let n = 0;
  let fits = await build(n);
  // Grow in big steps, then one character at a time, so the boundary is exact.
  for (const step of [1024, 64, 1]) {
    for (;;) {
      const next = await build(n + step);
      if (next.length > limit) break;
      n += step;
      fits = next;
    }
  }
  return { fits, over: await build(n + 1) };
}

describe('baseline', () => {
  it('accepts the issued token and an honest hand-built token (so every refusal below is about its one defect)', async () => {
    const issued = await me(alice.headers.authorization);
    expect(issued.statusCode).toBe(200);
    expect(issued.json<{ id: string }>().id).toBe(alice.user.id);
    const handBuilt = await me(bearer(await signWithAppKey(t, header(), claims())));
    expect(handBuilt.statusCode).toBe(200);
  });

  it('verifies with nothing but the published JWKS (an external resource server could check it)', async () => {
    const { payload, protectedHeader } = await jwtVerify(
      alice.accessToken,
      createLocalJWKSet({ keys: [jwk] }),
      { issuer: t.config.jwtIssuer, audience: t.config.jwtAudience, typ: 'at+jwt' },
    );
    expect(protectedHeader.kid).toBe(jwk.kid);
    expect(payload).toMatchObject({ sub: alice.user.id, sid: alice.sessionId, role: 'user' });
  });

  it('accepts the scheme name in any case, as RFC 7235 requires', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await me(`${scheme} ${alice.accessToken}`);
      expect(res.statusCode, scheme).toBe(200);
    }
  });
});

describe('attack battery', () => {
  const bodies = new Map<string, string>();
  const tokens: string[] = [];

  /** Asserts the uniform refusal and remembers the body for the cross-case comparison. */
  async function expectRefused(
    name: string,
    authorization: string | undefined,
    {
      url,
      challenge = 'invalid',
    }: { url?: string; challenge?: 'invalid' | 'missing' | 'either' } = {},
  ): Promise<void> {
    const res = await me(authorization, url);
    expect(res.statusCode, name).toBe(401);
    expect(res.headers['content-type'], name).toMatch(/^application\/problem\+json/);
    const expected = {
      invalid: [INVALID_TOKEN],
      missing: ['Bearer'],
      either: ['Bearer', INVALID_TOKEN],
    };
    expect(expected[challenge], name).toContain(res.headers['www-authenticate']);
    bodies.set(name, res.body);
  }

  async function refuseToken(name: string, token: string): Promise<void> {
    tokens.push(token);
    await expectRefused(name, bearer(token));
  }

  it('alg none, with and without a signature segment', async () => {
    const none = header({ alg: 'none' });
    await refuseToken('alg none, empty signature', unsigned(none, claims()));
    await refuseToken('alg none, some signature', `${unsigned(none, claims())}c2ln`);
    await refuseToken('alg none, signed', await signWithAppKey(t, none, claims()));
    await refuseToken('alg NONE', unsigned(header({ alg: 'NONE' }), claims()));
  });

  it('HS256 keyed with the published public key: PEM bytes, JWK JSON bytes, raw x', async () => {
    const hs = header({ alg: 'HS256' });
    await refuseToken('HS256 with PEM', signHs256(hs, claims(), pemOf(jwk)));
    await refuseToken('HS256 with JWK JSON', signHs256(hs, claims(), JSON.stringify(jwk)));
    await refuseToken('HS256 with x', signHs256(hs, claims(), jwk.x));
    await refuseToken(
      'HS256 with x bytes',
      signHs256(hs, claims(), Buffer.from(jwk.x, 'base64url')),
    );
    await refuseToken('HS512 with PEM', signHs256(header({ alg: 'HS512' }), claims(), pemOf(jwk)));
  });

  it('stripped, truncated and tampered signatures; tampered claims under a real signature', async () => {
    const token = await signWithAppKey(t, header(), claims());
    const [h, p, s] = token.split('.') as [string, string, string];
    await refuseToken('signature stripped (trailing dot)', `${h}.${p}.`);
    await refuseToken('signature stripped (two segments)', `${h}.${p}`);
    await refuseToken('signature truncated', `${h}.${p}.${s.slice(0, -4)}`);
    await refuseToken('signature flipped', tamperSignature(token));
    await refuseToken(
      'signature of another token',
      `${h}.${p}.${(await signWithAppKey(t, header(), claims())).split('.')[2] ?? ''}`,
    );
    const admin = b64url(JSON.stringify({ ...decodeSegment(token, 1), role: 'admin' }));
    await refuseToken('claims tampered (role admin)', `${h}.${admin}.${s}`);
    const other = b64url(JSON.stringify({ ...decodeSegment(token, 1), sub: 'someone-else' }));
    await refuseToken('claims tampered (sub)', `${h}.${other}.${s}`);
    await refuseToken('four segments', `${h}.${p}.${s}.${s}`);
    await refuseToken('JWE-shaped (five segments)', `${h}.${p}.${s}.${s}.${s}`);
  });

  it('unknown, path-like, missing and non-string kid (validly signed)', async () => {
    const cases: Array<[string, JsonRecord]> = [
      ['unknown kid', header({ kid: 'no-such-key' })],
      ['path-like kid', header({ kid: '../../../../etc/passwd' })],
      ['URL kid', header({ kid: 'https://attacker.example/key' })],
      ['SQL-like kid', header({ kid: "x' OR '1'='1" })],
      ['empty kid', header({ kid: '' })],
      ['numeric kid', header({ kid: 42 })],
      ['missing kid', without(header(), 'kid')],
    ];
    for (const [name, h] of cases) await refuseToken(name, await signWithAppKey(t, h, claims()));
  });

  it('jku, x5u, x5c and an embedded jwk (attacker key, real kid)', async () => {
    const attacker = await generateKeyPair('Ed25519', { extractable: true });
    const attackerJwk = { ...(await exportJWK(attacker.publicKey)), kid: jwk.kid, alg: 'EdDSA' };
    await refuseToken(
      'embedded attacker jwk',
      await signWithKey(header({ jwk: attackerJwk }), claims(), attacker.privateKey),
    );
    await refuseToken(
      'embedded own jwk (validly signed)',
      await signWithAppKey(t, header({ jwk }), claims()),
    );
    await refuseToken(
      'jku',
      await signWithAppKey(t, header({ jku: 'https://attacker.example/jwks.json' }), claims()),
    );
    await refuseToken(
      'x5u',
      await signWithAppKey(t, header({ x5u: 'https://attacker.example/cert.pem' }), claims()),
    );
    await refuseToken('x5c', await signWithAppKey(t, header({ x5c: ['MIIB'] }), claims()));
  });

  it('unknown crit (validly signed)', async () => {
    await refuseToken(
      'crit exp',
      await signWithAppKey(t, header({ crit: ['exp'], exp: 1 }), claims()),
    );
    await refuseToken(
      'crit unknown extension',
      await signWithAppKey(
        t,
        header({ crit: ['urn:x:critical'], 'urn:x:critical': true }),
        claims(),
      ),
    );
    await refuseToken(
      'crit b64',
      await signWithAppKey(t, header({ crit: ['b64'], b64: false }), claims()),
    );
  });

  it('missing or broken time claims, expiry, nbf and iat in the future (validly signed)', async () => {
    const now = nowSeconds();
    const cases: Array<[string, JsonRecord]> = [
      ['missing exp', without(claims(), 'exp')],
      ['missing iat', without(claims(), 'iat')],
      ['exp as a string', claims({ exp: String(now + 900) })],
      ['expired long ago', claims({ iat: now - 7200, exp: now - 3600 })],
      ['expired beyond the 5 s tolerance', claims({ iat: now - 900, exp: now - 7 })],
      ['nbf in the future', claims({ nbf: now + 60 })],
      ['nbf just beyond the tolerance', claims({ nbf: now + 8 })],
      ['iat in the future', claims({ iat: now + 60, exp: now + 960 })],
      ['exp before iat', claims({ iat: now, exp: now - 1 })],
    ];
    for (const [name, c] of cases) await refuseToken(name, await signWithAppKey(t, header(), c));
  });

  it('wrong iss, aud or typ, no typ (validly signed)', async () => {
    const cases: Array<[string, JsonRecord, JsonRecord]> = [
      ['wrong iss', header(), claims({ iss: 'https://attacker.example' })],
      ['missing iss', header(), without(claims(), 'iss')],
      ['wrong aud', header(), claims({ aud: 'another-api' })],
      ['aud list without ours', header(), claims({ aud: ['another-api', 'third-api'] })],
      ['missing aud', header(), without(claims(), 'aud')],
      ['typ JWT', header({ typ: 'JWT' }), claims()],
      ['typ id token', header({ typ: 'id_token+jwt' }), claims()],
      ['typ refresh', header({ typ: 'rt+jwt' }), claims()],
      ['no typ', without(header(), 'typ'), claims()],
      ['missing sid', header(), without(claims(), 'sid')],
      ['missing sub', header(), without(claims(), 'sub')],
      ['unknown role', header(), claims({ role: 'superuser' })],
    ];
    for (const [name, h, c] of cases) await refuseToken(name, await signWithAppKey(t, h, c));
  });

  it('JSON tricks in a validly signed header or payload: duplicate members, __proto__', async () => {
    const key = t.app.services.keyring.getSigningKey();
    const h = JSON.stringify(header());
    const c = JSON.stringify(claims());
    const withMember = (json: string, member: string): string => `${json.slice(0, -1)},${member}}`;
    const cases: Array<[string, string, string]> = [
      ['duplicate alg, none last', withMember(h, '"alg":"none"'), c],
      ['duplicate typ, JWT last', withMember(h, '"typ":"JWT"'), c],
      ['duplicate kid, unknown last', withMember(h, '"kid":"no-such-key"'), c],
      ['__proto__ in the header', withMember(h, '"__proto__":{"alg":"none"}'), c],
      ['duplicate aud, foreign last', h, withMember(c, '"aud":"another-api"')],
      [
        'role only through __proto__',
        h,
        JSON.stringify(without(claims(), 'role')).replace(/}$/, ',"__proto__":{"role":"admin"}}'),
      ],
    ];
    for (const [name, headerText, payloadText] of cases) {
      await refuseToken(name, await signRawText(headerText, payloadText, key.privateKey));
    }
  });

  it('a foreign Ed25519 key under the real kid', async () => {
    const foreign = await generateKeyPair('Ed25519');
    await refuseToken(
      'foreign key, real kid',
      await signWithKey(header(), claims(), foreign.privateKey),
    );
  });

  it('oversized tokens (over 8 KiB), even validly signed; the largest that fits is accepted', async () => {
    const { fits, over } = await paddedToken(8192);
    expect(fits.length).toBeLessThanOrEqual(8192);
    expect(over.length).toBeGreaterThan(8192);
    expect((await me(bearer(fits))).statusCode).toBe(200);
    await refuseToken('validly signed, just over 8 KiB', over);
    await refuseToken(
      'validly signed, 20 KiB',
      await signWithAppKey(t, header(), claims({ pad: 'x'.repeat(20_000) })),
    );
    await refuseToken('garbage, 9000 characters', `${'a'.repeat(9000)}.b.c`);
  });

  it('malformed credentials and look-alikes', async () => {
    await refuseToken('not a JWT', 'not-a-token');
    await refuseToken('three dots', '...');
    await refuseToken('header is not JSON', `${b64url('{"alg":')}.${b64url('{}')}.c2ln`);
    await refuseToken('header is an array', `${b64url('[1]')}.${b64url('{}')}.c2ln`);
    await refuseToken('unknown API key', `gh_live_${'A'.repeat(43)}`);
    await expectRefused('two credentials', `Bearer ${alice.accessToken} ${alice.accessToken}`);
    await expectRefused('token without scheme', alice.accessToken);
    await expectRefused('scheme without token', 'Bearer', { challenge: 'either' });
    await expectRefused('scheme and spaces', 'Bearer    ', { challenge: 'either' });
    const basic = Buffer.from(`${alice.user.email}:${alice.user.password}`).toString('base64');
    await expectRefused('Basic scheme', `Basic ${basic}`, { challenge: 'either' });
    await expectRefused('Basic scheme carrying the token', `Basic ${alice.accessToken}`, {
      challenge: 'either',
    });
    await expectRefused('Token scheme', `Token ${alice.accessToken}`, { challenge: 'either' });
    await expectRefused('non-ASCII credential', 'Bearer tökén');
  });

  it('a token in the query string is never read (401 before the query is even validated)', async () => {
    for (const name of ['access_token', 'token', 'bearer', 'jwt']) {
      await expectRefused(`?${name}= with no header`, undefined, {
        url: `/v1/users/me?${name}=${encodeURIComponent(alice.accessToken)}`,
        challenge: 'missing',
      });
    }
    // The same query with a good header is an unknown query parameter: 400, after authentication.
    const res = await me(
      alice.headers.authorization,
      `/v1/users/me?access_token=${encodeURIComponent(alice.accessToken)}`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ pointer: string }> }>().errors).toEqual([
      expect.objectContaining({ pointer: '/query/access_token' }),
    ]);
  });

  it('no credentials at all', async () => {
    await expectRefused('no Authorization header', undefined, { challenge: 'missing' });
    await expectRefused('empty Authorization header', '', { challenge: 'missing' });
  });

  it('gives every refusal the same body, which names no reason, and logs no token', () => {
    expect(bodies.size).toBeGreaterThan(60);
    const distinct = new Set(bodies.values());
    expect([...distinct]).toHaveLength(1);
    const problem = JSON.parse([...distinct][0] ?? '{}') as Record<string, unknown>;
    expect(problem).toEqual({
      type: 'urn:gatehouse:problem:unauthorized',
      title: expect.any(String) as unknown,
      status: 401,
      detail: expect.any(String) as unknown,
    });
    expect(`${String(problem.title)} ${String(problem.detail)}`).not.toMatch(
      /\b(alg|kid|signature|signed|expired|typ|iss|issuer|aud|audience|crit|jku|jwk|x5[uc]|exp|nbf|iat|large|malformed|revoked|key)\b/i,
    );
    const logs = t.logs.raw.join('\n');
    for (const token of tokens) {
      const signature = token.split('.')[2] ?? '';
      if (signature.length >= 20) expect(logs).not.toContain(signature);
    }
    expect(logs).not.toContain(alice.accessToken);
  });
});

describe('HEAD requests', () => {
  it('authenticate HEAD /v1/users/me exactly like GET', async () => {
    const head = (headers: Record<string, string>) =>
      t.app.inject({ method: 'HEAD', url: '/v1/users/me', headers });
    expect((await head(alice.headers)).statusCode).toBe(200);
    const none = await head({});
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const forged = await head({
      authorization: bearer(unsigned(header({ alg: 'none' }), claims())),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['www-authenticate']).toBe(INVALID_TOKEN);
  });
});

describe('tolerance at the HTTP layer', () => {
  it('accepts exp, nbf and iat within the 5 s clock tolerance', async () => {
    const now = nowSeconds();
    for (const c of [
      claims({ iat: now - 900, exp: now - 2 }),
      claims({ nbf: now + 2 }),
      claims({ iat: now + 2, exp: now + 900 }),
    ]) {
      expect((await me(bearer(await signWithAppKey(t, header(), c)))).statusCode).toBe(200);
    }
  });

  it('accepts typ as the full media type, in any case (RFC 9068)', async () => {
    for (const typ of ['application/at+jwt', 'AT+JWT']) {
      expect(
        (await me(bearer(await signWithAppKey(t, header({ typ }), claims())))).statusCode,
      ).toBe(200);
    }
  });
});

describe('API keys on the same route', () => {
  it('accepts a key with users:read:self and refuses one without it with 403', async () => {
    const withScope = await apiKeyFor(t, alice.user, ['users:read:self']);
    expect((await me(withScope.headers.authorization)).statusCode).toBe(200);
    const without = await apiKeyFor(t, alice.user, ['notes:read']);
    expect((await me(without.headers.authorization)).statusCode).toBe(403);
  });

  it('refuses an expired key with 401', async () => {
    const expired = await apiKeyFor(
      t,
      alice.user,
      ['users:read:self'],
      new Date(Date.now() - 1000),
    );
    const res = await me(expired.headers.authorization);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(INVALID_TOKEN);
  });
});
