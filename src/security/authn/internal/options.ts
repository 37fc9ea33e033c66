// Set-up option checks shared by the factories: each throws InvalidOptionError naming the option,
// so a bad configuration stops the start instead of failing a request later.
import { InvalidOptionError } from '../errors.ts';

/** An integer within [min, max], or the fallback when undefined. */
export function integerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min || resolved > max) {
    throw new InvalidOptionError(`${name} must be an integer from ${min} to ${max}`);
  }
  return resolved;
}

/** A non-empty string of at most maxLength characters without control characters. */
export function stringOption(name: string, value: unknown, maxLength = 1024): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new InvalidOptionError(
      `${name} must be a non-empty string of at most ${maxLength} characters`,
    );
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidOptionError(`${name} must not contain control characters`);
  }
  return value;
}

/** A function option, such as a clock. */
export function functionOption<T extends (...args: never[]) => unknown>(
  name: string,
  value: T | undefined,
  fallback: T,
): T {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'function') throw new InvalidOptionError(`${name} must be a function`);
  return resolved;
}
