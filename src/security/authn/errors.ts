// Every error the authentication core throws, each a class with a stable string-literal `code`
// (callers `switch (err.code)`); all codes are listed in ./README.md and a test keeps them in sync.

/** Every code an authn error can carry. */
export const AUTHN_ERROR_CODES = [
  'invalid_option',
  'invalid_token',
  'invalid_server_secret',
  'signing_key_decryption_failed',
  'signing_key_unreadable',
  'no_signing_key',
  'rotation_pending',
  'revocation_store_failed',
] as const;

export type AuthnErrorCode = (typeof AUTHN_ERROR_CODES)[number];

/** Base class: `err instanceof AuthnError` catches every error of this module. */
export abstract class AuthnError extends Error {
  abstract readonly code: AuthnErrorCode;
}

/** A set-up option is missing, of the wrong type or out of range. Thrown at set-up only. */
export class InvalidOptionError extends AuthnError {
  readonly code = 'invalid_option';
  override readonly name = 'InvalidOptionError';
}

/**
 * Why an access token was refused. For debug logs only: clients always see the same
 * `invalid_token` answer. Never contains the token or any of its claims.
 */
export type InvalidTokenReason =
  | 'not_a_string'
  | 'token_too_large'
  | 'header_too_large'
  | 'malformed'
  | 'header_invalid'
  | 'header_forbidden_member'
  | 'crit_not_supported'
  | 'alg_not_allowed'
  | 'typ_invalid'
  | 'kid_invalid'
  | 'kid_unknown'
  | 'signature_invalid'
  | 'claim_missing'
  | 'claim_invalid'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future';

/**
 * Any access token failure. The message is the same for every reason so that it can be shown to
 * clients; `reason` (and `claim`, when a claim is at fault) are for debug logs.
 */
export class InvalidTokenError extends AuthnError {
  readonly code = 'invalid_token';
  override readonly name = 'InvalidTokenError';
  readonly reason: InvalidTokenReason;
  /** Name of the claim or header member at fault, if any (a name only, never its value). */
  readonly member: string | undefined;

  constructor(reason: InvalidTokenReason, member?: string) {
    super('The access token is invalid');
    this.reason = reason;
    this.member = member;
  }
}

/** GATEHOUSE_SECRET_KEY is missing, too short or obviously a placeholder. */
export class InvalidServerSecretError extends AuthnError {
  readonly code = 'invalid_server_secret';
  override readonly name = 'InvalidServerSecretError';
}

/** A sealed private key failed authentication: wrong secret, wrong kid or tampered bytes. */
export class SigningKeyDecryptionError extends AuthnError {
  readonly code = 'signing_key_decryption_failed';
  override readonly name = 'SigningKeyDecryptionError';
  constructor() {
    super('The signing key could not be decrypted (wrong secret, kid or tampered data)');
  }
}

/**
 * The store holds signing keys but none of them can be used with this server secret. Usually
 * GATEHOUSE_SECRET_KEY differs from the one the keys were created with.
 */
export class SigningKeyUnreadableError extends AuthnError {
  readonly code = 'signing_key_unreadable';
  override readonly name = 'SigningKeyUnreadableError';
}

/** No key may sign right now (ensureKeys() was not run, or every key is retired). */
export class NoSigningKeyError extends AuthnError {
  readonly code = 'no_signing_key';
  override readonly name = 'NoSigningKeyError';
  constructor() {
    super('No active signing key: call ensureKeys() at start-up');
  }
}

/** rotate() was called while an earlier rotation's `next` key is still waiting to activate. */
export class RotationPendingError extends AuthnError {
  readonly code = 'rotation_pending';
  override readonly name = 'RotationPendingError';
}

/** Redis refused or failed a revocation write; the revocation may not have reached other instances. */
export class RevocationStoreError extends AuthnError {
  readonly code = 'revocation_store_failed';
  override readonly name = 'RevocationStoreError';
}
