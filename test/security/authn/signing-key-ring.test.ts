// The keyring's life cycle with a hand-driven clock: first key, pre-publication, the switch of
// the signing key, retirement until the last token expires, several instances, and the JWKS.
import { describe, expect, it } from 'vitest';
import { createAccessTokenIssuer } from '../../../src/security/authn/access-token-issuer.ts';
import { createAccessTokenVerifier } from '../../../src/security/authn/access-token-verifier.ts';
import {
  InvalidOptionError,
  InvalidTokenError,
  NoSigningKeyError,
  RotationPendingError,
  SigningKeyUnreadableError,
} from '../../../src/security/authn/errors.ts';
import { createKeyring } from '../../../src/security/authn/signing-key-ring.ts';
import type { Keyring } from '../../../src/security/authn/signing-key-ring.ts';
import { createMemorySigningKeyStore } from '../../../src/security/authn/signing-key-memory-store.ts';
import { fakeClock, readyKeyring, testSecret, TTL_MS } from './helpers.ts';
import type { FakeClock } from './helpers.ts';

const PRE_PUBLICATION_MS = 10 * 60 * 1000;
const TOLERANCE_MS = 5000;

const kids = (keyring: Keyring): string[] => keyring.jwks().keys.map((key) => key.kid);

function tokenTools(keyring: Keyring, clock: FakeClock) {
  const options = { keys: keyring, issuer: 'gatehouse', audience: 'api', clock };
  const issuer = createAccessTokenIssuer({ ...options, ttlMs: TTL_MS });
  const verifier = createAccessTokenVerifier(options);
  const issue = async () =>
    (await issuer.issue({ sub: 'u', sid: 's', role: 'user', scope: ['notes:read'] })).token;
  return { issue, verifier };
}

