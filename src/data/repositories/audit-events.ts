// The audit log: who did what to whom, when, from where, with which outcome. Append-only.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { toPage, type Page, type Position } from '../cursor.ts';
import type { AuditEventsTable, Database } from '../schema.ts';

export interface AuditEvent {
  readonly id: string;
  readonly at: string;
  readonly type: string;
  readonly actorId: string | null;
  readonly targetId: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly detail: string | null;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>;

export interface AuditFilter {
  readonly limit: number;
  readonly after?: Position | undefined;
  readonly type?: string | undefined;
  readonly actorId?: string | undefined;
}

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    actorId: row.actor_id,
    targetId: row.target_id,
    ip: row.ip,
    requestId: row.request_id,
    outcome: row.outcome as AuditEvent['outcome'],
    detail: row.detail,
  };
}

export class AuditEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: NewAuditEvent, now = new Date()): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: randomUUID(),
        at: now.toISOString(),
        type: event.type,
        actor_id: event.actorId,
        target_id: event.targetId,
        ip: event.ip,
        request_id: event.requestId,
        outcome: event.outcome,
        detail: event.detail,
      })
      .execute();
  }

  async list(filter: AuditFilter): Promise<Page<AuditEvent>> {
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    const after = filter.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('at', '<', after.createdAt),
          eb.and([eb('at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    return toPage(rows, filter.limit, (r) => ({ createdAt: r.at, id: r.id }), toEvent);
  }
}
