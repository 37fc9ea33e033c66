// The persistence the keyring needs for signing keys, as an interface the data layer implements
// (one row per key, shared by every instance through the database).
import type { AccessTokenAlgorithm } from './access-token-types.ts';

/**
 * `next`: published, not signing yet. `active`: signs new tokens. `retired`: published until the
 * tokens it signed have expired (retiredAt + access token TTL + clock tolerance), then ignored.
 */
export type SigningKeyState = 'next' | 'active' | 'retired';

/** One stored key. Times are milliseconds since the epoch (store them as 64-bit integers). */
export interface SigningKeyRow {
  /** Primary key: RFC 7638 thumbprint, base64url, 43 characters. */
  readonly kid: string;
  readonly alg: AccessTokenAlgorithm;
  readonly state: SigningKeyState;
  /** JSON text of the public JWK `{kty, crv, x}`. */
  readonly publicJwk: string;
  /** The private JWK sealed by SigningKeyCipher (`v1.<iv>.<ciphertext>.<tag>`), under 12 KiB. */
  readonly sealedPrivateJwk: string;
  readonly createdAt: number;
  /** From when the key may sign (for `next` keys: creation + pre-publication period). */
  readonly activatesAt: number;
  /** When the key stopped signing; null unless retired. */
  readonly retiredAt: number | null;
}

/** A compare-and-set state change: applies only while the row is still in state `from`. */
export interface SigningKeyStateChange {
  readonly kid: string;
  readonly from: SigningKeyState;
  readonly to: SigningKeyState;
  readonly retiredAt: number | null;
}

/**
 * Implemented by the data layer. In SQL:
 * `UPDATE signing_keys SET state = :to, retired_at = :retiredAt WHERE kid = :kid AND state = :from`
 * and return whether a row changed. Several instances may apply the same change: only one wins,
 * and they all compute the same values.
 */
export interface SigningKeyStore {
  /** Every row, any order. */
  list(): Promise<readonly SigningKeyRow[]>;
  /** @throws when the kid already exists. */
  insert(row: SigningKeyRow): Promise<void>;
  updateState(change: SigningKeyStateChange): Promise<boolean>;
}
