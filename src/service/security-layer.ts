// Puts the security layer in front of each route, as its declaration asks and no more:
// authentication (onRequest), then rate limiting and access control (preValidation), so that a
// request with bad credentials is still counted against its client's limits. Public, exempt
// routes such as /healthz get none of these hooks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateHook,
  decorateAuthentication,
} from '../security/authn/authenticate-request.ts';
import { isApiKeyFormat } from '../security/authn/index.ts';
import { accessControlHook } from '../security/authz/access-control.ts';
import { decorateClientAddress } from '../security/http/client-address.ts';
import { refuseBody } from '../security/validation/no-body.ts';
import { rateLimitHook } from '../security/rate-limit/index.ts';
import type { Services } from './services.ts';

/** lastUsedAt is written at most this often per key, not on every request. */
const LAST_USED_INTERVAL_MS = 60_000;

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

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Appends hooks to a route's own list, once (HEAD routes are copies of their GET route). */
function appendHooks(existing: unknown, hooks: readonly Hook[]): Hook[] {
  const list: Hook[] =
    existing === undefined
      ? []
      : Array.isArray(existing)
        ? [...(existing as Hook[])]
        : [existing as Hook];
  for (const hook of hooks) if (!list.includes(hook)) list.push(hook);
  return list;
}

export function installSecurityLayer(
  app: FastifyInstance,
  services: Services,
): { notFoundHooks: Hook[] } {
  const { config } = services;
  decorateClientAddress(app, {
    trustProxy: config.trustProxy,
    ipv6PrefixLength: config.rateLimits.ipv6Subnet,
  });
  decorateAuthentication(app);
  const recordLastUsed = createLastUsedRecorder(services);
  const authenticate = authenticateHook({
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
  const limit = rateLimitHook({
    limiter: services.limiter,
    resolve: (request) => services.rateLimitPlan.resolve(request),
  });
  const access = accessControlHook({
    onDenied: (request, _principal, reason, permission) =>
      services.auditDenied(
        request,
        `${request.method} ${request.routeOptions.url ?? ''}: ${reason}${permission ? ` (${permission})` : ''}`,
      ),
  });

  app.addHook('onRoute', (route) => {
    const security = route.config?.security;
    if (!security) return; // the declaration check refuses the route at start
    if (security.auth !== 'public') route.onRequest = appendHooks(route.onRequest, [authenticate]);
    const preValidation = [
      ...(security.rateLimit === 'exempt' ? [] : [limit]),
      ...(security.auth === 'public' ? [] : [access]),
      ...(security.noBody ? [refuseBody] : []),
    ];
    if (preValidation.length > 0)
      route.preValidation = appendHooks(route.preValidation, preValidation);
  });
  // Unknown paths are counted against the client's IP like any anonymous request.
  return { notFoundHooks: [limit] };
}
