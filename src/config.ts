// Environment -> typed, validated configuration, parsed once at start.
// A bad value throws ConfigError naming the variable; the CLI prints that one line and exits 1.
import { parseServerSecret, type ServerSecret } from './security/authn/index.ts';
import { parseRateLimits, parseTrustProxy } from './security/rate-limit/index.ts';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export type StoreErrorMode = 'local' | 'open' | 'closed';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string | null;
  readonly redisTimeoutMs: number;
  readonly trustProxy: string | null;
  /** null: development, the key is generated into the data folder (never in production). */
  readonly secretKey: ServerSecret | null;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly accessTokenTtlMs: number;
  readonly refreshIdleTtlMs: number;
  readonly refreshAbsoluteTtlMs: number;
  readonly rateLimits: {
    readonly user: string;
    readonly admin: string;
    readonly ip: string;
    readonly loginIp: string;
    readonly loginAccount: string;
    readonly register: string;
    readonly onStoreError: StoreErrorMode;
    readonly ipv6Subnet: number;
    /** Client keys never limited, e.g. `4:10.0.0.5` (a monitoring host) or `user:<id>`. */
    readonly exemptKeys: readonly string[];
  };
  readonly loginLockThreshold: number;
  readonly passwordMinLength: number;
  readonly bodyLimit: number;
  readonly metricsPort: number | null;
  readonly logLevel: LogLevel;
  readonly accessLog: boolean;
  readonly shutdownTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `90s`, `15m`, `7d`, `1h`, `500ms` into milliseconds. A bare number is refused as ambiguous. */
export function parseDuration(value: string): number | null {
  const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(value.trim());
  if (!match) return null;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof DURATION_UNITS_MS];
  return Number(amount) * DURATION_UNITS_MS[unit];
}

