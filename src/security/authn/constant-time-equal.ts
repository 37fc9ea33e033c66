// Compares secrets (hashes, tokens) in time that depends on neither their content nor length.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when both strings are equal. Both sides are hashed to 32 bytes first, so
 * `timingSafeEqual` always compares equal lengths and the time reveals no length either.
 *
 * @example if (!constantTimeEqual(session.refreshTokenHash, hashRefreshToken(presented))) ...
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
