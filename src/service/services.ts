// Everything the routes use, built once per app: repositories, the authentication core, the
// rate limiter and the audit log. Closing it stops timers and the stores it opened.
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../data/database.ts';
import { ApiKeyRepository } from '../data/repositories/api-keys.ts';
import { AuditEventRepository } from '../data/repositories/audit-events.ts';
import { LoginFailureRepository } from '../data/repositories/login-failures.ts';
import { NoteRepository } from '../data/repositories/notes.ts';
import { SessionRepository } from '../data/repositories/sessions.ts';
import { SqlSigningKeyStore } from '../data/repositories/signing-keys.ts';
import { UserRepository } from '../data/repositories/users.ts';
import {
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  createApiKeyHasher,
  createKeyring,
  createMemoryRevocationList,
  createPasswordHasher,
  createPasswordPolicy,
  createRedisRevocationList,
  loadCommonPasswords,
  type AccessTokenIssuer,
  type AccessTokenVerifier,
  type ApiKeyHasher,
  type Keyring,
  type PasswordHasher,
  type PasswordPolicy,
  type RevocationList,
  type ServerSecret,
} from '../security/authn/index.ts';
import { createCursorCodec, type CursorCodec } from '../security/pagination/cursor.ts';
import {
  CountingStore,
  createRateLimiter,
  FailoverStore,
  MemoryStore,
  RedisStore,
  type RateLimiter,
  type RateLimitStore,
} from '../security/rate-limit/index.ts';
import { AuditLog } from './audit.ts';
import { createDenialAuditor, type DenialAuditor } from './denial-audit.ts';
import type { MetricsSource } from './metrics.ts';
import { createRateLimitPlan, type RateLimitPlan } from './rate-limits.ts';

/** Clock tolerance of the verifier; revocations outlive the last token by this much. */
export const CLOCK_TOLERANCE_MS = 5000;

export interface Services {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly secret: ServerSecret;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly loginFailures: LoginFailureRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly notes: NoteRepository;
  readonly audit: AuditLog;
  /** Audits a denied authorization (rate-limited per caller). */
  readonly auditDenied: DenialAuditor;
  readonly auditEvents: AuditEventRepository;
  readonly passwords: PasswordHasher;
  readonly passwordPolicy: PasswordPolicy;
  readonly keyring: Keyring;
  readonly tokens: AccessTokenIssuer;
  readonly verifier: AccessTokenVerifier;
  readonly revocations: RevocationList;
  readonly apiKeyHasher: ApiKeyHasher;
  readonly cursors: CursorCodec;
  readonly limiter: RateLimiter;
  readonly rateLimitStore: RateLimitStore;
  readonly metrics: MetricsSource;
  readonly rateLimitPlan: RateLimitPlan;
  /** Revokes a session everywhere until its last access token has expired. */
  revokeSession(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceDependencies {
  readonly database: DatabaseHandle;
  readonly redis: Redis | null;
  readonly secret: ServerSecret;
  readonly logger: FastifyBaseLogger;
  /** Tests: publish a rotated key immediately. */
  readonly prePublicationMs?: number;
}

function rateLimitStore(
  config: Config,
  redis: Redis | null,
  logger: FastifyBaseLogger,
): CountingStore | FailoverStore {
  if (!redis) return new CountingStore(new MemoryStore());
  return new FailoverStore({
    primary: new RedisStore({ client: redis, timeoutMs: config.redisTimeoutMs }),
    mode: config.rateLimits.onStoreError,
    logger: logger.child({ component: 'rate-limit' }),
  });
}

export async function createServices(config: Config, deps: ServiceDependencies): Promise<Services> {
  const { database, redis, secret, logger } = deps;
  const db = database.db;
  const keyring = createKeyring({
    store: new SqlSigningKeyStore(db),
    secret,
    accessTokenTtlMs: config.accessTokenTtlMs,
    clockToleranceMs: CLOCK_TOLERANCE_MS,
    logger: logger.child({ component: 'keyring' }),
    ...(deps.prePublicationMs === undefined ? {} : { prePublicationMs: deps.prePublicationMs }),
  });
  await keyring.ensureKeys();
  const stopKeyRefresh = keyring.startAutoRefresh(undefined, (error) => {
    logger.error(
      { event: 'keyring.refresh-failed', err: error },
      'signing keys could not be reloaded',
    );
  });
  loadCommonPasswords();

  const sessions = new SessionRepository(db);
  const revocations = redis
    ? await createRedisRevocationList({ redis, logger: logger.child({ component: 'revocations' }) })
    : createMemoryRevocationList();
  const revokeFor = config.accessTokenTtlMs + CLOCK_TOLERANCE_MS;
  // Sessions revoked while this instance was down still have live access tokens: refuse them.
  for (const { id, revokedAt } of await sessions.revokedSince(new Date(Date.now() - revokeFor))) {
    await revocations.revoke(id, Date.parse(revokedAt) + revokeFor);
  }

  const counted = rateLimitStore(config, redis, logger);
  const store: RateLimitStore = counted;
  const limiter = createRateLimiter({ store, exemptKeys: config.rateLimits.exemptKeys });
  const auditEvents = new AuditEventRepository(db);
  const audit = new AuditLog(auditEvents);

  return {
    config,
    database,
    secret,
    users: new UserRepository(db),
    sessions,
    loginFailures: new LoginFailureRepository(db),
    apiKeys: new ApiKeyRepository(db),
    notes: new NoteRepository(db),
    audit,
    auditDenied: createDenialAuditor(audit),
    auditEvents,
    passwords: createPasswordHasher(),
    passwordPolicy: createPasswordPolicy({ minLength: config.passwordMinLength }),
    keyring,
    tokens: createAccessTokenIssuer({
      keys: keyring,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ttlMs: config.accessTokenTtlMs,
    }),
    verifier: createAccessTokenVerifier({
      keys: keyring,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    }),
    revocations,
    apiKeyHasher: createApiKeyHasher(secret),
    cursors: createCursorCodec(secret.deriveKey('gatehouse/cursor/v1')),
    limiter,
    rateLimitStore: store,
    metrics: {
      rateLimitCounts: () => counted.counters.snapshot(),
      rateLimitStoreState: () => (counted instanceof FailoverStore ? counted.state : 'memory'),
    },
    rateLimitPlan: createRateLimitPlan(config.rateLimits),
    async revokeSession(sessionId) {
      await revocations.revoke(sessionId, Date.now() + revokeFor);
    },
    async close() {
      stopKeyRefresh();
      await limiter.close();
      await revocations.close();
    },
  };
}
