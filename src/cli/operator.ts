// What the operator commands share: configuration, the migrated database, the server secret
// and the keyring, without an HTTP server.
import type { Config } from '../config.ts';
import { openDatabase, type DatabaseHandle } from '../data/database.ts';
import { migrateToLatest } from '../data/migrate.ts';
import { AuditEventRepository } from '../data/repositories/audit-events.ts';
import { SqlSigningKeyStore } from '../data/repositories/signing-keys.ts';
import { createKeyring, type Keyring, type ServerSecret } from '../security/authn/index.ts';
import { resolveServerSecret } from '../secret-file.ts';
import { AuditLog } from '../service/audit.ts';
import { CLOCK_TOLERANCE_MS } from '../service/services.ts';

export interface OperatorContext {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly secret: ServerSecret;
  readonly audit: AuditLog;
  keyring(): Keyring;
  close(): Promise<void>;
}

export async function openOperatorContext(config: Config): Promise<OperatorContext> {
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const { secret } = resolveServerSecret(config);
  return {
    config,
    database,
    secret,
    audit: new AuditLog(new AuditEventRepository(database.db)),
    keyring: () =>
      createKeyring({
        store: new SqlSigningKeyStore(database.db),
        secret,
        accessTokenTtlMs: config.accessTokenTtlMs,
        clockToleranceMs: CLOCK_TOLERANCE_MS,
      }),
    close: () => database.close(),
  };
}
