// Shapes shared by the access token issuer, the verifier and the keyring that feeds them keys.
import type { CryptoKey } from 'jose';

/** Asymmetric JWS algorithms this module signs and verifies; EdDSA (Ed25519) is the default. */
export type AccessTokenAlgorithm = 'EdDSA' | 'Ed25519';

export const ACCESS_TOKEN_ALGORITHMS: readonly AccessTokenAlgorithm[] = ['EdDSA', 'Ed25519'];

/** The JOSE `typ` of access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Longest token (and Authorization credential) accepted, in characters: 8 KiB. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

/** The private key the issuer signs with. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: AccessTokenAlgorithm;
  readonly privateKey: CryptoKey;
}

/** Where the issuer gets the current signing key (the keyring implements it). */
export interface SigningKeySource {
  /** @throws NoSigningKeyError when no key may sign. */
  getSigningKey(): SigningKey;
}

/** A public key the verifier may accept, bound to exactly one algorithm. */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: AccessTokenAlgorithm;
  readonly publicKey: CryptoKey;
}

/** Where the verifier looks keys up by `kid` (the keyring implements it). In memory: no I/O. */
export interface VerificationKeySource {
  /** undefined for an unknown, not yet published or expired kid. */
  getVerificationKey(kid: string): VerificationKey | undefined;
}

/** What the service puts into a new access token. */
export interface AccessTokenGrant {
  /** User id. */
  readonly sub: string;
  /** Session id (the `id` the sessions list shows). */
  readonly sid: string;
  readonly role: string;
  /** Permissions; joined with spaces into the `scope` claim. */
  readonly scope: readonly string[];
}

export interface IssuedAccessToken {
  /** The compact JWS; goes into `access_token`. */
  readonly token: string;
  readonly jti: string;
  readonly kid: string;
  /** Seconds since the epoch, as in the claims. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Seconds until exp; goes into `expires_in`. */
  readonly expiresIn: number;
}

/** The claims of a token that passed every check. */
export interface VerifiedAccessToken {
  readonly iss: string;
  readonly aud: string | readonly string[];
  readonly sub: string;
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  readonly role: string;
  /** The `scope` claim split on spaces. */
  readonly scope: readonly string[];
  /** Key that signed it. */
  readonly kid: string;
}
