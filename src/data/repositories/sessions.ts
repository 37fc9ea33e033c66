// Refresh sessions and their refresh tokens. A token is stored only as a hash; rotation marks the
// old hash superseded with a compare-and-set, so of two concurrent refreshes with one token only
// one wins and the other is treated as reuse.
import type { Kysely, Selectable } from 'kysely';
import { olderThan, toPage, type Page, type Position } from '../cursor.ts';
import type { Database, SessionsTable } from '../schema.ts';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  readonly userAgent: string;
  readonly ip: string;
  readonly idleExpiresAt: string;
  readonly absoluteExpiresAt: string;
  readonly revokedAt: string | null;
}

export interface NewSession {
  readonly id: string;
  readonly userId: string;
  readonly userAgent: string;
  readonly ip: string;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly refreshTokenHash: string;
}

export type RefreshLookup =
  | { readonly kind: 'current'; readonly session: Session }
  | { readonly kind: 'superseded'; readonly session: Session }
  | { readonly kind: 'unknown' };

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    userAgent: row.user_agent,
    ip: row.ip,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    revokedAt: row.revoked_at,
  };
}

export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: NewSession, now = new Date()): Promise<Session> {
    const at = now.toISOString();
    const row = {
      id: session.id,
      user_id: session.userId,
      created_at: at,
      last_used_at: at,
      user_agent: session.userAgent,
      ip: session.ip,
      idle_expires_at: session.idleExpiresAt.toISOString(),
      absolute_expires_at: session.absoluteExpiresAt.toISOString(),
      revoked_at: null,
      revoked_reason: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('sessions').values(row).execute();
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: session.refreshTokenHash,
          session_id: session.id,
          created_at: at,
          superseded_at: null,
        })
        .execute();
    });
    return toSession(row);
  }

  async findById(id: string): Promise<Session | null> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async lookupRefreshToken(tokenHash: string): Promise<RefreshLookup> {
    const token = await this.db
      .selectFrom('refresh_tokens')
      .select(['session_id', 'superseded_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!token) return { kind: 'unknown' };
    const session = await this.findById(token.session_id);
    if (!session) return { kind: 'unknown' };
    return { kind: token.superseded_at === null ? 'current' : 'superseded', session };
  }

  /**
   * Supersedes `oldHash` and stores `newHash` for the same session; false when `oldHash` was no
   * longer current (a concurrent refresh won), which the caller treats as reuse.
   */
  async rotate(
    sessionId: string,
    oldHash: string,
    newHash: string,
    idleExpiresAt: Date,
    now = new Date(),
  ): Promise<boolean> {
    const at = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('refresh_tokens')
        .set({ superseded_at: at })
        .where('token_hash', '=', oldHash)
        .where('session_id', '=', sessionId)
        .where('superseded_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: newHash, session_id: sessionId, created_at: at, superseded_at: null })
        .execute();
      await trx
        .updateTable('sessions')
        .set({ last_used_at: at, idle_expires_at: idleExpiresAt.toISOString() })
        .where('id', '=', sessionId)
        .execute();
      return true;
    });
  }

  /** Revokes one session; returns whether it was active before. */
  async revoke(sessionId: string, reason: string, now = new Date()): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: now.toISOString(), revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Revokes every active session of a user except `keep`; returns the revoked ids. */
  async revokeAllOfUser(
    userId: string,
    reason: string,
    keep?: string,
    now = new Date(),
  ): Promise<string[]> {
    let query = this.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keep !== undefined) query = query.where('id', '!=', keep);
    const ids = (await query.execute()).map((r) => r.id);
    if (ids.length > 0) {
      await this.db
        .updateTable('sessions')
        .set({ revoked_at: now.toISOString(), revoked_reason: reason })
        .where('id', 'in', ids)
        .where('revoked_at', 'is', null)
        .execute();
    }
    return ids;
  }

  /** Active (not revoked, not expired) sessions of a user, newest first, in keyset pages. */
  async listActive(
    userId: string,
    page: { limit: number; after?: Position | undefined },
    now = new Date(),
  ): Promise<Page<Session>> {
    const at = now.toISOString();
    let query = this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', at)
      .where('absolute_expires_at', '>', at);
    const after = page.after;
    if (after) {
      query = query.where((eb) => olderThan(eb, after));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, (r) => ({ createdAt: r.created_at, id: r.id }), toSession);
  }

  /** Ids of sessions revoked after `since`: loaded into the in-process revocation set at start. */
  async revokedSince(since: Date): Promise<Array<{ id: string; revokedAt: string }>> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'revoked_at'])
      .where('revoked_at', '>', since.toISOString())
      .execute();
    return rows.map((r) => ({ id: r.id, revokedAt: r.revoked_at ?? since.toISOString() }));
  }
}
