// A Fastify plugin that applies a RateLimiter to every request: the app says which policies and
// keys apply (resolve), the plugin sets the header fields and throws RateLimitExceededError on 429.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitConfigError, RateLimitExceededError } from './errors.ts';
import type { KeyedPolicy, RateLimiter } from './check.ts';

export interface ResolvedRateLimit {
  readonly policies: readonly KeyedPolicy[];
  /** Default 1. */
  readonly cost?: number;
  /** See RateLimiter.check. */
  readonly hashTag?: string;
}

export type RateLimitHook = 'onRequest' | 'preValidation' | 'preHandler';

const HOOKS: readonly RateLimitHook[] = ['onRequest', 'preValidation', 'preHandler'];

export interface RateLimitPluginOptions {
  readonly limiter: RateLimiter;
  /** The policies of this request, or null to leave it unlimited (exempt, or an ops route). */
  readonly resolve: (
    request: FastifyRequest,
  ) => ResolvedRateLimit | null | Promise<ResolvedRateLimit | null>;
  /**
   * When to check. Default `preHandler`: after authentication hooks and body validation, so a key
   * can be a user id or a submitted email. `onRequest` rejects earlier, before the body is read.
   */
  readonly hook?: RateLimitHook;
}

/**
 * The hook function the plugin installs, for apps that attach hooks per route (so routes without
 * limits pay nothing): `routeOptions.preValidation = [..., rateLimitHook({ limiter, resolve })]`.
 */
export function rateLimitHook(
  options: Pick<RateLimitPluginOptions, 'limiter' | 'resolve'>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const { limiter, resolve } = options;
  return async (request, reply) => {
    const resolved = await resolve(request);
    if (resolved === null) return;
    // A RateLimitUnavailableError (closed mode, statusCode 503) propagates to the error handler.
    const decision = await limiter.check(resolved.policies, resolved.cost, resolved.hashTag);
    void reply.headers(decision.headers);
    if (!decision.allowed) {
      throw new RateLimitExceededError(
        decision.violatedPolicies,
        decision.retryAfterSeconds,
        decision.headers,
      );
    }
  };
}

const rateLimitPlugin: FastifyPluginAsync<RateLimitPluginOptions> = (fastify, options) => {
  const { hook = 'preHandler' } = options;
  if (!HOOKS.includes(hook)) {
    const message = `The rate-limit hook must be one of ${HOOKS.join(', ')}, got "${hook}"`;
    return Promise.reject(new RateLimitConfigError(message));
  }
  const applyLimit = rateLimitHook(options);
  // One literal per hook: addHook's overloads are chosen by the hook name's literal type.
  if (hook === 'onRequest') fastify.addHook('onRequest', applyLimit);
  else if (hook === 'preValidation') fastify.addHook('preValidation', applyLimit);
  else fastify.addHook('preHandler', applyLimit);
  return Promise.resolve();
};

/**
 * Register once, at the root. Errors for the app's error handler: RateLimitExceededError (429,
 * with `violatedPolicies`, `retryAfterSeconds`, `headers`) and RateLimitUnavailableError (503).
 * @example
 * await app.register(rateLimit, {
 *   limiter,
 *   resolve: (request) => ({ policies: [{ policy: perIp, key: identify(request)?.key ?? 'unknown' }] }),
 * });
 */
export const rateLimit = fp(rateLimitPlugin, { fastify: '5.x', name: 'rate-limit' });
