// Configuration: defaults, one clear error naming the variable, strict production defaults.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../src/config.ts';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has the defaults of API.md section 6', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: 'sqlite:./data/gatehouse.db',
      redisUrl: null,
      redisTimeoutMs: 50,
      secretKey: null,
      accessTokenTtlMs: 15 * 60_000,
      refreshIdleTtlMs: 7 * 86_400_000,
      refreshAbsoluteTtlMs: 30 * 86_400_000,
      loginLockThreshold: 10,
      passwordMinLength: 12,
      bodyLimit: 64 * 1024,
      metricsPort: null,
      accessLog: true,
    });
    expect(config.rateLimits).toMatchObject({
      user: '100/minute',
      admin: '1000/minute',
      ip: '100/minute',
      onStoreError: 'local',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', 'whole number'],
    [{ PORT: '70000' }, 'PORT', 'whole number'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', 'sqlite: or postgres://'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL', 'redis://'],
    [{ ACCESS_TOKEN_TTL: '15' }, 'ACCESS_TOKEN_TTL', 'duration'],
    [{ ACCESS_TOKEN_TTL: '2d' }, 'ACCESS_TOKEN_TTL', 'between'],
    [{ REFRESH_IDLE_TTL: 'soon' }, 'REFRESH_IDLE_TTL', 'duration'],
    [{ RATE_LIMIT_USER: 'lots' }, 'RATE_LIMIT_USER', 'lots'],
    [{ RATE_LIMIT_LOGIN_IP: '0/minute' }, 'RATE_LIMIT_LOGIN_IP', '0'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY', '10.0.0.0/33'],
    [{ GATEHOUSE_SECRET_KEY: 'ab'.repeat(32) }, 'GATEHOUSE_SECRET_KEY', 'random'],
    [{ RATE_LIMIT_ON_STORE_ERROR: 'maybe' }, 'RATE_LIMIT_ON_STORE_ERROR', 'local, open, closed'],
    [{ LOGIN_LOCK_THRESHOLD: '101' }, 'LOGIN_LOCK_THRESHOLD', '1 to 100'],
    [{ PASSWORD_MIN_LENGTH: '4' }, 'PASSWORD_MIN_LENGTH', '8 to 1024'],
    [{ BODY_LIMIT: '1gb' }, 'BODY_LIMIT', '1kb to 16mb'],
    [{ ACCESS_LOG: 'yes' }, 'ACCESS_LOG', 'true or false'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'one of'],
    [{ GATEHOUSE_SECRET_KEY: 'short' }, 'GATEHOUSE_SECRET_KEY', 'at least 32'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', 'one of'],
  ])('refuses %o naming %s', (env, variable, hint) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toContain(hint);
    expect(error.message).not.toContain('\n');
  });

  it('refuses to start in production with the development secret', () => {
    expect(errorOf({ NODE_ENV: 'production' }).variable).toBe('GATEHOUSE_SECRET_KEY');
    const secret = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    expect(
      loadConfig({ NODE_ENV: 'production', GATEHOUSE_SECRET_KEY: secret }).secretKey,
    ).not.toBeNull();
  });

  it('parses durations and refuses bare numbers', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('90')).toBeNull();
    expect(parseDuration('-5m')).toBeNull();
  });

  it('reads sizes, booleans, Redis, proxies and exempt keys', () => {
    const config = loadConfig({
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      RATE_LIMIT_EXEMPT: '4:10.0.0.5, user:abc',
      RATE_LIMIT_USER: '100 per minute; 1000/hour',
      BODY_LIMIT: '1mb',
      ACCESS_LOG: 'false',
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_PORT: '9100',
    });
    expect(config.bodyLimit).toBe(1024 * 1024);
    expect(config.accessLog).toBe(false);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.metricsPort).toBe(9100);
    expect(config.trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(config.rateLimits.exemptKeys).toEqual(['4:10.0.0.5', 'user:abc']);
  });
});
