// The authenticated caller of a declared route. Access control has already refused requests
// without one, so its absence here is a wiring bug, answered as a 500, never as access.
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../security/authz/principal.ts';

export function callerOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (principal === null) throw new Error('route reached without an authenticated principal');
  return principal;
}
