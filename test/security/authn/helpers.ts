// Shared fixtures for the authn tests: a hand-driven clock, a server secret, a keyring on a memory
// store, and a raw JWS signer that lets tests build tokens no honest issuer would.
import { webcrypto } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { parseServerSecret } from '../../../src/security/authn/server-secret.ts';
import type { ServerSecret } from '../../../src/security/authn/server-secret.ts';
import { createKeyring } from '../../../src/security/authn/signing-key-ring.ts';
import type { Keyring, KeyringOptions } from '../../../src/security/authn/signing-key-ring.ts';
import { createMemorySigningKeyStore } from '../../../src/security/authn/signing-key-memory-store.ts';
import type { SigningKeyStore } from '../../../src/security/authn/signing-key-store.ts';

export interface FakeClock {
  now: number;
  (): number;
  advance(ms: number): void;
}

/** Starts at a fixed, whole-second time so token timestamps are predictable. */
export function fakeClock(start = Date.UTC(2030, 0, 1)): FakeClock {
  const clock = (() => clock.now) as FakeClock;
  clock.now = start;
  clock.advance = (ms) => {
    clock.now += ms;
  };
  return clock;
}

export function testSecret(label = 'primary'): ServerSecret {
  return parseServerSecret(`gatehouse-test-secret-${label}-0123456789abcdefghijklmnop`);
}

export const TTL_MS = 15 * 60 * 1000;

export async function readyKeyring(
  overrides: Partial<KeyringOptions> & { clock: FakeClock; store?: SigningKeyStore },
): Promise<Keyring> {
  const keyring = createKeyring({
    store: overrides.store ?? createMemorySigningKeyStore(),
    secret: overrides.secret ?? testSecret(),
    accessTokenTtlMs: overrides.accessTokenTtlMs ?? TTL_MS,
    prePublicationMs: overrides.prePublicationMs ?? 0,
    ...overrides,
  });
  await keyring.ensureKeys();
  return keyring;
}

export const b64url = (value: string | Uint8Array): string =>
  Buffer.from(value).toString('base64url');

/** header.payload.signature with an Ed25519 signature by `privateKey` over whatever is given. */
export async function signRaw(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: CryptoKey,
): Promise<string> {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = await webcrypto.subtle.sign(
    { name: 'Ed25519' },
    privateKey,
    Buffer.from(input),
  );
  return `${input}.${b64url(new Uint8Array(signature))}`;
}
