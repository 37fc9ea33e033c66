// Seals private signing JWKs for storage: AES-256-GCM with a key derived (HKDF-SHA-256) from the
// server secret, a random 96-bit IV and the kid as additional authenticated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SigningKeyDecryptionError } from './errors.ts';
import type { ServerSecret } from './server-secret.ts';

/** HKDF info: changing it (or the secret) makes every stored key unreadable. */
export const SIGNING_KEY_ENCRYPTION_INFO = 'gatehouse/signing-key-encryption/v1';

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{1,8192})\.([A-Za-z0-9_-]{22})$/;

export interface SigningKeyCipher {
  /** `v1.<iv>.<ciphertext>.<tag>` (base64url), bound to the kid. */
  seal(privateJwk: object, kid: string): string;
  /**
   * The JWK object back. Only authenticated data is ever parsed.
   * @throws SigningKeyDecryptionError for a wrong secret, another kid or any altered byte.
   */
  open(sealed: string, kid: string): unknown;
}

/**
 * @example
 * const cipher = createSigningKeyCipher(secret);
 * const stored = cipher.seal(privateJwk, kid);
 * const jwk = cipher.open(stored, kid);
 */
export function createSigningKeyCipher(secret: ServerSecret): SigningKeyCipher {
  const key = secret.deriveKey(SIGNING_KEY_ENCRYPTION_INFO, 32);
  return {
    seal(privateJwk, kid) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(kid, 'utf8'));
      const ciphertext = Buffer.concat([
        cipher.update(JSON.stringify(privateJwk), 'utf8'),
        cipher.final(),
      ]);
      const tag = cipher.getAuthTag();
      return [FORMAT_VERSION, iv, ciphertext, tag]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, kid) {
      const match = typeof sealed === 'string' ? SEALED.exec(sealed) : null;
      if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) {
        throw new SigningKeyDecryptionError();
      }
      const iv = Buffer.from(match[1], 'base64url');
      const ciphertext = Buffer.from(match[2], 'base64url');
      const tag = Buffer.from(match[3], 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SigningKeyDecryptionError();
      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(kid, 'utf8'));
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SigningKeyDecryptionError();
      }
      try {
        return JSON.parse(plaintext) as unknown;
      } catch {
        throw new SigningKeyDecryptionError();
      }
    },
  };
}