describe('keyring', () => {
  it('creates one active key at first start and reuses it afterwards', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    const first = await readyKeyring({ clock, store });
    const second = await readyKeyring({ clock, store });
    expect(await store.list()).toHaveLength(1);
    expect(first.getSigningKey().kid).toBe(second.getSigningKey().kid);
    const [info] = await first.list();
    expect(info).toMatchObject({
      state: 'active',
      signing: true,
      published: true,
      retiredAt: null,
    });
  });

  it('converges on one signing key when instances start at the same moment', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    const options = { store, secret: testSecret(), accessTokenTtlMs: TTL_MS, clock };
    const [a, b] = [createKeyring(options), createKeyring(options)];
    await Promise.all([a.ensureKeys(), b.ensureKeys()]);
    await Promise.all([a.refresh(), b.refresh()]);
    expect(a.getSigningKey().kid).toBe(b.getSigningKey().kid);
    const states = (await store.list()).map((row) => row.state).sort();
    expect(states.filter((state) => state === 'active')).toHaveLength(1);
  });

  it('signs nothing before ensureKeys()', () => {
    const keyring = createKeyring({
      store: createMemorySigningKeyStore(),
      secret: testSecret(),
      accessTokenTtlMs: TTL_MS,
    });
    expect(() => keyring.getSigningKey()).toThrow(NoSigningKeyError);
    expect(keyring.jwks()).toEqual({ keys: [] });
  });

  it('publishes a rotated key at once, signs with it only after pre-publication, then retires the old key until its tokens expire', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    const keyring = await readyKeyring({ clock, store, prePublicationMs: PRE_PUBLICATION_MS });
    const { issue, verifier } = tokenTools(keyring, clock);
    const oldKid = keyring.getSigningKey().kid;

    const next = await keyring.rotate();
    expect(next).toMatchObject({ state: 'next', published: true, signing: false });
    expect(kids(keyring)).toEqual([oldKid, next.kid]);
    expect(keyring.getVerificationKey(next.kid)).toBeDefined();
    expect(keyring.getSigningKey().kid).toBe(oldKid);
    await expect(keyring.rotate()).rejects.toThrow(RotationPendingError);

    clock.advance(PRE_PUBLICATION_MS - 1);
    expect(keyring.getSigningKey().kid).toBe(oldKid);
    const lastOldToken = await issue();

    clock.advance(1);
    const retiredAt = clock.now;
    expect(keyring.getSigningKey().kid).toBe(next.kid);
    const newToken = await issue();
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ kid: next.kid });
    await expect(verifier.verify(lastOldToken)).resolves.toMatchObject({ kid: oldKid });
    expect(kids(keyring)).toEqual([next.kid, oldKid]);

    await keyring.refresh();
    const rows = new Map((await store.list()).map((row) => [row.kid, row]));
    expect(rows.get(oldKid)).toMatchObject({ state: 'retired', retiredAt });
    expect(rows.get(next.kid)).toMatchObject({ state: 'active', retiredAt: null });
    const listed = await keyring.list();
    expect(listed.find((key) => key.kid === oldKid)).toMatchObject({
      state: 'retired',
      published: true,
      signing: false,
      retiredAt: new Date(retiredAt).toISOString(),
      expiresAt: new Date(retiredAt + TTL_MS + TOLERANCE_MS).toISOString(),
    });

    // The last token of the old key is accepted to its last second (exp + tolerance)...
    const { exp } = await verifier.verify(lastOldToken);
    clock.now = (exp + 5) * 1000 - 1;
    await expect(verifier.verify(lastOldToken)).resolves.toBeDefined();
    // ...and the key stays published a little longer, to retiredAt + TTL + tolerance.
    clock.now = retiredAt + TTL_MS + TOLERANCE_MS - 1;
    expect(kids(keyring)).toContain(oldKid);

    clock.now = retiredAt + TTL_MS + TOLERANCE_MS;
    expect(kids(keyring)).toEqual([next.kid]);
    expect(keyring.getVerificationKey(oldKid)).toBeUndefined();
    await expect(verifier.verify(lastOldToken)).rejects.toThrow(InvalidTokenError);
    expect((await keyring.list()).find((key) => key.kid === oldKid)?.state).toBe('expired');
  });

  it('switches at once with a pre-publication of 0', async () => {
    const clock = fakeClock();
    const keyring = await readyKeyring({ clock, prePublicationMs: PRE_PUBLICATION_MS });
    const before = keyring.getSigningKey().kid;
    const rotated = await keyring.rotate({ prePublicationMs: 0 });
    expect(rotated).toMatchObject({ state: 'active', signing: true });
    expect(keyring.getSigningKey().kid).toBe(rotated.kid);
    expect(keyring.getVerificationKey(before)).toBeDefined();
  });

  it('lets other instances see a rotation on refresh and switch at the same moment', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    const a = await readyKeyring({ clock, store, prePublicationMs: PRE_PUBLICATION_MS });
    const b = await readyKeyring({ clock, store, prePublicationMs: PRE_PUBLICATION_MS });
    const next = await a.rotate();
    expect(b.getVerificationKey(next.kid)).toBeUndefined();
    await b.refresh();
    expect(kids(b)).toEqual(kids(a));
    clock.advance(PRE_PUBLICATION_MS);
    // b has not refreshed since: the switch comes from the stored times, not from a write.
    expect(b.getSigningKey().kid).toBe(next.kid);
    expect(a.getSigningKey().kid).toBe(next.kid);
    const { verifier } = tokenTools(b, clock);
    const { issue } = tokenTools(a, clock);
    await expect(verifier.verify(await issue())).resolves.toBeDefined();
  });

  it('publishes only public members, in JWKS and in list()', async () => {
    const clock = fakeClock();
    const keyring = await readyKeyring({ clock });
    await keyring.rotate({ prePublicationMs: 0 });
    await keyring.rotate({ prePublicationMs: 0 });
    const { keys } = keyring.jwks();
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
    const text = JSON.stringify([keyring.jwks(), await keyring.list()]);
    for (const member of [
      '"d"',
      '"p"',
      '"q"',
      '"dp"',
      '"dq"',
      '"qi"',
      '"k"',
      'sealed',
      'Private',
    ]) {
      expect(text).not.toContain(member);
    }
  });

  it('refuses to start with a secret that opens none of the stored keys', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    await readyKeyring({ clock, store });
    const warnings: Record<string, unknown>[] = [];
    const wrong = createKeyring({
      store,
      secret: testSecret('other'),
      accessTokenTtlMs: TTL_MS,
      clock,
      logger: { warn: (details) => warnings.push(details) },
    });
    await expect(wrong.ensureKeys()).rejects.toThrow(SigningKeyUnreadableError);
    expect(wrong.jwks().keys).toEqual([]);
    expect((await wrong.list())[0]?.state).toBe('unreadable');
    expect(warnings[0]).toMatchObject({ event: 'signing_key_unusable' });
  });

  it('ignores a row whose public key does not match its sealed private key', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    const victim = await readyKeyring({ clock, store });
    const other = await readyKeyring({ clock });
    const [stored] = await store.list();
    const [foreignPublic] = other.jwks().keys;
    if (stored === undefined || foreignPublic === undefined) throw new Error('setup failed');
    const planted = createMemorySigningKeyStore();
    await planted.insert({
      ...stored,
      publicJwk: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: foreignPublic.x }),
    });
    const fooled = createKeyring({
      store: planted,
      secret: testSecret(),
      accessTokenTtlMs: TTL_MS,
      clock,
    });
    await expect(fooled.ensureKeys()).rejects.toThrow(SigningKeyUnreadableError);
    expect(fooled.getVerificationKey(stored.kid)).toBeUndefined();
    expect(victim.getVerificationKey(stored.kid)).toBeDefined();
  });

  it('refuses bad options at set-up', () => {
    const base = {
      store: createMemorySigningKeyStore(),
      secret: testSecret(),
      accessTokenTtlMs: TTL_MS,
    };
    expect(() => createKeyring({ ...base, prePublicationMs: 60_000 })).toThrow(InvalidOptionError);
    expect(() => createKeyring({ ...base, prePublicationMs: -1 })).toThrow(InvalidOptionError);
    expect(() => createKeyring({ ...base, accessTokenTtlMs: Number.NaN })).toThrow(
      InvalidOptionError,
    );
    expect(() => createKeyring({ ...base, secret: 'not a ServerSecret' as never })).toThrow(
      InvalidOptionError,
    );
    expect(() =>
      createKeyring({ ...base, prePublicationMs: 60_000, jwksMaxAgeSeconds: 60 }),
    ).not.toThrow();
  });

  it('refreshes on a timer that can be stopped', async () => {
    const clock = fakeClock();
    const store = createMemorySigningKeyStore();
    const a = await readyKeyring({ clock, store });
    const b = await readyKeyring({ clock, store });
    const stop = b.startAutoRefresh(100);
    const next = await a.rotate({ prePublicationMs: 0 });
    await expect.poll(() => b.getSigningKey().kid, { timeout: 2000 }).toBe(next.kid);
    stop();
  });
});
