// API keys: `gh_live_` plus 256 random bits (base64url), a short display prefix, and the stored
// HMAC-SHA-256 keyed with a subkey of the server secret. Secret scanners can match the format.
import { createHmac, randomBytes } from 'node:crypto';
import { InvalidOptionError } from './errors.ts';
import { ServerSecret } from './server-secret.ts';

/** Fixed prefix of every key. */
export const API_KEY_PREFIX = 'gh_live_';

/**
 * For secret scanners (e.g. a GitHub custom pattern or gitleaks rule). The 43 characters are
 * base64url of 32 random bytes:
 * `gh_live_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`
 */
export const API_KEY_PATTERN = /^gh_live_[A-Za-z0-9_-]{43}$/;

/** HKDF info of the hashing subkey: changing it (or the secret) invalidates every API key. */
export const API_KEY_HASH_INFO = 'gatehouse/api-key-hash/v1';

/** Characters of the random part shown in lists, after the fixed prefix. */
const DISPLAY_CHARS = 6;

export interface GeneratedApiKey {
  /** Shown to the user once, at creation; never stored or logged. */
  readonly key: string;
  /** Safe to store and show, e.g. `gh_live_AbC12x` (36 of the 256 bits). */
  readonly displayPrefix: string;
  /** Stored; look the key up by it. */
  readonly hash: string;
}

export interface ApiKeyHasher {
  /** A new key with its display prefix and hash. */
  generate(): GeneratedApiKey;
  /**
   * The storage hash of a presented credential, or null when it is not shaped like an API key
   * (checked before any hashing, so arbitrary input costs nothing).
   */
  hashPresented(credential: unknown): string | null;
}

/** Whether a bearer credential is shaped like an API key (rather than a JWT). */
export function isApiKeyFormat(value: unknown): value is string {
  return typeof value === 'string' && API_KEY_PATTERN.test(value);
}

/**
 * HMAC rather than a plain hash: a stolen database alone does not let anyone test guesses.
 *
 * @throws InvalidOptionError when secret is not a ServerSecret.
 * @example
 * const apiKeys = createApiKeyHasher(secret);
 * const { key, displayPrefix, hash } = apiKeys.generate();
 * const lookup = apiKeys.hashPresented(bearer); // null: not an API key -> 401
 */
export function createApiKeyHasher(secret: ServerSecret): ApiKeyHasher {
  if (!(secret instanceof ServerSecret)) {
    throw new InvalidOptionError('secret must be a ServerSecret (parseServerSecret)');
  }
  const hashKey = secret.deriveKey(API_KEY_HASH_INFO, 32);
  const hash = (key: string): string =>
    createHmac('sha256', hashKey).update(key, 'utf8').digest('base64url');
  return {
    generate() {
      const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      return {
        key,
        displayPrefix: key.slice(0, API_KEY_PREFIX.length + DISPLAY_CHARS),
        hash: hash(key),
      };
    },
    hashPresented(credential) {
      return isApiKeyFormat(credential) ? hash(credential) : null;
    },
  };
}
