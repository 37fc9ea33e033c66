// What the fuzz test and `npm run fuzz` share: the environment that lets fuzzing reach the
// validation layer, and the known bugs the fuzzer reports until they are fixed.
import type { AcceptedRefusal, FuzzOperation, SkipRule } from './fuzz-api.ts';

/**
 * Rate limits high enough that thousands of requests from one client reach validation instead
 * of measuring the limiter (429 is still accepted for any request), and no access log.
 */
export const FUZZ_ENV: Readonly<Record<string, string>> = {
  ACCESS_LOG: 'false',
  RATE_LIMIT_IP: '100000/minute',
  RATE_LIMIT_USER: '100000/minute',
  RATE_LIMIT_ADMIN: '100000/minute',
  RATE_LIMIT_LOGIN_IP: '100000/minute',
  RATE_LIMIT_LOGIN_ACCOUNT: '100000/minute',
  RATE_LIMIT_REGISTER: '100000/minute',
};

/**
 * Known bugs, each suppressing exactly one check on one operation until it is fixed. The test
 * fails when an entry no longer matches anything, so a fix cannot leave its exemption behind.
 */
export const KNOWN_ISSUES: readonly SkipRule[] = [];

/** Business rules of API.md section 3 that refuse some schema-valid bodies with a pointed 400. */
const BUSINESS_RULES: Readonly<Record<string, readonly AcceptedRefusal[]>> = {
  // The password policy beyond the schema's length bounds: not a common password, not the email.
  'POST /v1/auth/register': [{ status: 400, pointers: ['/body/password'] }],
  // A wrong current password, or a new one the policy refuses.
  'POST /v1/users/me/password': [
    { status: 400, pointers: ['/body/currentPassword', '/body/newPassword'] },
  ],
  // Scopes beyond the caller's own permissions.
  'POST /v1/api-keys': [{ status: 400, pointers: ['/body/scopes'] }],
};

/**
 * The refusals a schema-valid request may get on an operation: its business rules, and a 400 for
 * a forged cursor on every list (API.md section 1, Lists), since a random cursor is forged.
 */
export function contractRefusals(operation: FuzzOperation): readonly AcceptedRefusal[] {
  const cursor = operation.queryParameters.some((p) => p.name === 'cursor')
    ? [{ status: 400, pointers: ['/query/cursor'] }]
    : [];
  return [...(BUSINESS_RULES[operation.key] ?? []), ...cursor];
}
