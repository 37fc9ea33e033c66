// Ends a user's sessions at once: in the database and on the revocation list, so their access
// tokens get 401 on every instance. API keys need nothing here: every request reads the key's row
// with its owner's current role and state, so a disabled owner's keys fail at once and work again
// as soon as the owner is re-enabled.
import type { Services } from '../services.ts';

/**
 * @param reason stored with each revoked session, e.g. `account-disabled`.
 * @returns how many sessions were ended.
 */
export async function endUserSessions(
  services: Services,
  userId: string,
  reason: string,
): Promise<number> {
  const sessionIds = await services.sessions.revokeAllOfUser(userId, reason);
  for (const sessionId of sessionIds) await services.revokeSession(sessionId);
  return sessionIds.length;
}
