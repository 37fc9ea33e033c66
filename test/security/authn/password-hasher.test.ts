// argon2id hashing: the defaults meet the OWASP minimum, weaker stored hashes ask for a rehash,
// malformed ones never throw or leak, and the dummy check costs about as much as a real one.
import { hash as argon2Hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/security/authn/errors.ts';
import { parseArgon2Phc } from '../../../src/security/authn/internal/argon2-phc.ts';
import {
  ARGON2_MINIMUM,
  createPasswordHasher,
} from '../../../src/security/authn/password-hasher.ts';

const PASSWORD = 'correct horse battery staple';
const hasher = createPasswordHasher();

describe('password hasher', () => {
  it('defaults to argon2id with m=19456 KiB, t=2, p=1 or stronger', async () => {
    expect(ARGON2_MINIMUM).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(hasher.parameters.memoryCost).toBeGreaterThanOrEqual(19_456);
    expect(hasher.parameters.timeCost).toBeGreaterThanOrEqual(2);
    expect(hasher.parameters.parallelism).toBeGreaterThanOrEqual(1);
    const stored = await hasher.hashPassword(PASSWORD);
    expect(stored).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(parseArgon2Phc(stored)).toEqual({
      algorithm: 'argon2id',
      version: 19,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      saltBytes: 16,
      hashBytes: 32,
    });
  });

  it('salts every hash', async () => {
    expect(await hasher.hashPassword(PASSWORD)).not.toBe(await hasher.hashPassword(PASSWORD));
  });

  it('refuses parameters below the minimum and accepts stronger ones', async () => {
    expect(() => createPasswordHasher({ memoryCost: 19_455 })).toThrow(InvalidOptionError);
    expect(() => createPasswordHasher({ timeCost: 1 })).toThrow(InvalidOptionError);
    expect(() => createPasswordHasher({ parallelism: 0 })).toThrow(InvalidOptionError);
    expect(() => createPasswordHasher({ memoryCost: 19_456.5 })).toThrow(InvalidOptionError);
    const stronger = createPasswordHasher({ memoryCost: 24_576, timeCost: 3 });
    expect(await stronger.hashPassword(PASSWORD)).toMatch(/^\$argon2id\$v=19\$m=24576,t=3,p=1\$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hashPassword(PASSWORD);
    expect(await hasher.verifyPassword(stored, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verifyPassword(stored, `${PASSWORD} `)).toEqual({
      ok: false,
      needsRehash: false,
    });
    expect(await hasher.verifyPassword(stored, '')).toEqual({ ok: false, needsRehash: false });
  });

  it('treats canonically equivalent Unicode input as the same password (NFKC)', async () => {
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const stored = await hasher.hashPassword(composed);
    expect((await hasher.verifyPassword(stored, decomposed)).ok).toBe(true);
  });

  it('asks for a rehash when the stored parameters are weaker than the current ones', async () => {
    // Deliberately weak legacy hashes (low cost keeps the test fast).
    const legacy = await argon2Hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(await hasher.verifyPassword(legacy, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verifyPassword(legacy, 'wrong')).toEqual({ ok: false, needsRehash: false });
    // @node-rs/argon2's Algorithm is a const enum with no run-time object: 1 is Argon2i.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    const argon2i = await argon2Hash(PASSWORD, { algorithm: 1, memoryCost: 19_456, timeCost: 2 });
    expect(await hasher.verifyPassword(argon2i, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    const current = await hasher.hashPassword(PASSWORD);
    const stronger = createPasswordHasher({ timeCost: 3 });
    expect(await stronger.verifyPassword(current, PASSWORD)).toEqual({
      ok: true,
      needsRehash: true,
    });
    const strongerHash = await stronger.hashPassword(PASSWORD);
    expect(await hasher.verifyPassword(strongerHash, PASSWORD)).toEqual({
      ok: true,
      needsRehash: false,
    });
  });

  it('returns ok:false for malformed or foreign hashes, never throws, logs nothing secret', async () => {
    const logged: string[] = [];
    const logging = createPasswordHasher({
      logger: { warn: (details, message) => logged.push(JSON.stringify(details) + message) },
    });
    const good = await logging.hashPassword(PASSWORD);
    const malformed = [
      '',
      'garbage',
      '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      good.slice(0, -10),
      good.replace('m=19456', 'm=4294967295'),
      good.replace('t=2', 't=99999'),
      good.replace('$argon2id$', '$argon2x$'),
      `${good}$extra`,
      'x'.repeat(100_000),
    ];
    for (const stored of malformed) {
      await expect(logging.verifyPassword(stored, PASSWORD)).resolves.toEqual({
        ok: false,
        needsRehash: false,
      });
    }
    await expect(logging.verifyPassword(null as unknown as string, PASSWORD)).resolves.toEqual({
      ok: false,
      needsRehash: false,
    });
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain('argon2');
      expect(line).not.toContain('$2b$');
    }
  });

  it('runs the dummy verification in about the time of a real one', async () => {
    const stored = await hasher.hashPassword(PASSWORD);
    await hasher.verifyAgainstDummy('warm-up');
    const time = async (run: () => Promise<unknown>): Promise<number> => {
      const started = performance.now();
      for (let index = 0; index < 5; index += 1) await run();
      return performance.now() - started;
    };
    const real = await time(() => hasher.verifyPassword(stored, 'wrong password'));
    const dummy = await time(() => hasher.verifyAgainstDummy('wrong password'));
    expect(await hasher.verifyAgainstDummy(PASSWORD)).toEqual({ ok: false, needsRehash: false });
    expect(dummy / real).toBeGreaterThan(0.33);
    expect(dummy / real).toBeLessThan(3);
  });
});

describe('PHC parser', () => {
  it('reads the parameters of a well-formed string and nothing else', () => {
    expect(
      parseArgon2Phc(
        '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA',
      ),
    ).toMatchObject({
      algorithm: 'argon2id',
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 4,
    });
    for (const bad of [
      undefined,
      42,
      '$argon2id$m=65536,t=3,p=4$c29tZXNhbHQ$aGFzaA',
      '$argon2id$v=19$t=3,m=65536,p=4$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2g',
      '$argon2id$v=19$m=65536,t=3,p=4,keyid=abc$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2g',
      '$argon2id$v=19$m=65536,t=3,p=4$c2$aGFzaGhhc2g',
    ]) {
      expect(parseArgon2Phc(bad)).toBeUndefined();
    }
  });
});
