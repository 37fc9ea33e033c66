// Writes audit events with the request's context (actor, client IP, request id). Awaited, so an
// acknowledged action always has its audit record.
import type { FastifyRequest } from 'fastify';
import type { AuditEventRepository, NewAuditEvent } from '../data/repositories/audit-events.ts';

export type AuditType =
  | 'user.registered'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'session.refreshed'
  | 'session.reuse-detected'
  | 'session.logout'
  | 'session.revoked'
  | 'password.changed'
  | 'password.change-failed'
  | 'key.rotated'
  | 'user.created'
  | 'user.updated'
  | 'apikey.created'
  | 'apikey.deleted'
  | 'note.deleted-by-admin'
  | 'authz.denied';

export interface AuditEntry {
  readonly type: AuditType;
  readonly outcome: NewAuditEvent['outcome'];
  readonly actorId?: string | null;
  readonly targetId?: string | null;
  readonly detail?: string | null;
}

export class AuditLog {
  constructor(private readonly events: AuditEventRepository) {}

  /** An event caused by an HTTP request; the actor defaults to the authenticated user. */
  async record(request: FastifyRequest, entry: AuditEntry): Promise<void> {
    await this.events.append({
      type: entry.type,
      outcome: entry.outcome,
      actorId: entry.actorId ?? request.principal?.userId ?? null,
      targetId: entry.targetId ?? null,
      ip: request.clientAddress.ip,
      requestId: request.id,
      detail: entry.detail ?? null,
    });
    request.log.info({ event: 'audit', type: entry.type, outcome: entry.outcome }, 'audit event');
  }

  /** An event from the command line. */
  async recordOperator(entry: AuditEntry): Promise<void> {
    await this.events.append({
      type: entry.type,
      outcome: entry.outcome,
      actorId: entry.actorId ?? null,
      targetId: entry.targetId ?? null,
      ip: null,
      requestId: null,
      detail: entry.detail ?? null,
    });
  }
}
