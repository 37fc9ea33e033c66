// Who is calling, once authenticated: a user through a session's access token, or an API key
// acting as its owner within its scopes. Permissions are the only thing checks look at.
import type { Permission, Role } from '../permissions.ts';

export interface Principal {
  readonly kind: 'session' | 'apiKey';
  readonly userId: string;
  readonly role: Role;
  /** What this credential may do: the token's scope, or the key's scopes within the owner's role. */
  readonly permissions: ReadonlySet<Permission>;
  /** The session of an access token; null for API keys. */
  readonly sessionId: string | null;
  /** The key used; null for sessions. */
  readonly apiKeyId: string | null;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}
