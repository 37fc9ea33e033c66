// The rules a new password must meet (NIST SP 800-63B): a length range in Unicode code points,
// not on the shipped common/breached list, not the email; deliberately no composition rules.
import { codePointLength, commonPasswordKey } from './common-password-key.ts';
import { isCommonPassword } from './common-passwords.ts';
import { InvalidOptionError } from './errors.ts';

/** Default minimum length (PASSWORD_MIN_LENGTH). */
export const PASSWORD_MIN_LENGTH_DEFAULT = 12;
/**
 * The lowest minimum a deployment may configure. NIST allows 8; below that the shipped list
 * (which only keeps entries of 8 or more code points) would no longer cover every short password.
 */
export const PASSWORD_MIN_LENGTH_FLOOR = 8;
/** Maximum length, fixed by the API contract. */
export const PASSWORD_MAX_LENGTH = 1024;

export type PasswordRejectionCode = 'too_short' | 'too_long' | 'common' | 'equals_email';

export interface PasswordRejection {
  readonly code: PasswordRejectionCode;
  /** A sentence for the user, e.g. for the problem+json `detail` at `/body/password`. */
  readonly message: string;
}

export interface NewPasswordContext {
  /** The account's email; the password may not equal it (case-insensitive, trimmed). */
  readonly email: string;
  /** PASSWORD_MIN_LENGTH, 8 to 1024; default 12. Validate it at start-up with `createPasswordPolicy`. */
  readonly minLength?: number;
}

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** null when the password is acceptable, else the first rule it breaks. */
  checkNewPassword(password: string, context: { readonly email: string }): PasswordRejection | null;
}

/**
 * Validates the minimum length once (at set-up) and returns the checker.
 *
 * @throws InvalidOptionError when minLength is not an integer from 8 to 1024.
 * @example
 * const policy = createPasswordPolicy({ minLength: config.passwordMinLength });
 * const rejection = policy.checkNewPassword(body.password, { email: body.email });
 * if (rejection) reply 400 with pointer /body/password and rejection.message
 */
export function createPasswordPolicy(
  options: { readonly minLength?: number } = {},
): PasswordPolicy {
  const minLength = options.minLength ?? PASSWORD_MIN_LENGTH_DEFAULT;
  if (
    !Number.isSafeInteger(minLength) ||
    minLength < PASSWORD_MIN_LENGTH_FLOOR ||
    minLength > PASSWORD_MAX_LENGTH
  ) {
    throw new InvalidOptionError(
      `PASSWORD_MIN_LENGTH must be an integer from ${PASSWORD_MIN_LENGTH_FLOOR} to ${PASSWORD_MAX_LENGTH}`,
    );
  }
  return {
    minLength,
    maxLength: PASSWORD_MAX_LENGTH,
    checkNewPassword: (password, context) => check(password, context.email, minLength),
  };
}

/**
 * One-off form of {@link createPasswordPolicy}: null when the password is acceptable.
 *
 * @throws InvalidOptionError for a bad minLength (a configuration error, not a user error).
 * @example checkNewPassword('correct horse battery', { email: 'a@example.com' }) // null
 */
export function checkNewPassword(
  password: string,
  context: NewPasswordContext,
): PasswordRejection | null {
  const options = context.minLength === undefined ? {} : { minLength: context.minLength };
  return createPasswordPolicy(options).checkNewPassword(password, context);
}

function check(password: string, email: string, minLength: number): PasswordRejection | null {
  // Each UTF-16 unit is at most one code point, and at least half of one.
  const length = password.length > 2 * PASSWORD_MAX_LENGTH ? Infinity : codePointLength(password);
  if (length < minLength) {
    return {
      code: 'too_short',
      message: `The password must be at least ${minLength} characters long.`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return {
      code: 'too_long',
      message: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
    };
  }
  if (email.trim() !== '' && commonPasswordKey(password) === commonPasswordKey(email)) {
    return { code: 'equals_email', message: 'The password must not be the email address.' };
  }
  if (isCommonPassword(password)) {
    return {
      code: 'common',
      message:
        'This password is too common: it appears in lists of leaked passwords. Choose another.',
    };
  }
  return null;
}
