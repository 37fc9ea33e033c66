// The keyring: signing keys shared by every instance through a SigningKeyStore, their life cycle
// next -> active -> retired, the key that signs now, the keys that verify now and the JWKS.
import { ACCESS_TOKEN_ALGORITHMS } from './access-token-types.ts';
import type {
  AccessTokenAlgorithm,
  SigningKey,
  SigningKeySource,
  VerificationKey,
  VerificationKeySource,
} from './access-token-types.ts';
import {
  InvalidOptionError,
  NoSigningKeyError,
  RotationPendingError,
  SigningKeyUnreadableError,
} from './errors.ts';
import { systemClock } from './internal/clock.ts';
import type { Clock } from './internal/clock.ts';
import { silentLogger } from './internal/logger.ts';
import type { AuthnLogger } from './internal/logger.ts';
import { functionOption, integerOption } from './internal/options.ts';
import { openSigningKeyRow } from './internal/signing-key-row.ts';
import type { LoadedKey } from './internal/signing-key-row.ts';
import { isPublishedAt, keyTimeline } from './internal/signing-key-timeline.ts';
import type { Effective } from './internal/signing-key-timeline.ts';
import { ServerSecret } from './server-secret.ts';
import { createSigningKeyCipher } from './signing-key-cipher.ts';
import { generateSigningKey } from './signing-key-generate.ts';
import type { PublicSigningJwk } from './signing-key-generate.ts';
import type { SigningKeyRow, SigningKeyState, SigningKeyStore } from './signing-key-store.ts';

/** Suggested `Cache-Control: max-age` of GET /.well-known/jwks.json, in seconds. */
export const JWKS_MAX_AGE_DEFAULT_SECONDS = 300;
/**
 * How long a new key is published before it signs: one hour, which covers the JWKS max-age, the
 * ten-minute default cache of common JWKS clients (e.g. jose's createRemoteJWKSet) and the
 * keyring refresh interval of every instance, with room to spare.
 */
export const PRE_PUBLICATION_DEFAULT_MS = 60 * 60 * 1000;
/** How often instances should reload keys from the store (startAutoRefresh default). */
export const KEYRING_REFRESH_DEFAULT_MS = 60 * 1000;

export interface KeyringOptions {
  readonly store: SigningKeyStore;
  /** GATEHOUSE_SECRET_KEY: seals and opens the private keys at rest. */
  readonly secret: ServerSecret;
  /** ACCESS_TOKEN_TTL: how long a retired key stays published (plus the clock tolerance). */
  readonly accessTokenTtlMs: number;
  readonly clock?: Clock;
  /**
   * Publication before signing, default 1 hour. Either 0 (tests, or an emergency rotation that
   * accepts a short burst of unknown-kid rejections) or at least the JWKS max-age.
   */
  readonly prePublicationMs?: number;
  /** JWKS cache lifetime to advertise, 0 to 86400 seconds; default 300. */
  readonly jwksMaxAgeSeconds?: number;
  /** Verifier clock tolerance, 0 to 5000 ms; default 5000. */
  readonly clockToleranceMs?: number;
  /** Algorithm of new keys; default EdDSA (Ed25519). */
  readonly alg?: AccessTokenAlgorithm;
  /** Told about rows that cannot be used (by kid only). */
  readonly logger?: AuthnLogger;
}

/** A public key as published: only public members. */
export interface PublishedJwk extends PublicSigningJwk {
  readonly kid: string;
  readonly alg: AccessTokenAlgorithm;
  readonly use: 'sig';
}

export interface JsonWebKeySet {
  readonly keys: readonly PublishedJwk[];
}

/** `expired`: retired and past its publication; `unreadable`: fails decryption or validation. */
export type SigningKeyStatus = SigningKeyState | 'expired' | 'unreadable';

