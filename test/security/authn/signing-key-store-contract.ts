// The contract every SigningKeyStore must meet; the data layer runs it against its SQL store:
// `describeSigningKeyStoreContract('sqlite', () => createSqlSigningKeyStore(db))`.
import { describe, expect, it } from 'vitest';
import type {
  SigningKeyRow,
  SigningKeyStore,
} from '../../../src/security/authn/signing-key-store.ts';

export function sampleRow(overrides: Partial<SigningKeyRow> = {}): SigningKeyRow {
  return {
    kid: 'k'.repeat(43),
    alg: 'EdDSA',
    state: 'active',
    publicJwk: '{"kty":"OKP","crv":"Ed25519","x":"x"}',
    sealedPrivateJwk: `v1.${'a'.repeat(16)}.${'b'.repeat(200)}.${'c'.repeat(22)}`,
    createdAt: 1_900_000_000_000,
    activatesAt: 1_900_000_000_000,
    retiredAt: null,
    ...overrides,
  };
}

export function describeSigningKeyStoreContract(
  name: string,
  createStore: () => Promise<SigningKeyStore> | SigningKeyStore,
): void {
  describe(`SigningKeyStore contract: ${name}`, () => {
    it('returns inserted rows unchanged, with 64-bit millisecond times', async () => {
      const store = await createStore();
      const row = sampleRow({ createdAt: 4_102_444_800_123, activatesAt: 4_102_444_900_456 });
      await store.insert(row);
      expect(await store.list()).toEqual([row]);
    });

    it('refuses a second row with the same kid', async () => {
      const store = await createStore();
      await store.insert(sampleRow());
      await expect(store.insert(sampleRow({ state: 'next' }))).rejects.toThrow();
      expect(await store.list()).toHaveLength(1);
    });

    it('changes state only while the row is in the expected state (compare-and-set)', async () => {
      const store = await createStore();
      await store.insert(sampleRow({ kid: 'a'.repeat(43), state: 'next' }));
      const change = { kid: 'a'.repeat(43), from: 'next', to: 'active', retiredAt: null } as const;
      expect(await store.updateState(change)).toBe(true);
      expect(await store.updateState(change)).toBe(false);
      expect(
        await store.updateState({
          kid: 'a'.repeat(43),
          from: 'active',
          to: 'retired',
          retiredAt: 5,
        }),
      ).toBe(true);
      expect(await store.list()).toEqual([
        sampleRow({ kid: 'a'.repeat(43), state: 'retired', retiredAt: 5 }),
      ]);
      expect(
        await store.updateState({
          kid: 'z'.repeat(43),
          from: 'next',
          to: 'active',
          retiredAt: null,
        }),
      ).toBe(false);
    });
  });
}
