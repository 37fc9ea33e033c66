// Function-level access control from each route's declaration, deny by default: 401 without
// valid credentials, 403 when an API key calls a session-only route or the permission is missing.
import type { FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.ts';
import type { Permission } from '../permissions.ts';
import type { Principal } from './principal.ts';

export type DenialReason = 'api-key-not-allowed' | 'missing-permission';

export interface AccessControlOptions {
  /** Told about every 403 (e.g. to write an audit event). Must not throw. */
  readonly onDenied?: (
    request: FastifyRequest,
    principal: Principal,
    reason: DenialReason,
    permission: Permission | null,
  ) => Promise<void> | void;
}

export function unauthorized(failure: 'missing' | 'invalid' | null): GatehouseError {
  return new GatehouseError('unauthorized', 'Valid credentials are required.', {
    headers: {
      'www-authenticate': failure === 'invalid' ? 'Bearer error="invalid_token"' : 'Bearer',
    },
  });
}

/** The preValidation hook enforcing a route's declaration; attach it to non-public routes. */
export function accessControlHook(
  options: AccessControlOptions,
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const security = request.routeOptions.config.security;
    if (!security || security.auth === 'public') return;
    const principal = request.principal;
    if (!principal) throw unauthorized(request.authFailure);
    let reason: DenialReason | null = null;
    if (security.auth === 'session' && principal.kind !== 'session') reason = 'api-key-not-allowed';
    else if (security.permission === null || !principal.permissions.has(security.permission))
      reason = 'missing-permission';
    if (reason === null) return;
    await options.onDenied?.(request, principal, reason, security.permission);
    throw new GatehouseError(
      'forbidden',
      reason === 'api-key-not-allowed'
        ? 'API keys cannot be used for this operation.'
        : 'Your credentials lack the permission for this operation.',
    );
  };
}
