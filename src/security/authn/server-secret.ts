// GATEHOUSE_SECRET_KEY as a value that cannot leak through logs, and the HKDF-SHA-256 subkeys
// derived from it (one per purpose, each named by a versioned info string).
import { hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { InvalidServerSecretError } from './errors.ts';

/** The least number of bytes (UTF-8) GATEHOUSE_SECRET_KEY must have: 256 bits. */
export const SERVER_SECRET_MIN_BYTES = 32;

/** Distinct bytes a secret must have, which refuses placeholders such as 32 times "x". */
const MIN_DISTINCT_BYTES = 8;

/**
 * The server secret. The bytes are kept in a private field: `JSON.stringify`, `console.log` and
 * pino print `[redacted]`. Create one with {@link parseServerSecret}.
 */
export class ServerSecret {
  readonly #bytes: Buffer;

  /** Same as {@link parseServerSecret}. */
  constructor(value: Uint8Array | string | null | undefined) {
    if (value === null || value === undefined || value.length === 0) {
      throw new InvalidServerSecretError('GATEHOUSE_SECRET_KEY is not set');
    }
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    if (bytes.length < SERVER_SECRET_MIN_BYTES) {
      throw new InvalidServerSecretError(
        `GATEHOUSE_SECRET_KEY must be at least ${SERVER_SECRET_MIN_BYTES} bytes`,
      );
    }
    if (new Set(bytes).size < MIN_DISTINCT_BYTES) {
      throw new InvalidServerSecretError(
        'GATEHOUSE_SECRET_KEY looks like a placeholder, not random',
      );
    }
    this.#bytes = bytes;
  }

  /**
   * A subkey for one purpose: HKDF-SHA-256 (RFC 5869) with an empty salt (the input is already a
   * uniformly random secret) and `info` naming the purpose and its version, e.g.
   * `gatehouse/api-key-hash/v1`. Distinct infos give independent keys.
   */
  deriveKey(info: string, length = 32): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#bytes, Buffer.alloc(0), info, length));
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'ServerSecret [redacted]';
  }
}

/**
 * Wraps GATEHOUSE_SECRET_KEY. Pass the decoded bytes (config.secretKey, decoded from hex or
 * base64url); a string is taken as its UTF-8 bytes. At least 32 bytes with some variety; generate
 * one with {@link generateServerSecret}.
 *
 * @throws InvalidServerSecretError naming the variable, never echoing the value.
 * @example const secret = parseServerSecret(config.secretKey);
 */
export function parseServerSecret(value: Uint8Array | string | null | undefined): ServerSecret {
  return new ServerSecret(value);
}

/** A fresh value for GATEHOUSE_SECRET_KEY: 32 random bytes as 64 hex characters. */
export function generateServerSecret(): string {
  return randomBytes(32).toString('hex');
}
