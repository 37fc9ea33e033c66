// The per-account lock after LOGIN_LOCK_THRESHOLD consecutive failures, with a delay that doubles
// from one minute up to an hour. Keyed by an HMAC of the normalised email, so an unknown email
// "locks" exactly like a real account and the lock reveals nothing.
import { createHmac } from 'node:crypto';
import type { LoginFailureRepository } from '../../data/repositories/login-failures.ts';
import type { ServerSecret } from '../../security/authn/index.ts';
import { GatehouseError } from '../../security/errors.ts';
import { normalizeEmail } from '../../security/validation/email.ts';

const FIRST_DELAY_MS = 60_000;
const MAX_DELAY_MS = 3_600_000;

export class LoginLock {
  readonly #key: Buffer;

  constructor(
    private readonly failures: LoginFailureRepository,
    secret: ServerSecret,
    private readonly threshold: number,
  ) {
    this.#key = secret.deriveKey('gatehouse/login-account/v1');
  }

  accountKey(email: string): string {
    return createHmac('sha256', this.#key).update(normalizeEmail(email)).digest('base64url');
  }

  /** The lock delay after `failures` consecutive failures: 0 below the threshold. */
  delayAfter(failures: number): number {
    if (failures < this.threshold) return 0;
    return Math.min(FIRST_DELAY_MS * 2 ** Math.min(failures - this.threshold, 10), MAX_DELAY_MS);
  }

  /** Throws the 429 lock answer while the account key is locked. */
  async assertNotLocked(accountKey: string, now = Date.now()): Promise<void> {
    const { lockedUntil } = await this.failures.get(accountKey);
    const remaining = lockedUntil === null ? 0 : Date.parse(lockedUntil) - now;
    if (remaining > 0) throw lockedError(remaining);
  }

  /** Counts a failure; returns whether this failure locked the account key. */
  async recordFailure(accountKey: string, now = Date.now()): Promise<boolean> {
    const count = await this.failures.increment(accountKey, new Date(now));
    const delay = this.delayAfter(count);
    if (delay === 0) return false;
    await this.failures.lock(accountKey, new Date(now + delay));
    return true;
  }

  async reset(accountKey: string): Promise<void> {
    await this.failures.reset(accountKey);
  }
}

export function lockedError(remainingMs: number): GatehouseError {
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return new GatehouseError(
    'quota-exceeded',
    `Too many failed attempts; retry in ${seconds} seconds.`,
    {
      headers: { 'retry-after': String(seconds) },
      extensions: { 'violated-policies': ['login-lock'] },
    },
  );
}