/** One key as `gatehouse keys list` shows it. Dates are ISO 8601 UTC, or null. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly alg: string;
  readonly state: SigningKeyStatus;
  readonly createdAt: string | null;
  readonly activatesAt: string | null;
  readonly retiredAt: string | null;
  /** When a retired key stops being published and accepted. */
  readonly expiresAt: string | null;
  readonly published: boolean;
  readonly signing: boolean;
}

export interface Keyring extends SigningKeySource, VerificationKeySource {
  readonly jwksMaxAgeSeconds: number;
  readonly prePublicationMs: number;
  /** At start-up: loads the keys and creates an active key if none can sign. */
  ensureKeys(): Promise<void>;
  /** Reloads from the store (other instances and the CLI rotate too) and records due changes. */
  refresh(): Promise<void>;
  /**
   * Adds a `next` key: published at once, signing after the pre-publication period, when the
   * current key becomes retired.
   * @throws RotationPendingError while an earlier `next` key is still waiting.
   */
  rotate(options?: { readonly prePublicationMs?: number }): Promise<SigningKeyInfo>;
  /** The body of GET /.well-known/jwks.json: next, active and unexpired retired keys. */
  jwks(): JsonWebKeySet;
  /** Every stored key, oldest first, after a refresh. */
  list(): Promise<readonly SigningKeyInfo[]>;
  /** Calls refresh() every intervalMs (an unref'd timer); returns the function that stops it. */
  startAutoRefresh(intervalMs?: number, onError?: (error: unknown) => void): () => void;
}

/**
 * @throws InvalidOptionError for a missing store or secret, or an out-of-range duration.
 * @example
 * const keyring = createKeyring({ store, secret, accessTokenTtlMs: config.accessTokenTtlMs });
 * await keyring.ensureKeys();
 * const stop = keyring.startAutoRefresh();
 */
