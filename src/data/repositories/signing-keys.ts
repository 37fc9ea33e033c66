// The SigningKeyStore of the authentication core, in SQL: every instance shares the same keys.
// Times are kept as ISO 8601 text like every other table and converted to epoch milliseconds.
import type { Kysely, Selectable } from 'kysely';
import type {
  AccessTokenAlgorithm,
  SigningKeyRow,
  SigningKeyState,
  SigningKeyStateChange,
  SigningKeyStore,
} from '../../security/authn/index.ts';
import type { Database, SigningKeysTable } from '../schema.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

function toRow(row: Selectable<SigningKeysTable>): SigningKeyRow {
  return {
    kid: row.kid,
    alg: row.alg as AccessTokenAlgorithm,
    state: row.state as SigningKeyState,
    publicJwk: row.public_jwk,
    sealedPrivateJwk: row.sealed_private_jwk,
    createdAt: Date.parse(row.created_at),
    activatesAt: Date.parse(row.activates_at),
    retiredAt: row.retired_at === null ? null : Date.parse(row.retired_at),
  };
}

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<readonly SigningKeyRow[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().execute();
    return rows.map(toRow);
  }

  async insert(row: SigningKeyRow): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        kid: row.kid,
        alg: row.alg,
        state: row.state,
        public_jwk: row.publicJwk,
        sealed_private_jwk: row.sealedPrivateJwk,
        created_at: iso(row.createdAt),
        activates_at: iso(row.activatesAt),
        retired_at: row.retiredAt === null ? null : iso(row.retiredAt),
      })
      .execute();
  }

  async updateState(change: SigningKeyStateChange): Promise<boolean> {
    const result = await this.db
      .updateTable('signing_keys')
      .set({
        state: change.to,
        retired_at: change.retiredAt === null ? null : iso(change.retiredAt),
      })
      .where('kid', '=', change.kid)
      .where('state', '=', change.from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
