// Issuing and verifying access tokens, and the attack battery: every forged, stale or malformed
// token must end in one InvalidTokenError, and nothing else may throw.
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenIssuer } from '../../../src/security/authn/access-token-issuer.ts';
import { createAccessTokenVerifier } from '../../../src/security/authn/access-token-verifier.ts';
import type { AccessTokenVerifier } from '../../../src/security/authn/access-token-verifier.ts';
import type { AccessTokenIssuer } from '../../../src/security/authn/access-token-issuer.ts';
import { InvalidOptionError, InvalidTokenError } from '../../../src/security/authn/errors.ts';
import type { InvalidTokenReason } from '../../../src/security/authn/errors.ts';
import type { Keyring } from '../../../src/security/authn/signing-key-ring.ts';
import { b64url, fakeClock, readyKeyring, signRaw } from './helpers.ts';
import type { FakeClock } from './helpers.ts';

const ISSUER = 'https://gatehouse.test';
const AUDIENCE = 'gatehouse-api';

let clock: FakeClock;
let keyring: Keyring;
let issuer: AccessTokenIssuer;
let verifier: AccessTokenVerifier;
let kid: string;
let privateKey: CryptoKey;

beforeEach(async () => {
  clock = fakeClock();
  keyring = await readyKeyring({ clock });
  issuer = createAccessTokenIssuer({ keys: keyring, issuer: ISSUER, audience: AUDIENCE, clock });
  verifier = createAccessTokenVerifier({
    keys: keyring,
    issuer: ISSUER,
    audience: AUDIENCE,
    clock,
  });
  ({ kid, privateKey } = keyring.getSigningKey());
});

const nowSeconds = (): number => Math.floor(clock.now / 1000);

function header(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: 'EdDSA', typ: 'at+jwt', kid, ...overrides };
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    sid: 'session-1',
    jti: randomUUID(),
    iat,
    exp: iat + 900,
    role: 'user',
    scope: 'notes:read notes:write',
    ...overrides,
  };
}

function without(record: Record<string, unknown>, name: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== name));
}

/** Verifies and returns the refusal; fails the test if anything else happens. */
async function refusal(token: unknown, using = verifier): Promise<InvalidTokenError> {
  try {
    await using.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    const invalid = error as InvalidTokenError;
    expect(invalid.code).toBe('invalid_token');
    expect(invalid.message).toBe('The access token is invalid');
    if (typeof token === 'string' && token.length >= 16) {
      expect(
        `${JSON.stringify(invalid)} ${invalid.message} ${String(invalid.member)}`,
      ).not.toContain(token);
    }
    return invalid;
  }
  throw new Error('the token was accepted');
}

async function expectReason(token: unknown, reason: InvalidTokenReason): Promise<void> {
  expect((await refusal(token)).reason).toBe(reason);
}

describe('issuer', () => {
  it('issues a token the verifier accepts, with every required claim', async () => {
    const issued = await issuer.issue({
      sub: 'user-1',
      sid: 'session-1',
      role: 'admin',
      scope: ['users:read', 'notes:read'],
    });
    expect(issued.expiresIn).toBe(900);
    expect(issued.kid).toBe(kid);
    const [encodedHeader] = issued.token.split('.');
    expect(JSON.parse(Buffer.from(encodedHeader ?? '', 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'at+jwt',
      kid,
    });
    const verified = await verifier.verify(issued.token);
    expect(verified).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-1',
      sid: 'session-1',
      jti: issued.jti,
      role: 'admin',
      scope: ['users:read', 'notes:read'],
      iat: nowSeconds(),
      exp: nowSeconds() + 900,
      kid,
    });
    expect(issued.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every token its own jti', async () => {
    const grant = { sub: 'u', sid: 's', role: 'user', scope: [] };
    const [a, b] = await Promise.all([issuer.issue(grant), issuer.issue(grant)]);
    expect(a.jti).not.toBe(b.jti);
  });

  it('refuses bad options at set-up', () => {
    expect(() =>
      createAccessTokenIssuer({ keys: keyring, issuer: '', audience: AUDIENCE }),
    ).toThrow(InvalidOptionError);
    expect(() =>
      createAccessTokenIssuer({ keys: keyring, issuer: ISSUER, audience: AUDIENCE, ttlMs: 1500 }),
    ).toThrow(InvalidOptionError);
  });

  it('refuses scope entries that would corrupt the space-separated claim', async () => {
    await expect(
      issuer.issue({ sub: 'u', sid: 's', role: 'user', scope: ['notes:read extra'] }),
    ).rejects.toThrow(InvalidOptionError);
  });
});