export function createKeyring(options: KeyringOptions): Keyring {
  const { store } = options;
  if (
    typeof store.list !== 'function' ||
    typeof store.insert !== 'function' ||
    typeof store.updateState !== 'function'
  ) {
    throw new InvalidOptionError('store must implement SigningKeyStore');
  }
  if (!(options.secret instanceof ServerSecret)) {
    throw new InvalidOptionError('secret must be a ServerSecret (parseServerSecret)');
  }
  const accessTokenTtlMs = integerOption(
    'accessTokenTtlMs',
    options.accessTokenTtlMs,
    0,
    10_000,
    86_400_000,
  );
  const jwksMaxAgeSeconds = integerOption(
    'jwksMaxAgeSeconds',
    options.jwksMaxAgeSeconds,
    JWKS_MAX_AGE_DEFAULT_SECONDS,
    0,
    86_400,
  );
  const clockToleranceMs = integerOption(
    'clockToleranceMs',
    options.clockToleranceMs,
    5000,
    0,
    5000,
  );
  const checkPrePublication = (value: number | undefined): number => {
    const resolved = integerOption(
      'prePublicationMs',
      value,
      PRE_PUBLICATION_DEFAULT_MS,
      0,
      7 * 86_400_000,
    );
    if (resolved !== 0 && resolved < jwksMaxAgeSeconds * 1000) {
      throw new InvalidOptionError('prePublicationMs must be 0 or at least the JWKS max-age');
    }
    return resolved;
  };
  const prePublicationMs = checkPrePublication(options.prePublicationMs);
  const alg = options.alg ?? 'EdDSA';
  if (!ACCESS_TOKEN_ALGORITHMS.includes(alg)) {
    throw new InvalidOptionError(`alg must be one of ${ACCESS_TOKEN_ALGORITHMS.join(', ')}`);
  }
  const clock = functionOption('clock', options.clock, systemClock);
  const logger = options.logger ?? silentLogger;
  const cipher = createSigningKeyCipher(options.secret);
  const retentionMs = accessTokenTtlMs + clockToleranceMs;

  let loaded = new Map<string, LoadedKey>();
  let unreadable: readonly SigningKeyRow[] = [];
  let inflight: Promise<void> | undefined;

  const timeline = (now: number) => keyTimeline([...loaded.values()], now);
  const isPublished = (effective: Effective | undefined, now: number): boolean =>
    isPublishedAt(effective, now, retentionMs);

  const loadRow = async (row: SigningKeyRow): Promise<LoadedKey | undefined> => {
    const previous = loaded.get(row.kid);
    if (
      previous !== undefined &&
      previous.row.sealedPrivateJwk === row.sealedPrivateJwk &&
      previous.row.publicJwk === row.publicJwk &&
      previous.row.alg === row.alg
    ) {
      return { ...previous, row };
    }
    return openSigningKeyRow(row, cipher);
  };

  const reload = async (): Promise<void> => {
    const rows = await store.list();
    const next = new Map<string, LoadedKey>();
    const bad: SigningKeyRow[] = [];
    for (const row of rows) {
      const key = await loadRow(row);
      if (key === undefined) {
        bad.push(row);
        logger.warn(
          {
            event: 'signing_key_unusable',
            kid: typeof row.kid === 'string' ? row.kid.slice(0, 64) : null,
          },
          'signing key row ignored: malformed, or not readable with this GATEHOUSE_SECRET_KEY',
        );
      } else {
        next.set(row.kid, key);
      }
    }
    loaded = next;
    unreadable = bad;
    await recordTransitions();
  };

  /** Writes the state changes that time has brought; every instance computes the same ones. */
  const recordTransitions = async (): Promise<void> => {
    const { states } = timeline(clock());
    // Retirements first: a reader between two writes then never sees two `active` rows.
    const keys = [...loaded.values()].sort(
      (a, b) =>
        Number(states.get(b.row.kid)?.state === 'retired') -
        Number(states.get(a.row.kid)?.state === 'retired'),
    );
    for (const key of keys) {
      const effective = states.get(key.row.kid);
      if (effective === undefined || effective.state === key.row.state) continue;
      try {
        await store.updateState({
          kid: key.row.kid,
          from: key.row.state,
          to: effective.state,
          retiredAt: effective.retiredAt,
        });
      } catch {
        logger.warn(
          { event: 'signing_key_state_not_saved', kid: key.row.kid },
          'store update failed',
        );
      }
    }
  };

  const refresh = (): Promise<void> => {
    inflight ??= reload().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  const insertKey = async (state: 'active' | 'next', activatesAt: number): Promise<string> => {
    const key = await generateSigningKey(alg);
    await store.insert({
      kid: key.kid,
      alg: key.alg,
      state,
      publicJwk: JSON.stringify(key.publicJwk),
      sealedPrivateJwk: cipher.seal(key.privateJwk, key.kid),
      createdAt: clock(),
      activatesAt,
      retiredAt: null,
    });
    return key.kid;
  };

  const describe = (now: number): SigningKeyInfo[] => {
    const { signer, states } = timeline(now);
    const iso = (value: unknown): string | null =>
      typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : null;
    const infos: (SigningKeyInfo & { order: number })[] = [...loaded.values()].map(({ row }) => {
      const effective = states.get(row.kid);
      const published = isPublished(effective, now);
      const retiredAt = effective?.retiredAt ?? null;
      return {
        kid: row.kid,
        alg: row.alg,
        state:
          effective?.state === 'retired' && !published
            ? 'expired'
            : (effective?.state ?? row.state),
        createdAt: iso(row.createdAt),
        activatesAt: iso(row.activatesAt),
        retiredAt: iso(retiredAt),
        expiresAt: retiredAt === null ? null : iso(retiredAt + retentionMs),
        published,
        signing: signer?.row.kid === row.kid,
        order: row.createdAt,
      };
    });
    for (const row of unreadable) {
      infos.push({
        kid: row.kid,
        alg: row.alg,
        state: 'unreadable',
        createdAt: iso(row.createdAt),
        activatesAt: iso(row.activatesAt),
        retiredAt: iso(row.retiredAt),
        expiresAt: null,
        published: false,
        signing: false,
        order: typeof row.createdAt === 'number' ? row.createdAt : 0,
      });
    }
    return infos.sort((a, b) => a.order - b.order).map(({ order: _order, ...info }) => info);
  };

  return {
    jwksMaxAgeSeconds,
    prePublicationMs,

    async ensureKeys() {
      await refresh();
      if (timeline(clock()).signer !== undefined) return;
      if (loaded.size === 0 && unreadable.length > 0) {
        throw new SigningKeyUnreadableError(
          'No stored signing key can be opened with this GATEHOUSE_SECRET_KEY',
        );
      }
      await insertKey('active', clock());
      await refresh();
    },

    refresh,

    async rotate(rotateOptions = {}) {
      const delay = checkPrePublication(rotateOptions.prePublicationMs ?? prePublicationMs);
      await refresh();
      const now = clock();
      const { states } = timeline(now);
      const pending = [...loaded.values()].find(({ row }) => states.get(row.kid)?.state === 'next');
      if (pending !== undefined) {
        throw new RotationPendingError(
          `Key ${pending.row.kid} is waiting to activate at ${new Date(pending.row.activatesAt).toISOString()}`,
        );
      }
      // Never before the current key (whose time may come from a faster clock elsewhere).
      const current = timeline(now).signer?.row.activatesAt ?? -Infinity;
      const kid = await insertKey('next', Math.max(now + delay, current));
      await refresh();
      const info = describe(clock()).find((entry) => entry.kid === kid);
      if (info === undefined)
        throw new SigningKeyUnreadableError('The new key could not be read back');
      return info;
    },

    getSigningKey(): SigningKey {
      const { signer } = timeline(clock());
      if (signer === undefined) throw new NoSigningKeyError();
      return { kid: signer.row.kid, alg: signer.row.alg, privateKey: signer.privateKey };
    },

    getVerificationKey(kid: string): VerificationKey | undefined {
      const key = loaded.get(kid);
      if (key === undefined) return undefined;
      const now = clock();
      if (!isPublished(timeline(now).states.get(kid), now)) return undefined;
      return { kid, alg: key.row.alg, publicKey: key.publicKey };
    },

    jwks(): JsonWebKeySet {
      const now = clock();
      const { states } = timeline(now);
      const rank: Record<SigningKeyState, number> = { active: 0, next: 1, retired: 2 };
      const keys = [...loaded.values()]
        .filter(({ row }) => isPublished(states.get(row.kid), now))
        .sort(
          (a, b) =>
            rank[states.get(a.row.kid)?.state ?? 'retired'] -
              rank[states.get(b.row.kid)?.state ?? 'retired'] ||
            b.row.activatesAt - a.row.activatesAt,
        )
        .map(({ row, publicJwk }) => ({
          kty: publicJwk.kty,
          crv: publicJwk.crv,
          x: publicJwk.x,
          kid: row.kid,
          alg: row.alg,
          use: 'sig' as const,
        }));
      return { keys };
    },

    async list() {
      await refresh();
      return describe(clock());
    },

    startAutoRefresh(intervalMs = KEYRING_REFRESH_DEFAULT_MS, onError) {
      const maxInterval = prePublicationMs === 0 ? 3_600_000 : Math.floor(prePublicationMs / 2);
      integerOption('intervalMs', intervalMs, KEYRING_REFRESH_DEFAULT_MS, 100, maxInterval);
      const report =
        onError ??
        (() => {
          logger.warn({ event: 'keyring_refresh_failed' }, 'signing keys could not be reloaded');
        });
      const timer = setInterval(() => {
        refresh().catch(report);
      }, intervalMs);
      timer.unref();
      return () => {
        clearInterval(timer);
      };
    },
  };
}
