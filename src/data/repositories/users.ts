// Users: accounts, their password hashes, roles and the disabled flag.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { olderThan, toPage, type Page, type Position } from '../cursor.ts';
import { isUniqueViolation } from '../errors.ts';
import type { Database, UsersTable } from '../schema.ts';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface UserWithSecret extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  readonly email: string;
  readonly passwordHash: string;
  readonly displayName: string;
  readonly role: string;
}

export interface UserListFilter {
  readonly limit: number;
  readonly after?: Position | undefined;
  readonly role?: string | undefined;
  /** Exact match on the normalised email. */
  readonly email?: string | undefined;
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a user; null when the email is taken. */
  async create(user: NewUser, now = new Date()): Promise<User | null> {
    const at = now.toISOString();
    const row = {
      id: randomUUID(),
      email: user.email,
      password_hash: user.passwordHash,
      display_name: user.displayName,
      role: user.role,
      disabled: 0,
      created_at: at,
      updated_at: at,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return toUser(row);
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByEmailWithSecret(email: string): Promise<UserWithSecret | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  async findByIdWithSecret(id: string): Promise<UserWithSecret | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  async update(
    id: string,
    changes: { displayName?: string; role?: string; disabled?: boolean; passwordHash?: string },
    now = new Date(),
  ): Promise<User | null> {
    await this.db
      .updateTable('users')
      .set({
        ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
        ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    return this.findById(id);
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async list(filter: UserListFilter): Promise<Page<User>> {
    let query = this.db.selectFrom('users').selectAll();
    if (filter.role !== undefined) query = query.where('role', '=', filter.role);
    if (filter.email !== undefined) query = query.where('email', '=', filter.email);
    const after = filter.after;
    if (after) {
      query = query.where((eb) => olderThan(eb, after));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    return toPage(rows, filter.limit, (r) => ({ createdAt: r.created_at, id: r.id }), toUser);
  }
}