/** Parses `64kb`, `1mb` or a plain byte count. */
function parseBytes(value: string): number | null {
  const match = /^(\d{1,10})(b|kb|mb)?$/i.exec(value.trim());
  if (!match) return null;
  const factor = { b: 1, kb: 1024, mb: 1024 * 1024 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  return Number(match[1]) * factor;
}

class Reader {
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string, check?: (v: string) => string | null): string {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const problem = check?.(raw) ?? null;
    if (problem) throw new ConfigError(name, problem);
    return raw;
  }

  optional(name: string): string | null {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? null : raw;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!/^\d{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return Number(raw);
  }

  duration(name: string, fallback: string, minMs: number, maxMs: number): number {
    const raw = this.string(name, fallback);
    const ms = parseDuration(raw);
    if (ms === null)
      throw new ConfigError(name, `must be a duration such as 90s, 15m or 7d, got "${raw}"`);
    if (ms < minMs || ms > maxMs) {
      throw new ConfigError(
        name,
        `must be between ${minMs / 1000}s and ${maxMs / 1000}s, got "${raw}"`,
      );
    }
    return ms;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }
}

function checkPolicyString(value: string): string | null {
  try {
    parseRateLimits(value);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : 'is not a rate-limit policy';
  }
}

function checkTrustProxy(value: string): string | null {
  try {
    parseTrustProxy(value);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : 'is not a list of CIDRs';
  }
}

function checkDatabaseUrl(value: string): string | null {
  if (value.startsWith('sqlite:'))
    return value.length > 'sqlite:'.length ? null : 'sqlite: needs a path';
  if (/^postgres(ql)?:\/\/./.test(value)) return null;
  return 'must start with sqlite: or postgres://';
}

function checkRedisUrl(value: string): string | null {
  return /^rediss?:\/\/./.test(value) ? null : 'must start with redis:// or rediss://';
}

function parseSecretKey(raw: string): ServerSecret {
  const bytes =
    /^[0-9a-f]+$/i.test(raw) && raw.length % 2 === 0
      ? Buffer.from(raw, 'hex')
      : Buffer.from(raw, 'base64url');
  try {
    return parseServerSecret(bytes);
  } catch {
    throw new ConfigError(
      'GATEHOUSE_SECRET_KEY',
      'must encode at least 32 random bytes as hex or base64url (e.g. `openssl rand -hex 32`)',
    );
  }
}

const DAY = 86_400_000;

/** Reads and validates every variable of API.md section 6. Throws ConfigError on the first bad one. */
export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const nodeEnv = read.oneOf('NODE_ENV', 'development', [
    'development',
    'production',
    'test',
  ] as const);
  const secretRaw = read.optional('GATEHOUSE_SECRET_KEY');
  if (nodeEnv === 'production' && secretRaw === null) {
    throw new ConfigError(
      'GATEHOUSE_SECRET_KEY',
      'is required in production (the generated development key is refused); set 32+ random bytes, e.g. `openssl rand -hex 32`',
    );
  }
  const databaseUrl = read.string('DATABASE_URL', 'sqlite:./data/gatehouse.db', checkDatabaseUrl);
  const policy = (name: string, fallback: string): string =>
    read.string(name, fallback, checkPolicyString);

  return {
    nodeEnv,
    host: read.string('HOST', '127.0.0.1', (v) =>
      /^[A-Za-z0-9.:-]{1,255}$/.test(v) ? null : 'must be a host name or IP address',
    ),
    port: read.int('PORT', 3000, 0, 65535),
    databaseUrl,
    redisUrl:
      read.optional('REDIS_URL') === null ? null : read.string('REDIS_URL', '', checkRedisUrl),
    redisTimeoutMs: read.int('REDIS_TIMEOUT_MS', 50, 1, 10_000),
    trustProxy:
      read.optional('TRUST_PROXY') === null
        ? null
        : read.string('TRUST_PROXY', '', checkTrustProxy),
    secretKey: secretRaw === null ? null : parseSecretKey(secretRaw),
    jwtIssuer: read.string('JWT_ISSUER', 'gatehouse'),
    jwtAudience: read.string('JWT_AUDIENCE', 'gatehouse-api'),
    accessTokenTtlMs: read.duration('ACCESS_TOKEN_TTL', '15m', 30_000, DAY),
    refreshIdleTtlMs: read.duration('REFRESH_IDLE_TTL', '7d', 60_000, 365 * DAY),
    refreshAbsoluteTtlMs: read.duration('REFRESH_ABSOLUTE_TTL', '30d', 60_000, 365 * DAY),
    rateLimits: {
      user: policy('RATE_LIMIT_USER', '100/minute'),
      admin: policy('RATE_LIMIT_ADMIN', '1000/minute'),
      ip: policy('RATE_LIMIT_IP', '100/minute'),
      loginIp: policy('RATE_LIMIT_LOGIN_IP', '20/minute'),
      loginAccount: policy('RATE_LIMIT_LOGIN_ACCOUNT', '5/minute'),
      register: policy('RATE_LIMIT_REGISTER', '10/hour'),
      onStoreError: read.oneOf('RATE_LIMIT_ON_STORE_ERROR', 'local', [
        'local',
        'open',
        'closed',
      ] as const),
      ipv6Subnet: read.int('RATE_LIMIT_IPV6_SUBNET', 64, 48, 64),
      exemptKeys: (read.optional('RATE_LIMIT_EXEMPT') ?? '')
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
    },
    loginLockThreshold: read.int('LOGIN_LOCK_THRESHOLD', 10, 1, 100),
    passwordMinLength: read.int('PASSWORD_MIN_LENGTH', 12, 8, 1024),
    bodyLimit: (() => {
      const raw = read.string('BODY_LIMIT', '64kb');
      const bytes = parseBytes(raw);
      if (bytes === null || bytes < 1024 || bytes > 16 * 1024 * 1024) {
        throw new ConfigError(
          'BODY_LIMIT',
          `must be a size from 1kb to 16mb such as 64kb, got "${raw}"`,
        );
      }
      return bytes;
    })(),
    metricsPort:
      read.optional('METRICS_PORT') === null ? null : read.int('METRICS_PORT', 0, 1, 65535),
    logLevel: read.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    accessLog: read.bool('ACCESS_LOG', true),
    shutdownTimeoutMs: read.duration('SHUTDOWN_TIMEOUT', '10s', 1000, 300_000),
  };
}
