// Password hashing with argon2id (PHC strings) on libuv's thread pool, verification that reports
// when a stored hash is weaker than the current parameters, and a dummy check for unknown users.
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { parseArgon2Phc } from './internal/argon2-phc.ts';
import type { Argon2PhcParameters } from './internal/argon2-phc.ts';
import { integerOption } from './internal/options.ts';
import { silentLogger } from './internal/logger.ts';
import type { AuthnLogger } from './internal/logger.ts';

/** The floor for every parameter: OWASP's minimum argon2id configuration (m=19 MiB, t=2, p=1). */
export const ARGON2_MINIMUM = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

/** Ceilings, for options and for stored hashes (a tampered hash must not exhaust memory). */
export const ARGON2_MAXIMUM = Object.freeze({
  memoryCost: 1_048_576,
  timeCost: 20,
  parallelism: 16,
});

/** Longer inputs are refused without hashing; the HTTP schema caps passwords far lower. */
const MAX_PASSWORD_UTF16_UNITS = 4096;

const OUTPUT_BYTES = 32;
const SALT_BYTES = 16;
/** @node-rs/argon2 ships `Algorithm` as a const enum that is not present at run time. */
const ARGON2ID = 2;

export interface PasswordHasherOptions {
  /** KiB of memory per hash; default and minimum 19456 (19 MiB), at most 1 GiB. */
  readonly memoryCost?: number;
  /** Passes over memory; default and minimum 2, at most 20. */
  readonly timeCost?: number;
  /** Lanes; default and minimum 1, at most 16. */
  readonly parallelism?: number;
  /** Told about malformed stored hashes (never the hash or the password). */
  readonly logger?: AuthnLogger;
}

export interface PasswordVerification {
  /** The password matches the stored hash. */
  readonly ok: boolean;
  /**
   * Only meaningful when ok: the stored hash uses another algorithm or version, or a memory cost,
   * time cost, parallelism, salt or output length below the current ones. Store a new hash.
   */
  readonly needsRehash: boolean;
}

export interface PasswordHasher {
  /** The parameters new hashes are made with. */
  readonly parameters: Readonly<{ memoryCost: number; timeCost: number; parallelism: number }>;
  /** A PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. */
  hashPassword(password: string): Promise<string>;
  /** Never throws for a malformed or foreign stored hash: that is `{ ok: false }`. */
  verifyPassword(storedHash: string, password: string): Promise<PasswordVerification>;
  /**
   * One verification against a fixed dummy hash made with the current parameters, so a login for
   * an unknown email costs as long as one for a known email. Always `{ ok: false }`.
   */
  verifyAgainstDummy(password: string): Promise<PasswordVerification>;
}

const REFUSED: PasswordVerification = Object.freeze({ ok: false, needsRehash: false });

/**
 * Creates the argon2id password hasher. Passwords are normalised to Unicode NFKC before hashing
 * and verifying (NIST SP 800-63B 5.1.1.2), so the same password typed on another keyboard
 * layout or platform still matches.
 *
 * @throws InvalidOptionError when a parameter is below the minimum or above the maximum.
 * @example
 * const hasher = createPasswordHasher();
 * const stored = await hasher.hashPassword('correct horse battery staple');
 * const { ok, needsRehash } = await hasher.verifyPassword(stored, input);
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const parameters = Object.freeze({
    memoryCost: integerOption(
      'memoryCost',
      options.memoryCost,
      ARGON2_MINIMUM.memoryCost,
      ARGON2_MINIMUM.memoryCost,
      ARGON2_MAXIMUM.memoryCost,
    ),
    timeCost: integerOption(
      'timeCost',
      options.timeCost,
      ARGON2_MINIMUM.timeCost,
      ARGON2_MINIMUM.timeCost,
      ARGON2_MAXIMUM.timeCost,
    ),
    parallelism: integerOption(
      'parallelism',
      options.parallelism,
      ARGON2_MINIMUM.parallelism,
      ARGON2_MINIMUM.parallelism,
      ARGON2_MAXIMUM.parallelism,
    ),
  });
  const logger = options.logger ?? silentLogger;
  const argon2Options = { ...parameters, outputLen: OUTPUT_BYTES, algorithm: ARGON2ID } as const;

  const hashPassword = async (password: string): Promise<string> =>
    hash(password.normalize('NFKC'), { ...argon2Options, salt: randomBytes(SALT_BYTES) });

  // Made once, at creation, so the first unknown-email login is not slower than later ones.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = (): Promise<string> =>
    (dummyHash ??= hashPassword(randomBytes(32).toString('base64url')));
  getDummyHash().catch(() => (dummyHash = undefined));

  const isWeaker = (stored: Argon2PhcParameters): boolean =>
    stored.algorithm !== 'argon2id' ||
    stored.version !== 19 ||
    stored.memoryCost < parameters.memoryCost ||
    stored.timeCost < parameters.timeCost ||
    stored.parallelism < parameters.parallelism ||
    stored.saltBytes < SALT_BYTES ||
    stored.hashBytes < OUTPUT_BYTES;

  const isAffordable = (stored: Argon2PhcParameters): boolean =>
    stored.memoryCost <= Math.max(ARGON2_MAXIMUM.memoryCost, parameters.memoryCost) &&
    stored.timeCost <= ARGON2_MAXIMUM.timeCost &&
    stored.parallelism <= ARGON2_MAXIMUM.parallelism &&
    stored.version >= 16;

  const verifyAgainstDummy = async (password: string): Promise<PasswordVerification> => {
    try {
      await verify(await getDummyHash(), normalize(password));
    } catch {
      // The outcome is ignored either way; only the time spent matters.
    }
    return REFUSED;
  };

  const verifyPassword = async (
    storedHash: string,
    password: string,
  ): Promise<PasswordVerification> => {
    if (typeof password !== 'string' || password.length > MAX_PASSWORD_UTF16_UNITS) return REFUSED;
    const stored = parseArgon2Phc(storedHash);
    if (stored === undefined || !isAffordable(stored)) {
      logger.warn({ event: 'password_hash_unusable' }, 'stored password hash is malformed');
      return verifyAgainstDummy(password);
    }
    let ok: boolean;
    try {
      ok = await verify(storedHash, password.normalize('NFKC'));
    } catch {
      logger.warn(
        { event: 'password_hash_unusable' },
        'stored password hash could not be verified',
      );
      return REFUSED;
    }
    return ok ? { ok: true, needsRehash: isWeaker(stored) } : REFUSED;
  };

  return { parameters, hashPassword, verifyPassword, verifyAgainstDummy };
}

function normalize(password: string): string {
  return typeof password === 'string' && password.length <= MAX_PASSWORD_UTF16_UNITS
    ? password.normalize('NFKC')
    : '';
}
