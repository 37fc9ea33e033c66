// Forged access tokens for the HTTP-level attack tests: compact JWS built from any header and
// claims, signed by the app's own key, a foreign key, or HMAC keyed with the published public key.
import { createHmac, createPublicKey, randomUUID, webcrypto } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { b64url, signRaw } from '../security/authn/helpers.ts';
import type { TestApp } from './app.ts';

export { b64url, signRaw };

export type JsonRecord = Record<string, unknown>;

/** The public members /.well-known/jwks.json publishes for one key. */
export interface PublishedJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The header our issuer writes, with the app's current signing kid. */
export function honestHeader(t: TestApp, overrides: JsonRecord = {}): JsonRecord {
  const { kid, alg } = t.app.services.keyring.getSigningKey();
  return { alg, typ: 'at+jwt', kid, ...overrides };
}

/** Claims as the issuer writes them for `sub`/`sid`, valid for 15 minutes from now. */
export function honestClaims(
  t: TestApp,
  subject: { readonly sub: string; readonly sid: string },
  overrides: JsonRecord = {},
): JsonRecord {
  const iat = nowSeconds();
  return {
    iss: t.config.jwtIssuer,
    aud: t.config.jwtAudience,
    sub: subject.sub,
    sid: subject.sid,
    jti: randomUUID(),
    iat,
    exp: iat + 900,
    role: 'user',
    scope: 'users:read:self users:write:self notes:read notes:write apikeys:manage',
    ...overrides,
  };
}

/** Signs whatever it is given with the app's real private signing key (a valid signature). */
export function signWithAppKey(
  t: TestApp,
  header: JsonRecord,
  claims: JsonRecord,
): Promise<string> {
  return signRaw(header, claims, t.app.services.keyring.getSigningKey().privateKey);
}

export function signWithKey(
  header: JsonRecord,
  claims: JsonRecord,
  privateKey: CryptoKey,
): Promise<string> {
  return signRaw(header, claims, privateKey);
}

/** header.payload.MAC, HMAC-SHA-256 keyed with `secret` (the classic public-key-as-HMAC-key forgery). */
export function signHs256(header: JsonRecord, claims: JsonRecord, secret: string | Buffer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** header.payload. with no signature at all. */
export function unsigned(header: JsonRecord, claims: JsonRecord): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.`;
}

/** The SPKI PEM of a published Ed25519 JWK, as an attacker would fetch and convert it. */
export function pemOf(jwk: PublishedJwk): string {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/** Decodes one segment of a compact JWS (header or payload) without verifying anything. */
export function decodeSegment(token: string, index: 0 | 1): JsonRecord {
  const segment = token.split('.')[index] ?? '';
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as JsonRecord;
}

/** Flips one character in the middle of the signature segment. */
export function tamperSignature(token: string): string {
  const [h, p, s = ''] = token.split('.');
  const at = Math.floor(s.length / 2);
  const flipped = s[at] === 'A' ? 'B' : 'A';
  return `${h ?? ''}.${p ?? ''}.${s.slice(0, at)}${flipped}${s.slice(at + 1)}`;
}

/**
 * Signs header and payload given as raw JSON text (duplicate members, `__proto__` and the like,
 * which JSON.stringify cannot produce) with an Ed25519 private key.
 */
export async function signRawText(
  headerText: string,
  payloadText: string,
  privateKey: CryptoKey,
): Promise<string> {
  const input = `${b64url(headerText)}.${b64url(payloadText)}`;
  const signature = await webcrypto.subtle.sign(
    { name: 'Ed25519' },
    privateKey,
    Buffer.from(input),
  );
  return `${input}.${b64url(new Uint8Array(signature))}`;
}
