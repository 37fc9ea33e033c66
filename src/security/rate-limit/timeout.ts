// Bounds a store call in time: a store that does not answer within the limit has failed, so a
// request never waits on a dead or stalled Redis longer than REDIS_TIMEOUT_MS.
import { RateLimitStoreError } from './errors.ts';

/**
 * Settles like `promise`, or rejects with RateLimitStoreError after `timeoutMs`. The late result
 * of the original promise is absorbed, so it can neither crash the process nor be double-counted.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RateLimitStoreError(`The rate-limit store did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
