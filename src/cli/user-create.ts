// gatehouse user create --email E --role R [--display-name N]: the password is the first line of
// standard input, never an argument (arguments show up in `ps` and shell history).
import { UserRepository } from '../data/repositories/users.ts';
import { createPasswordHasher, createPasswordPolicy } from '../security/authn/index.ts';
import { isRole, ROLE_NAMES } from '../security/permissions.ts';
import { normalizeEmail } from '../security/validation/email.ts';
import type { OperatorContext } from './operator.ts';
import { readPasswordLine } from './read-password.ts';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface UserCreateOptions {
  readonly email: string | undefined;
  readonly role: string | undefined;
  readonly displayName: string | undefined;
}

export async function createUserCommand(
  context: OperatorContext,
  options: UserCreateOptions,
): Promise<string> {
  if (
    options.email === undefined ||
    !EMAIL.test(options.email.trim()) ||
    options.email.length > 254
  ) {
    throw new UsageError('--email needs a valid email address');
  }
  const role = options.role ?? 'user';
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLE_NAMES.join(', ')}`);
  const email = normalizeEmail(options.email);
  const displayName = (options.displayName ?? email.split('@')[0] ?? email)
    .normalize('NFC')
    .slice(0, 100);

  const password = await readPasswordLine('Password: ');
  const rejection = createPasswordPolicy({
    minLength: context.config.passwordMinLength,
  }).checkNewPassword(password, {
    email,
  });
  if (rejection) throw new UsageError(`password refused: ${rejection.message}`);

  const users = new UserRepository(context.database.db);
  const user = await users.create({
    email,
    passwordHash: await createPasswordHasher().hashPassword(password),
    displayName,
    role,
  });
  if (!user) throw new UsageError(`a user with email ${email} already exists`);
  await context.audit.recordOperator({
    type: 'user.created',
    outcome: 'success',
    targetId: user.id,
    detail: `role ${role} (command line)`,
  });
  return `created ${role} ${email} (${user.id})`;
}
