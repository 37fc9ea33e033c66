// API keys: stored only as a keyed hash; looked up by that hash together with the owner's role
// and state, so a request authenticated by key acts with the owner's current rights.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../schema.ts';

export interface ApiKey {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface ApiKeyWithOwner extends ApiKey {
  readonly ownerRole: string;
  readonly ownerDisabled: boolean;
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    key: {
      userId: string;
      name: string;
      prefix: string;
      keyHash: string;
      scopes: readonly string[];
      expiresAt: Date | null;
    },
    now = new Date(),
  ): Promise<ApiKey> {
    const row = {
      id: randomUUID(),
      user_id: key.userId,
      name: key.name,
      prefix: key.prefix,
      key_hash: key.keyHash,
      scopes: key.scopes.join(' '),
      created_at: now.toISOString(),
      expires_at: key.expiresAt?.toISOString() ?? null,
      last_used_at: null,
    };
    await this.db.insertInto('api_keys').values(row).execute();
    return toApiKey(row);
  }

  async findByHash(keyHash: string): Promise<ApiKeyWithOwner | null> {
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .selectAll('api_keys')
      .select(['users.role as owner_role', 'users.disabled as owner_disabled'])
      .where('api_keys.key_hash', '=', keyHash)
      .executeTakeFirst();
    if (!row) return null;
    return { ...toApiKey(row), ownerRole: row.owner_role, ownerDisabled: row.owner_disabled === 1 };
  }

  async listByUser(userId: string): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute();
    return rows.map(toApiKey);
  }

  async countByUser(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Deletes a key of this user; false when there is none (or it is someone else's). */
  async delete(id: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('api_keys')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: at.toISOString() })
      .where('id', '=', id)
      .execute();
  }
}
