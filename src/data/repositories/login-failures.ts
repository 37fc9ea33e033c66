// Consecutive failed logins per account key (an HMAC of the normalised email, so unknown emails
// lock exactly like known ones and no email is stored). Increments are atomic upserts.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface LoginFailureState {
  readonly failures: number;
  readonly lockedUntil: string | null;
}

export class LoginFailureRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(accountKey: string): Promise<LoginFailureState> {
    const row = await this.db
      .selectFrom('login_failures')
      .select(['failures', 'locked_until'])
      .where('account_key', '=', accountKey)
      .executeTakeFirst();
    return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? null };
  }

  /** Adds one failure and returns the new count. */
  async increment(accountKey: string, now = new Date()): Promise<number> {
    const at = now.toISOString();
    const row = await this.db
      .insertInto('login_failures')
      .values({ account_key: accountKey, failures: 1, locked_until: null, updated_at: at })
      .onConflict((oc) =>
        oc.column('account_key').doUpdateSet((eb) => ({
          failures: eb(eb.ref('login_failures.failures'), '+', 1),
          updated_at: at,
        })),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return row.failures;
  }

  async lock(accountKey: string, until: Date): Promise<void> {
    await this.db
      .updateTable('login_failures')
      .set({ locked_until: until.toISOString() })
      .where('account_key', '=', accountKey)
      .execute();
  }

  async reset(accountKey: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('account_key', '=', accountKey).execute();
  }
}
