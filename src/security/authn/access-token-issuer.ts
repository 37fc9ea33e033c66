// Signs access tokens (RFC 9068 profile: typ at+jwt) with the keyring's current key.
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_TYPE } from './access-token-types.ts';
import type {
  AccessTokenGrant,
  IssuedAccessToken,
  SigningKeySource,
} from './access-token-types.ts';
import { InvalidOptionError } from './errors.ts';
import { systemClock } from './internal/clock.ts';
import type { Clock } from './internal/clock.ts';
import { functionOption, integerOption, stringOption } from './internal/options.ts';

/** ACCESS_TOKEN_TTL default: 15 minutes. */
export const ACCESS_TOKEN_TTL_DEFAULT_MS = 15 * 60 * 1000;

export interface AccessTokenIssuerOptions {
  readonly keys: SigningKeySource;
  /** JWT_ISSUER, the `iss` claim. */
  readonly issuer: string;
  /** JWT_AUDIENCE, the `aud` claim. */
  readonly audience: string;
  /** Lifetime, 10 s to 24 h, whole seconds; default 15 minutes. */
  readonly ttlMs?: number;
  readonly clock?: Clock;
}

export interface AccessTokenIssuer {
  readonly ttlMs: number;
  issue(grant: AccessTokenGrant): Promise<IssuedAccessToken>;
}

/** A scope token as RFC 6749 3.3 defines it: printable ASCII without space, quote or backslash. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

/**
 * @throws InvalidOptionError for a missing issuer/audience or an out-of-range ttlMs.
 * @example
 * const issuer = createAccessTokenIssuer({ keys: keyring, issuer: 'https://gatehouse', audience: 'gatehouse' });
 * const { token, expiresIn } = await issuer.issue({ sub: user.id, sid: session.id, role, scope: permissions });
 */
export function createAccessTokenIssuer(options: AccessTokenIssuerOptions): AccessTokenIssuer {
  const issuer = stringOption('issuer', options.issuer);
  const audience = stringOption('audience', options.audience);
  const ttlMs = integerOption(
    'ttlMs',
    options.ttlMs,
    ACCESS_TOKEN_TTL_DEFAULT_MS,
    10_000,
    86_400_000,
  );
  if (ttlMs % 1000 !== 0) throw new InvalidOptionError('ttlMs must be whole seconds');
  const clock = functionOption('clock', options.clock, systemClock);
  const keys = options.keys;
  if (typeof keys.getSigningKey !== 'function') {
    throw new InvalidOptionError('keys must provide getSigningKey()');
  }

  return {
    ttlMs,
    async issue(grant) {
      stringOption('sub', grant.sub, 256);
      stringOption('sid', grant.sid, 256);
      stringOption('role', grant.role, 64);
      for (const scope of grant.scope) {
        if (!SCOPE_TOKEN.test(scope))
          throw new InvalidOptionError('scope entries must be scope tokens');
      }
      const key = keys.getSigningKey();
      const issuedAt = Math.floor(clock() / 1000);
      const expiresIn = ttlMs / 1000;
      const jti = randomUUID();
      const token = await new SignJWT({
        sid: grant.sid,
        role: grant.role,
        scope: grant.scope.join(' '),
      })
        .setProtectedHeader({ alg: key.alg, typ: ACCESS_TOKEN_TYPE, kid: key.kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(grant.sub)
        .setJti(jti)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + expiresIn)
        .sign(key.privateKey);
      return { token, jti, kid: key.kid, issuedAt, expiresAt: issuedAt + expiresIn, expiresIn };
    },
  };
}
