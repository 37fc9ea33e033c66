// Sealing private signing keys at rest: round trip, and every kind of tampering fails.
import { describe, expect, it } from 'vitest';
import { SigningKeyDecryptionError } from '../../../src/security/authn/errors.ts';
import { createSigningKeyCipher } from '../../../src/security/authn/signing-key-cipher.ts';
import { generateSigningKey } from '../../../src/security/authn/signing-key-generate.ts';
import { testSecret } from './helpers.ts';

const cipher = createSigningKeyCipher(testSecret());
const { kid, privateJwk, publicJwk } = await generateSigningKey();
const sealed = cipher.seal(privateJwk, kid);

function replacePart(index: number, change: (part: Buffer) => Buffer): string {
  const parts = sealed.split('.');
  parts[index] = change(Buffer.from(parts[index] ?? '', 'base64url')).toString('base64url');
  return parts.join('.');
}

const flipFirstByte = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 0x01;
  return copy;
};

describe('signing key cipher', () => {
  it('generates an Ed25519 JWK pair named by its thumbprint', () => {
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: privateJwk.x });
    expect(privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('round-trips and never shows the private key in the sealed form', () => {
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(privateJwk.d);
    expect(cipher.open(sealed, kid)).toEqual(privateJwk);
  });

  it('uses a fresh IV every time', () => {
    const again = cipher.seal(privateJwk, kid);
    expect(again.split('.')[1]).not.toBe(sealed.split('.')[1]);
    expect(cipher.open(again, kid)).toEqual(privateJwk);
  });

  it('fails on a changed ciphertext, IV or tag', () => {
    for (const index of [1, 2, 3]) {
      expect(() => cipher.open(replacePart(index, flipFirstByte), kid)).toThrow(
        SigningKeyDecryptionError,
      );
    }
    expect(() =>
      cipher.open(
        replacePart(2, (bytes) => bytes.subarray(1)),
        kid,
      ),
    ).toThrow(SigningKeyDecryptionError);
  });

  it('fails when the sealed key is presented under another kid (AAD) or another secret', async () => {
    const other = await generateSigningKey();
    expect(() => cipher.open(sealed, other.kid)).toThrow(SigningKeyDecryptionError);
    expect(() => createSigningKeyCipher(testSecret('other')).open(sealed, kid)).toThrow(
      SigningKeyDecryptionError,
    );
  });

  it('fails on malformed input without parsing it', () => {
    for (const bad of ['', 'v1', 'v2.a.b.c', `${sealed}.x`, sealed.replace('v1.', 'v2.'), 42]) {
      expect(() => cipher.open(bad as string, kid)).toThrow(SigningKeyDecryptionError);
    }
  });
});
