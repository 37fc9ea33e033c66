// Creates a new Ed25519 signing key pair as JWKs, named by its RFC 7638 thumbprint.
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { AccessTokenAlgorithm } from './access-token-types.ts';

/** The public members of an Ed25519 JWK, which is all that the JWKS publishes. */
export interface PublicSigningJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
}

/** A private Ed25519 JWK (`d` is the private key). Never leaves the process unencrypted. */
export interface PrivateSigningJwk extends PublicSigningJwk {
  readonly d: string;
}

export interface GeneratedSigningKey {
  /** RFC 7638 SHA-256 thumbprint of the public key, base64url (43 characters). */
  readonly kid: string;
  readonly alg: AccessTokenAlgorithm;
  readonly publicJwk: PublicSigningJwk;
  readonly privateJwk: PrivateSigningJwk;
}

/**
 * @example const { kid, publicJwk, privateJwk } = await generateSigningKey();
 */
export async function generateSigningKey(
  alg: AccessTokenAlgorithm = 'EdDSA',
): Promise<GeneratedSigningKey> {
  const { privateKey } = await generateKeyPair('Ed25519', { extractable: true });
  const jwk = await exportJWK(privateKey);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || jwk.x === undefined || jwk.d === undefined) {
    throw new Error('jose returned an unexpected Ed25519 JWK');
  }
  const publicJwk: PublicSigningJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, alg, publicJwk, privateJwk: { ...publicJwk, d: jwk.d } };
}
