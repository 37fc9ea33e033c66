// An in-process SigningKeyStore for tests and single-instance development.
import type { SigningKeyRow, SigningKeyStateChange, SigningKeyStore } from './signing-key-store.ts';

/** @example const keyring = createKeyring({ store: createMemorySigningKeyStore(), ... }); */
export function createMemorySigningKeyStore(): SigningKeyStore {
  const rows = new Map<string, SigningKeyRow>();
  return {
    list: () => Promise.resolve([...rows.values()]),
    insert(row) {
      if (rows.has(row.kid)) return Promise.reject(new Error(`signing key ${row.kid} exists`));
      rows.set(row.kid, { ...row });
      return Promise.resolve();
    },
    updateState(change: SigningKeyStateChange) {
      const row = rows.get(change.kid);
      if (row?.state !== change.from) return Promise.resolve(false);
      rows.set(change.kid, { ...row, state: change.to, retiredAt: change.retiredAt });
      return Promise.resolve(true);
    },
  };
}
