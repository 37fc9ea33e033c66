// The public surface of the rate limiter: policies, stores, the check API, client IP rules, the
// Fastify plugin and the errors. Nothing here knows about Gatehouse.
export {
  definePolicy,
  parseRateLimits,
  validateLimit,
  MAX_LIMIT,
  MAX_RATE_PER_SECOND,
} from './policy.ts';
export type { Policy, RateLimit } from './policy.ts';
export { checkGcra, gcraParams } from './gcra.ts';
export type { GcraCheck, GcraItem, GcraOutcome, GcraParams } from './gcra.ts';
export type { CheckItem, CheckItemResult, CheckResult, RateLimitStore } from './store.ts';
export { storeKey } from './store-key.ts';
export { MemoryStore, DEFAULT_MAX_KEYS } from './memory-store.ts';
export type { MemoryStoreOptions } from './memory-store.ts';
export {
  RedisStore,
  RATE_LIMIT_REDIS_OPTIONS,
  DEFAULT_REDIS_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
} from './redis-store.ts';
export type { RedisStoreOptions } from './redis-store.ts';
export { FailoverStore, STORE_ERROR_MODES, DEFAULT_COOL_DOWN_MS } from './failover-store.ts';
export type { FailoverStoreOptions, RateLimitLogger, StoreErrorMode } from './failover-store.ts';
export { RateLimitCounters } from './counters.ts';
export { CountingStore } from './counting-store.ts';
export type { RateLimitCounts } from './counters.ts';
export { createRateLimiter, policyItemName } from './check.ts';
export type { KeyedPolicy, RateLimitDecision, RateLimiter, RateLimiterOptions } from './check.ts';
export { formatRateLimit, formatRateLimitPolicy, rateLimitHeaders } from './headers.ts';
export { parseIpAddress, ipv6Network } from './ip-address.ts';
export type { IpAddress } from './ip-address.ts';
export { parseTrustProxy } from './trust-proxy.ts';
export type { TrustedProxies } from './trust-proxy.ts';
export {
  clientIpKey,
  createClientIpResolver,
  resolveClientIp,
  DEFAULT_IPV6_PREFIX_LENGTH,
} from './client-ip.ts';
export type { ClientIdentity, ClientIpOptions } from './client-ip.ts';
export { rateLimit, rateLimitHook } from './plugin.ts';
export type { RateLimitHook, RateLimitPluginOptions, ResolvedRateLimit } from './plugin.ts';
export {
  RateLimitConfigError,
  RateLimitExceededError,
  RateLimitPolicyError,
  RateLimitStoreError,
  RateLimitUnavailableError,
} from './errors.ts';
export type { RateLimitErrorCode } from './errors.ts';
