// Refresh tokens, API keys, the server secret and constant-time comparison.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_PATTERN,
  createApiKeyHasher,
  isApiKeyFormat,
} from '../../../src/security/authn/api-key.ts';
import { constantTimeEqual } from '../../../src/security/authn/constant-time-equal.ts';
import {
  InvalidOptionError,
  InvalidServerSecretError,
} from '../../../src/security/authn/errors.ts';
import {
  generateRefreshToken,
  hashRefreshToken,
  isRefreshTokenFormat,
} from '../../../src/security/authn/refresh-token.ts';
import {
  generateServerSecret,
  parseServerSecret,
} from '../../../src/security/authn/server-secret.ts';
import { testSecret } from './helpers.ts';

describe('refresh tokens', () => {
  it('carry 256 random bits as 43 base64url characters and are stored as SHA-256', () => {
    const { token, hash } = generateRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashRefreshToken(token));
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toBe(token);
  });

  it('never repeat', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => generateRefreshToken().token));
    expect(tokens.size).toBe(2000);
  });

  it('are recognised by shape before any lookup', () => {
    expect(isRefreshTokenFormat(generateRefreshToken().token)).toBe(true);
    for (const bad of [
      '',
      'short',
      `${'a'.repeat(43)}=`,
      'a'.repeat(44),
      'a'.repeat(42) + '!',
      7,
      null,
    ]) {
      expect(isRefreshTokenFormat(bad)).toBe(false);
    }
  });
});

describe('constant-time comparison', () => {
  it('compares equal and unequal strings of any length', () => {
    const { hash } = generateRefreshToken();
    expect(constantTimeEqual(hash, hash.slice(0))).toBe(true);
    expect(constantTimeEqual(hash, hash.slice(1))).toBe(false);
    expect(constantTimeEqual(hash, `${hash.slice(0, -1)}x`)).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual(hash, 7 as unknown as string)).toBe(false);
  });
});

describe('API keys', () => {
  const apiKeys = createApiKeyHasher(testSecret());

  it('have the recognisable prefix and 256 random bits', () => {
    const { key, displayPrefix, hash } = apiKeys.generate();
    expect(key).toMatch(API_KEY_PATTERN);
    expect(key.startsWith('gh_live_')).toBe(true);
    expect(Buffer.from(key.slice('gh_live_'.length), 'base64url')).toHaveLength(32);
    expect(displayPrefix).toBe(key.slice(0, 14));
    expect(hash).toBe(apiKeys.hashPresented(key));
    expect(hash).not.toContain(key.slice(8));
  });

  it('are found by secret scanners using the documented pattern', () => {
    const { key } = apiKeys.generate();
    const scanner = /gh_live_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
    const leaked = `export GATEHOUSE_KEY="${key}"\nother=${key}x`;
    expect(leaked.match(scanner)).toEqual([key]);
  });

  it('hash with a key derived from the server secret', () => {
    const { key, hash } = apiKeys.generate();
    expect(createApiKeyHasher(testSecret()).hashPresented(key)).toBe(hash);
    expect(createApiKeyHasher(testSecret('other')).hashPresented(key)).not.toBe(hash);
  });

  it('refuse anything not shaped like a key before hashing', () => {
    const { key } = apiKeys.generate();
    for (const bad of [
      key.replace('gh_live_', 'gh_test_'),
      key.slice(0, -1),
      `${key}A`,
      `${key.slice(0, -1)}!`,
      'eyJhbGciOiJFZERTQSJ9.e30.c2ln',
      '',
      undefined,
      42,
    ]) {
      expect(apiKeys.hashPresented(bad)).toBeNull();
      expect(isApiKeyFormat(bad)).toBe(false);
    }
    expect(() => createApiKeyHasher('secret' as never)).toThrow(InvalidOptionError);
  });
});

describe('server secret', () => {
  it('needs at least 32 bytes that are not a placeholder', () => {
    for (const bad of [
      undefined,
      null,
      '',
      'short',
      'x'.repeat(64),
      Buffer.alloc(32),
      Buffer.alloc(31, 7),
    ]) {
      expect(() => parseServerSecret(bad)).toThrow(InvalidServerSecretError);
    }
    expect(() => parseServerSecret(generateServerSecret())).not.toThrow();
    expect(() => parseServerSecret(Buffer.from(generateServerSecret(), 'hex'))).not.toThrow();
  });

  it('never prints its bytes', () => {
    const raw = generateServerSecret();
    const secret = parseServerSecret(raw);
    for (const text of [
      JSON.stringify({ secret }),
      String(secret),
      inspect(secret),
      inspect({ secret }),
    ]) {
      expect(text).not.toContain(raw);
      expect(text).toContain('redacted');
    }
  });

  it('derives independent subkeys per purpose', () => {
    const secret = testSecret();
    const a = secret.deriveKey('gatehouse/a/v1');
    expect(a).toHaveLength(32);
    expect(secret.deriveKey('gatehouse/a/v1').equals(a)).toBe(true);
    expect(secret.deriveKey('gatehouse/b/v1').equals(a)).toBe(false);
    expect(testSecret('other').deriveKey('gatehouse/a/v1').equals(a)).toBe(false);
  });
});
