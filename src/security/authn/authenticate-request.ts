// Reads `Authorization: Bearer <credential>` (and nothing else: never the query string) on every
// non-public route and turns it into a Principal, or records why it could not. The decision to
// answer 401 is taken later by access control, after rate limiting has counted the request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../authz/principal.ts';
import { isPermission, isRole, permissionsOf, type Permission } from '../permissions.ts';
import type { AccessTokenVerifier } from './access-token-verifier.ts';
import { MAX_ACCESS_TOKEN_LENGTH } from './access-token-types.ts';
import { InvalidTokenError } from './errors.ts';
import type { RevocationList } from './revocation-list.ts';

/** What an API key lookup yields; null for an unknown key. */
export interface ApiKeyIdentity {
  readonly id: string;
  readonly userId: string;
  readonly ownerRole: string;
  readonly ownerDisabled: boolean;
  readonly scopes: readonly string[];
  readonly expiresAt: string | null;
}

export interface AuthenticateOptions {
  readonly verifier: AccessTokenVerifier;
  /** Revoked session ids (and API key ids), answered from memory. */
  readonly revocations: RevocationList;
  /** Looks an API key up by the presented credential; null when the format is not an API key. */
  readonly isApiKey: (credential: string) => boolean;
  readonly resolveApiKey: (credential: string) => Promise<ApiKeyIdentity | null>;
  /** Called once per request authenticated by an API key (e.g. to record lastUsedAt). */
  readonly onApiKeyUsed?: (identity: ApiKeyIdentity) => void;
}

/** Why authentication failed: `missing` (no credentials) or `invalid` (answer invalid_token). */
export type AuthFailure = 'missing' | 'invalid';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authFailure: AuthFailure | null;
  }
}

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

function intersect(granted: readonly string[], allowed: readonly Permission[]): Set<Permission> {
  const result = new Set<Permission>();
  for (const permission of granted) {
    if (isPermission(permission) && allowed.includes(permission)) result.add(permission);
  }
  return result;
}

async function authenticate(
  request: FastifyRequest,
  options: AuthenticateOptions,
): Promise<Principal | AuthFailure> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return 'missing';
  if (header.length > MAX_ACCESS_TOKEN_LENGTH + 16) return 'invalid';
  const credential = BEARER.exec(header)?.[1];
  if (credential === undefined) return 'invalid';

  if (options.isApiKey(credential)) {
    const key = await options.resolveApiKey(credential);
    if (
      !key ||
      key.ownerDisabled ||
      !isRole(key.ownerRole) ||
      options.revocations.isRevoked(key.id)
    )
      return 'invalid';
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.now()) return 'invalid';
    options.onApiKeyUsed?.(key);
    return {
      kind: 'apiKey',
      userId: key.userId,
      role: key.ownerRole,
      // A key never exceeds its owner's current role, even if the role was lowered after creation.
      permissions: intersect(key.scopes, permissionsOf(key.ownerRole)),
      sessionId: null,
      apiKeyId: key.id,
    };
  }

  try {
    const claims = await options.verifier.verify(credential);
    if (!isRole(claims.role) || options.revocations.isRevoked(claims.sid)) return 'invalid';
    return {
      kind: 'session',
      userId: claims.sub,
      role: claims.role,
      permissions: intersect(claims.scope, permissionsOf(claims.role)),
      sessionId: claims.sid,
      apiKeyId: null,
    };
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    request.log.debug(
      { event: 'auth.invalid_token', reason: error.reason },
      'access token refused',
    );
    return 'invalid';
  }
}

/** Adds `request.principal` and `request.authFailure` (both null until authenticated). */
export function decorateAuthentication(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
}

/**
 * The onRequest hook that authenticates a request. Attach it to the routes that need it (as
 * Gatehouse does from each route's declaration) after `decorateAuthentication(app)`.
 */
export function authenticateHook(
  options: AuthenticateOptions,
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const outcome = await authenticate(request, options);
    if (typeof outcome === 'string') request.authFailure = outcome;
    else request.principal = outcome;
  };
}
