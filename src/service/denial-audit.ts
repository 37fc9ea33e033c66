// Every denied authorization, function level (403 from a route's declaration) or object level
// (a note or user the caller may not read or change), writes an audit event, at most 10 a minute
// per caller so a scripted caller cannot flood the log. Always logged.
import type { FastifyRequest } from 'fastify';
import { createRateLimiter, definePolicy, MemoryStore } from '../security/rate-limit/index.ts';
import type { AuditLog } from './audit.ts';

const DENIAL_AUDIT_POLICY = definePolicy('audit-denied', '10/minute');

export type DenialAuditor = (request: FastifyRequest, detail: string) => Promise<void>;

export function createDenialAuditor(audit: AuditLog): DenialAuditor {
  const limiter = createRateLimiter({ store: new MemoryStore({ maxKeys: 10_000 }) });
  return async (request, detail) => {
    request.log.info({ event: 'authz.denied', detail }, 'access denied');
    const actor = request.principal?.userId ?? request.clientAddress.key;
    const decision = await limiter.check([{ policy: DENIAL_AUDIT_POLICY, key: actor }]);
    if (!decision.allowed) return;
    await audit.record(request, { type: 'authz.denied', outcome: 'denied', detail });
  };
}
