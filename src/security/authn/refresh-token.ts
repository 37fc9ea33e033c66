// Opaque refresh tokens: 256 random bits (base64url) handed to the client, and the SHA-256 hash
// that is all the database keeps.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
/** base64url of 32 bytes, no padding: 43 characters. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface GeneratedRefreshToken {
  /** Goes to the client as `refresh_token`; never stored or logged. */
  readonly token: string;
  /** Stored in the session row; look the session up by it. */
  readonly hash: string;
}

/**
 * A new refresh token and its storage hash.
 * @example const { token, hash } = generateRefreshToken();
 */
export function generateRefreshToken(): GeneratedRefreshToken {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** Whether the value has the shape of one of our refresh tokens (check before any lookup). */
export function isRefreshTokenFormat(value: unknown): value is string {
  return typeof value === 'string' && REFRESH_TOKEN.test(value);
}

/**
 * SHA-256, base64url (43 characters). Unsalted on purpose: salts and slow hashes defend guessable
 * secrets such as passwords, while a 256-bit random token cannot be guessed or found in a
 * precomputed table, and an unsalted hash lets the session be found by an indexed lookup.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
