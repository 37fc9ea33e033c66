// Gatehouse's rate-limit plan (API.md section 5): per user (admins their own plan), per API key,
// per client IP for anonymous requests, and the named route policies for login and register.
// Every check of one client uses that client's identity as the Redis hash tag.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import {
  definePolicy,
  type KeyedPolicy,
  type Policy,
  type ResolvedRateLimit,
} from '../security/rate-limit/index.ts';
import { normalizeEmail } from '../security/validation/email.ts';

export type RoutePolicyName = 'login' | 'register';

export interface RateLimitPlan {
  /** The plugin's resolve: null for exempt routes. */
  resolve(request: FastifyRequest): ResolvedRateLimit | null;
  /** Policies the password-change route charges against the login limits. */
  readonly loginAccount: Policy;
  readonly loginIp: Policy;
}

/** The client's key for rate limiting: user or API key id when authenticated, else the IP key. */
export function identityKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal)
    return principal.apiKeyId ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
  return request.clientAddress.key;
}

/** The login-account key: normalised email plus the client IP, so one attacker cannot lock a victim everywhere. */
export function loginAccountKey(email: unknown, ipKey: string): string {
  const normalised = typeof email === 'string' ? normalizeEmail(email).slice(0, 254) : '';
  return `${normalised}|${ipKey}`;
}

export function createRateLimitPlan(limits: Config['rateLimits']): RateLimitPlan {
  const user = definePolicy('user', limits.user);
  const admin = definePolicy('admin', limits.admin);
  const ip = definePolicy('ip', limits.ip);
  const loginIp = definePolicy('login-ip', limits.loginIp);
  const loginAccount = definePolicy('login-account', limits.loginAccount);
  const register = definePolicy('register', limits.register);

  const routePolicies = (name: string, request: FastifyRequest): KeyedPolicy[] => {
    const ipKey = request.clientAddress.key;
    switch (name) {
      case 'login':
        return [
          { policy: loginIp, key: ipKey },
          {
            policy: loginAccount,
            key: loginAccountKey((request.body as { email?: unknown } | undefined)?.email, ipKey),
          },
        ];
      case 'register':
        return [{ policy: register, key: ipKey }];
      default:
        throw new Error(`unknown route rate-limit policy "${name}"`);
    }
  };

  return {
    loginAccount,
    loginIp,
    resolve(request) {
      const security = request.routeOptions.config.security;
      if (security?.rateLimit === 'exempt') return null;
      const principal = request.principal;
      const key = identityKey(request);
      const base: KeyedPolicy = principal
        ? { policy: principal.role === 'admin' ? admin : user, key }
        : { policy: ip, key };
      const extra = security?.rateLimit.policies ?? [];
      return {
        policies: [base, ...extra.flatMap((name) => routePolicies(name, request))],
        cost: security?.rateLimit.cost ?? 1,
        hashTag: key,
      };
    },
  };
}

export const ROUTE_POLICY_NAMES: readonly RoutePolicyName[] = ['login', 'register'];
