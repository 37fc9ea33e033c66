// Verifies access tokens: size and header checks before any cryptography, then jose with pinned
// algorithm, key, issuer, audience and typ; every failure is one InvalidTokenError.
import { errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { ACCESS_TOKEN_ALGORITHMS, MAX_ACCESS_TOKEN_LENGTH } from './access-token-types.ts';
import type {
  AccessTokenAlgorithm,
  VerificationKeySource,
  VerifiedAccessToken,
} from './access-token-types.ts';
import { InvalidOptionError, InvalidTokenError } from './errors.ts';
import type { InvalidTokenReason } from './errors.ts';
import { systemClock } from './internal/clock.ts';
import type { Clock } from './internal/clock.ts';
import { functionOption, integerOption, stringOption } from './internal/options.ts';

/** Longest encoded JOSE header accepted. Ours is about 100 characters. */
export const MAX_ACCESS_TOKEN_HEADER_LENGTH = 1024;
/** The most clock tolerance allowed, and the default, for exp, nbf and iat alike (seconds). */
export const MAX_CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenVerifierOptions {
  readonly keys: VerificationKeySource;
  readonly issuer: string;
  readonly audience: string;
  /** Accepted algorithms, a non-empty subset of EdDSA and Ed25519; default ['EdDSA']. */
  readonly algorithms?: readonly AccessTokenAlgorithm[];
  /** 0 to 5 seconds; default 5. */
  readonly clockToleranceSeconds?: number;
  readonly clock?: Clock;
}

export interface AccessTokenVerifier {
  /** @throws InvalidTokenError and nothing else. */
  verify(token: unknown): Promise<VerifiedAccessToken>;
}

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
const KID = /^[A-Za-z0-9_-]{1,128}$/;
/** The only header members our issuer writes; anything else (jku, x5u, x5c, jwk, b64...) is refused. */
const ALLOWED_HEADER_MEMBERS = new Set(['alg', 'typ', 'kid']);
const REQUIRED_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'sub', 'sid', 'jti', 'role', 'scope'];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `typ` must be `at+jwt`, compared case-insensitively; `application/at+jwt` is the same media
 * type (RFC 8725 3.11, RFC 9068 2.1) and is accepted too. A missing typ is refused.
 *
 * @throws InvalidOptionError for a missing issuer/audience, a symmetric or unknown algorithm, or a
 * tolerance above 5 seconds.
 * @example
 * const verifier = createAccessTokenVerifier({ keys: keyring, issuer, audience });
 * try { const claims = await verifier.verify(bearer); } catch { reply 401 invalid_token }
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const issuer = stringOption('issuer', options.issuer);
  const audience = stringOption('audience', options.audience);
  const algorithms = [...(options.algorithms ?? ['EdDSA'])];
  if (
    algorithms.length === 0 ||
    !algorithms.every((alg) => (ACCESS_TOKEN_ALGORITHMS as readonly string[]).includes(alg))
  ) {
    throw new InvalidOptionError(
      `algorithms must be a non-empty subset of ${ACCESS_TOKEN_ALGORITHMS.join(', ')}`,
    );
  }
  const tolerance = integerOption(
    'clockToleranceSeconds',
    options.clockToleranceSeconds,
    MAX_CLOCK_TOLERANCE_SECONDS,
    0,
    MAX_CLOCK_TOLERANCE_SECONDS,
  );
  const clock = functionOption('clock', options.clock, systemClock);
  const keys = options.keys;
  if (typeof keys.getVerificationKey !== 'function') {
    throw new InvalidOptionError('keys must provide getVerificationKey()');
  }

  const verify = async (token: unknown): Promise<VerifiedAccessToken> => {
    if (typeof token !== 'string') throw new InvalidTokenError('not_a_string');
    if (token.length > MAX_ACCESS_TOKEN_LENGTH) throw new InvalidTokenError('token_too_large');
    const parts = COMPACT_JWS.exec(token);
    const encodedHeader = parts?.[1];
    if (encodedHeader === undefined) throw new InvalidTokenError('malformed');
    if (encodedHeader.length > MAX_ACCESS_TOKEN_HEADER_LENGTH) {
      throw new InvalidTokenError('header_too_large');
    }
    const header = decodeHeader(encodedHeader);

    for (const member of Object.keys(header)) {
      if (member === 'crit') throw new InvalidTokenError('crit_not_supported', 'crit');
      if (!ALLOWED_HEADER_MEMBERS.has(member)) {
        throw new InvalidTokenError('header_forbidden_member', safeName(member));
      }
    }
    const { alg, typ, kid } = header;
    if (typeof alg !== 'string' || !(algorithms as string[]).includes(alg)) {
      throw new InvalidTokenError('alg_not_allowed', 'alg');
    }
    if (typeof typ !== 'string' || !['at+jwt', 'application/at+jwt'].includes(typ.toLowerCase())) {
      throw new InvalidTokenError('typ_invalid', 'typ');
    }
    if (typeof kid !== 'string' || !KID.test(kid))
      throw new InvalidTokenError('kid_invalid', 'kid');
    const key = keys.getVerificationKey(kid);
    if (key === undefined) throw new InvalidTokenError('kid_unknown', 'kid');
    // The key decides the algorithm: a header may not pick another one, even an allowed one.
    if (key.alg !== alg) throw new InvalidTokenError('alg_not_allowed', 'alg');

    const nowSeconds = Math.floor(clock() / 1000);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [key.alg],
        issuer,
        audience,
        typ: 'at+jwt',
        clockTolerance: tolerance,
        currentDate: new Date(nowSeconds * 1000),
        requiredClaims: REQUIRED_CLAIMS,
      }));
    } catch (error) {
      throw toInvalidTokenError(error);
    }
    return readClaims(payload, kid, nowSeconds, tolerance);
  };

  return {
    async verify(token) {
      try {
        return await verify(token);
      } catch (error) {
        throw error instanceof InvalidTokenError ? error : new InvalidTokenError('malformed');
      }
    },
  };
}

