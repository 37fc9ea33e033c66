// Puts the security layer in front of every route, in this order: client address and
// authentication (onRequest), rate limiting, then access control (preValidation), so that a
// request with bad credentials is still counted against its client's limits.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateRequests } from '../security/authn/authenticate-plugin.ts';
import { isApiKeyFormat } from '../security/authn/index.ts';
import { accessControl, type DenialReason } from '../security/authz/access-control.ts';
import type { Principal } from '../security/authz/principal.ts';
import { clientAddress } from '../security/http/client-address.ts';
import type { Permission } from '../security/permissions.ts';
import {
  createRateLimiter,
  definePolicy,
  MemoryStore,
  rateLimit,
} from '../security/rate-limit/index.ts';
import type { Services } from './services.ts';

/** lastUsedAt is written at most this often per key, not on every request. */
const LAST_USED_INTERVAL_MS = 60_000;
/** Denials are audited at most this often per actor, so a scripted caller cannot flood the log. */
const DENIAL_AUDIT_POLICY = definePolicy('audit-denied', '10/minute');

function createLastUsedRecorder(services: Services): (id: string) => void {
  const lastWritten = new Map<string, number>();
  return (id) => {
    const now = Date.now();
    if (now - (lastWritten.get(id) ?? 0) < LAST_USED_INTERVAL_MS) return;
    if (lastWritten.size > 10_000) lastWritten.clear();
    lastWritten.set(id, now);
    services.apiKeys.touchLastUsed(id, new Date(now)).catch(() => {
      lastWritten.delete(id);
    });
  };
}

function createDenialAuditor(services: Services) {
  const limiter = createRateLimiter({ store: new MemoryStore({ maxKeys: 10_000 }) });
  return async (
    request: FastifyRequest,
    principal: Principal,
    reason: DenialReason,
    permission: Permission | null,
  ) => {
    request.log.info({ event: 'authz.denied', reason, permission }, 'access denied');
    const decision = await limiter.check([{ policy: DENIAL_AUDIT_POLICY, key: principal.userId }]);
    if (!decision.allowed) return;
    await services.audit.record(request, {
      type: 'authz.denied',
      outcome: 'denied',
      detail: `${request.method} ${request.routeOptions.url ?? ''}: ${reason}${permission ? ` (${permission})` : ''}`,
    });
  };
}

export async function installSecurityLayer(
  app: FastifyInstance,
  services: Services,
): Promise<void> {
  const { config } = services;
  await app.register(clientAddress, {
    trustProxy: config.trustProxy,
    ipv6PrefixLength: config.rateLimits.ipv6Subnet,
  });
  const recordLastUsed = createLastUsedRecorder(services);
  await app.register(authenticateRequests, {
    verifier: services.verifier,
    revocations: services.revocations,
    isApiKey: isApiKeyFormat,
    resolveApiKey: async (credential) => {
      const hash = services.apiKeyHasher.hashPresented(credential);
      return hash === null ? null : services.apiKeys.findByHash(hash);
    },
    onApiKeyUsed: (key) => {
      recordLastUsed(key.id);
    },
  });
  await app.register(rateLimit, {
    limiter: services.limiter,
    resolve: (request) => services.rateLimitPlan.resolve(request),
    hook: 'preValidation',
  });
  await app.register(accessControl, { onDenied: createDenialAuditor(services) });
}