describe('verifier set-up', () => {
  it('refuses symmetric or unknown algorithms and a tolerance above 5 s', () => {
    const base = { keys: keyring, issuer: ISSUER, audience: AUDIENCE };
    expect(() => createAccessTokenVerifier({ ...base, algorithms: ['HS256' as never] })).toThrow(
      InvalidOptionError,
    );
    expect(() => createAccessTokenVerifier({ ...base, algorithms: [] })).toThrow(
      InvalidOptionError,
    );
    expect(() => createAccessTokenVerifier({ ...base, clockToleranceSeconds: 6 })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('attack battery', () => {
  it('accepts an honest hand-built token (the baseline for every case below)', async () => {
    await expect(
      verifier.verify(await signRaw(header(), claims(), privateKey)),
    ).resolves.toMatchObject({ sub: 'user-1', sid: 'session-1' });
  });

  it('refuses alg none, signed or not', async () => {
    const unsigned = `${b64url(JSON.stringify(header({ alg: 'none' })))}.${b64url(JSON.stringify(claims()))}.`;
    await expectReason(unsigned, 'malformed');
    await expectReason(`${unsigned}c2ln`, 'alg_not_allowed');
    const noneSigned = await signRaw(header({ alg: 'none' }), claims(), privateKey);
    await expectReason(noneSigned, 'alg_not_allowed');
  });

  it('refuses HS256 tokens keyed with the public key (PEM and JWK JSON bytes)', async () => {
    const published = keyring.jwks().keys.find((key) => key.kid === kid);
    expect(published).toBeDefined();
    const jwkText = JSON.stringify(published);
    const pem = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: published?.x ?? '' },
      format: 'jwk',
    })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    for (const secret of [pem, jwkText, published?.x ?? '']) {
      const input = `${b64url(JSON.stringify(header({ alg: 'HS256' })))}.${b64url(JSON.stringify(claims()))}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      await expectReason(`${input}.${mac}`, 'alg_not_allowed');
    }
  });

  it('refuses an algorithm allowed in general but not the key’s own', async () => {
    const both = createAccessTokenVerifier({
      keys: keyring,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['EdDSA', 'Ed25519'],
      clock,
    });
    const token = await signRaw(header({ alg: 'Ed25519' }), claims(), privateKey);
    expect((await refusal(token, both)).reason).toBe('alg_not_allowed');
    expect((await refusal(token)).reason).toBe('alg_not_allowed');
  });

  it('refuses stripped and tampered signatures and tampered claims', async () => {
    const token = await signRaw(header(), claims(), privateKey);
    const [h, p, s] = token.split('.') as [string, string, string];
    await expectReason(`${h}.${p}.`, 'malformed');
    await expectReason(`${h}.${p}`, 'malformed');
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    await expectReason(`${h}.${p}.${flipped}`, 'signature_invalid');
    const admin = b64url(JSON.stringify({ ...claims(), role: 'admin' }));
    await expectReason(`${h}.${admin}.${s}`, 'signature_invalid');
    await expectReason(`${h}.${p}.${s}.${s}`, 'malformed');
  });

  it('refuses unknown and path-like kids, and a missing kid', async () => {
    await expectReason(
      await signRaw(header({ kid: 'no-such-key' }), claims(), privateKey),
      'kid_unknown',
    );
    for (const bad of ['../../etc/passwd', '', 'a'.repeat(129), 42, null]) {
      await expectReason(await signRaw(header({ kid: bad }), claims(), privateKey), 'kid_invalid');
    }
    await expectReason(
      await signRaw(without(header(), 'kid'), claims(), privateKey),
      'kid_invalid',
    );
  });

  it('refuses jku, x5u, x5c and embedded jwk headers even when the signature is good', async () => {
    const published = keyring.jwks().keys[0];
    const members: Record<string, unknown> = {
      jku: 'https://attacker.example/jwks.json',
      x5u: 'https://attacker.example/cert.pem',
      x5c: ['MIIB'],
      jwk: published,
    };
    for (const [name, value] of Object.entries(members)) {
      const refused = await refusal(await signRaw(header({ [name]: value }), claims(), privateKey));
      expect(refused.reason).toBe('header_forbidden_member');
      expect(refused.member).toBe(name);
    }
  });

  it('refuses any crit header', async () => {
    for (const crit of [['exp'], ['b64'], [], 'exp']) {
      await expectReason(
        await signRaw(header({ crit, b64: true }), claims(), privateKey),
        'crit_not_supported',
      );
    }
  });

  it('refuses tokens missing exp, iat, sub, sid or jti', async () => {
    for (const name of ['exp', 'iat', 'sub', 'sid', 'jti', 'iss', 'aud', 'role', 'scope']) {
      const refused = await refusal(await signRaw(header(), without(claims(), name), privateKey));
      expect(refused.reason).toBe('claim_missing');
      expect(refused.member).toBe(name);
    }
  });

  it('refuses claims of the wrong type', async () => {
    for (const [name, value] of [
      ['exp', '9999999999'],
      ['iat', null],
      ['sub', 7],
      ['sid', ''],
      ['scope', ['notes:read']],
    ] as const) {
      await expectReason(
        await signRaw(header(), claims({ [name]: value }), privateKey),
        'claim_invalid',
      );
    }
  });

  it('refuses a token expired beyond the 5 s tolerance and accepts one within it', async () => {
    const iat = nowSeconds() - 900;
    await expectReason(
      await signRaw(header(), claims({ iat, exp: nowSeconds() - 6 }), privateKey),
      'expired',
    );
    await expectReason(
      await signRaw(header(), claims({ iat, exp: nowSeconds() - 5 }), privateKey),
      'expired',
    );
    await expect(
      verifier.verify(await signRaw(header(), claims({ iat, exp: nowSeconds() - 4 }), privateKey)),
    ).resolves.toBeDefined();
  });

  it('expires an issued token at exp plus the tolerance', async () => {
    const { token } = await issuer.issue({ sub: 'u', sid: 's', role: 'user', scope: [] });
    clock.advance(900_000 + 4_000);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.advance(1_000);
    await expectReason(token, 'expired');
  });

  it('refuses nbf and iat in the future beyond the tolerance, accepts them within it', async () => {
    const later = (seconds: number) => nowSeconds() + seconds;
    await expectReason(
      await signRaw(header(), claims({ nbf: later(6) }), privateKey),
      'not_yet_valid',
    );
    await expectReason(
      await signRaw(header(), claims({ iat: later(6), exp: later(900) }), privateKey),
      'issued_in_future',
    );
    await expect(
      verifier.verify(
        await signRaw(header(), claims({ nbf: later(5), iat: later(5) }), privateKey),
      ),
    ).resolves.toBeDefined();
  });

  it('refuses a wrong issuer, audience or typ, and a missing typ', async () => {
    await expectReason(
      await signRaw(header(), claims({ iss: 'https://evil' }), privateKey),
      'issuer_mismatch',
    );
    await expectReason(
      await signRaw(header(), claims({ aud: 'other-api' }), privateKey),
      'audience_mismatch',
    );
    for (const typ of ['JWT', 'jwt', 'at+jwt ', 'application/jwt', 7]) {
      await expectReason(await signRaw(header({ typ }), claims(), privateKey), 'typ_invalid');
    }
    await expectReason(
      await signRaw(without(header(), 'typ'), claims(), privateKey),
      'typ_invalid',
    );
  });

  it('accepts the typ media type in any case, with or without application/', async () => {
    for (const typ of ['AT+JWT', 'application/at+jwt', 'Application/At+Jwt']) {
      await expect(
        verifier.verify(await signRaw(header({ typ }), claims(), privateKey)),
      ).resolves.toBeDefined();
    }
  });

  it('refuses a token signed by a foreign Ed25519 key under a real kid', async () => {
    const foreign = await generateKeyPair('Ed25519');
    await expectReason(await signRaw(header(), claims(), foreign.privateKey), 'signature_invalid');
  });

  it('refuses an oversized token and an oversized header before parsing', async () => {
    const big = await signRaw(header(), claims({ padding: 'x'.repeat(9000) }), privateKey);
    await expectReason(big, 'token_too_large');
    const wideHeader = await signRaw(header({ pad: 'y'.repeat(1200) }), claims(), privateKey);
    expect(wideHeader.length).toBeLessThan(8192);
    await expectReason(wideHeader, 'header_too_large');
    await expectReason(`${'a'.repeat(9000)}.b.c`, 'token_too_large');
  });

  it('refuses headers that are not JSON objects', async () => {
    const rest = `${b64url(JSON.stringify(claims()))}.c2ln`;
    await expectReason(`${b64url('[1,2]')}.${rest}`, 'header_invalid');
    await expectReason(`${b64url('null')}.${rest}`, 'header_invalid');
    await expectReason(`${b64url('{"alg":')}.${rest}`, 'header_invalid');
    await expectReason(`${b64url(Buffer.from([0xff, 0xfe, 0x7b]))}.${rest}`, 'header_invalid');
  });

  it('refuses non-strings', async () => {
    for (const value of [undefined, null, 42, {}, ['a.b.c'], Buffer.from('a.b.c')]) {
      await expectReason(value, 'not_a_string');
    }
  });

  it('throws nothing but InvalidTokenError for arbitrary input', async () => {
    const segment = fc.string({
      unit: fc.constantFrom(...'AZaz09-_.=+/ {}"'.split('')),
      maxLength: 60,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
          fc
            .tuple(fc.jsonValue(), fc.jsonValue())
            .map(([h, p]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}.c2ln`),
          fc
            .dictionary(fc.string(), fc.jsonValue())
            .map(
              (extra) =>
                `${b64url(JSON.stringify(header(extra)))}.${b64url(JSON.stringify(claims()))}.c2ln`,
            ),
        ),
        async (token) => {
          await refusal(token);
        },
      ),
      { numRuns: 300 },
    );
  });
});