function decodeHeader(encoded: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(Buffer.from(encoded, 'base64url')));
  } catch {
    throw new InvalidTokenError('header_invalid');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InvalidTokenError('header_invalid');
  }
  return header as Record<string, unknown>;
}

/** Member names end up in logs: keep them short and plain. */
function safeName(name: string): string {
  return /^[A-Za-z0-9_#-]{1,32}$/.test(name) ? name : '(unprintable)';
}

function toInvalidTokenError(error: unknown): InvalidTokenError {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired', 'exp');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = safeName(error.claim);
    if (error.reason === 'missing') return new InvalidTokenError('claim_missing', claim);
    if (error.reason !== 'check_failed') return new InvalidTokenError('claim_invalid', claim);
    const byClaim: Partial<Record<string, InvalidTokenReason>> = {
      iss: 'issuer_mismatch',
      aud: 'audience_mismatch',
      nbf: 'not_yet_valid',
      iat: 'issued_in_future',
      typ: 'typ_invalid',
    };
    return new InvalidTokenError(byClaim[error.claim] ?? 'claim_invalid', claim);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError('signature_invalid');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError('alg_not_allowed');
  return new InvalidTokenError('malformed');
}

function readClaims(
  payload: JWTPayload,
  kid: string,
  nowSeconds: number,
  tolerance: number,
): VerifiedAccessToken {
  const { iss, aud, sub, sid, jti, iat, exp, role, scope } = payload;
  const text = (name: string, value: unknown, max: number): string => {
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      throw new InvalidTokenError('claim_invalid', name);
    }
    return value;
  };
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new InvalidTokenError('claim_invalid', 'iat');
  }
  if (iat > nowSeconds + tolerance) throw new InvalidTokenError('issued_in_future', 'iat');
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= iat) {
    throw new InvalidTokenError('claim_invalid', 'exp');
  }
  if (typeof scope !== 'string' || scope.length > 4096) {
    throw new InvalidTokenError('claim_invalid', 'scope');
  }
  return {
    iss: text('iss', iss, 1024),
    aud: aud ?? [],
    sub: text('sub', sub, 256),
    sid: text('sid', sid, 256),
    jti: text('jti', jti, 256),
    iat,
    exp,
    role: text('role', role, 64),
    scope: scope.split(' ').filter((entry) => entry !== ''),
    kid,
  };
}
