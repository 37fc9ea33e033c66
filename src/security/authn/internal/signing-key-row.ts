// Turns a stored signing key row into usable keys, trusting nothing in it: the private half must
// open with our secret and match both the public half and the kid.
import { calculateJwkThumbprint, importJWK } from 'jose';
import type { CryptoKey } from 'jose';
import { ACCESS_TOKEN_ALGORITHMS } from '../access-token-types.ts';
import type { SigningKeyCipher } from '../signing-key-cipher.ts';
import type { PublicSigningJwk } from '../signing-key-generate.ts';
import type { SigningKeyRow } from '../signing-key-store.ts';

export interface LoadedKey {
  readonly row: SigningKeyRow;
  readonly publicJwk: PublicSigningJwk;
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
}

const KID = /^[A-Za-z0-9_-]{43}$/;
const ED25519_COORDINATE = /^[A-Za-z0-9_-]{43}$/;
const STATES: readonly string[] = ['next', 'active', 'retired'];

/**
 * undefined for a malformed row, or one whose sealed key does not open or does not match: someone
 * with write access to the table alone cannot plant a verification key.
 */
export async function openSigningKeyRow(
  row: SigningKeyRow,
  cipher: SigningKeyCipher,
): Promise<LoadedKey | undefined> {
  if (!isWellFormedRow(row)) return undefined;
  try {
    const publicJwk = parsePublicJwk(JSON.parse(row.publicJwk));
    const privateJwk = cipher.open(row.sealedPrivateJwk, row.kid);
    if (
      publicJwk === undefined ||
      !isPrivateJwkFor(privateJwk, publicJwk) ||
      (await calculateJwkThumbprint(publicJwk, 'sha256')) !== row.kid
    ) {
      return undefined;
    }
    const [publicKey, privateKey] = await Promise.all([
      importJWK({ ...publicJwk }, row.alg, { extractable: false }),
      importJWK({ ...privateJwk }, row.alg, { extractable: false }),
    ]);
    if (publicKey instanceof Uint8Array || privateKey instanceof Uint8Array) return undefined;
    return { row, publicJwk, publicKey, privateKey };
  } catch {
    return undefined;
  }
}

function isWellFormedRow(row: SigningKeyRow): boolean {
  const time = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
  return (
    typeof row.kid === 'string' &&
    KID.test(row.kid) &&
    (ACCESS_TOKEN_ALGORITHMS as readonly string[]).includes(row.alg) &&
    STATES.includes(row.state) &&
    typeof row.publicJwk === 'string' &&
    row.publicJwk.length <= 1024 &&
    typeof row.sealedPrivateJwk === 'string' &&
    time(row.createdAt) &&
    time(row.activatesAt) &&
    (row.retiredAt === null || time(row.retiredAt))
  );
}

function parsePublicJwk(value: unknown): PublicSigningJwk | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kty, crv, x } = value as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || !ED25519_COORDINATE.test(x)) {
    return undefined;
  }
  return { kty, crv, x };
}

function isPrivateJwkFor(
  value: unknown,
  publicJwk: PublicSigningJwk,
): value is PublicSigningJwk & { d: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { kty, crv, x, d } = value as Record<string, unknown>;
  return (
    kty === 'OKP' &&
    crv === 'Ed25519' &&
    x === publicJwk.x &&
    typeof d === 'string' &&
    ED25519_COORDINATE.test(d)
  );
}
