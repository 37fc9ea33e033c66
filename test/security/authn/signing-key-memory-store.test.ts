// The memory SigningKeyStore against the shared store contract.
import { createMemorySigningKeyStore } from '../../../src/security/authn/signing-key-memory-store.ts';
import { describeSigningKeyStoreContract } from './signing-key-store-contract.ts';

describeSigningKeyStoreContract('memory', () => createMemorySigningKeyStore());
