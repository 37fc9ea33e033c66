// The SQL SigningKeyStore meets the authentication core's store contract on both dialects.
import { afterEach, describe } from 'vitest';
import type { DatabaseHandle } from '../../src/data/database.ts';
import { SqlSigningKeyStore } from '../../src/data/repositories/signing-keys.ts';
import { describeSigningKeyStoreContract } from '../security/authn/signing-key-store-contract.ts';
import { DIALECTS, openTestDatabase } from '../helpers/databases.ts';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.url === null)(`signing keys on ${dialect.name}`, () => {
    const open: DatabaseHandle[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((d) => d.close()));
    });
    describeSigningKeyStoreContract(dialect.name, async () => {
      const database = await openTestDatabase(dialect);
      open.push(database);
      return new SqlSigningKeyStore(database.db);
    });
  });
}
