// Ends a user's access at once: every session in the database and on the revocation list (so
// its access tokens get 401 on every instance), and optionally the user's API key ids.
import { CLOCK_TOLERANCE_MS, type Services } from '../services.ts';

export interface RevokedAccess {
  readonly sessions: number;
  readonly apiKeys: number;
}

/**
 * @param reason stored with each revoked session, e.g. `account-disabled`.
 * @param apiKeys also list the user's API key ids. Authentication already refuses a disabled
 *   owner's keys from the database; the entries last as long as an access token, so the keys of a
 *   re-enabled user work again after that.
 */
export async function revokeUserAccess(
  services: Services,
  userId: string,
  reason: string,
  apiKeys: boolean,
): Promise<RevokedAccess> {
  const sessionIds = await services.sessions.revokeAllOfUser(userId, reason);
  for (const sessionId of sessionIds) await services.revokeSession(sessionId);
  const keyIds = apiKeys ? await services.apiKeys.idsOfUser(userId) : [];
  const until = Date.now() + services.config.accessTokenTtlMs + CLOCK_TOLERANCE_MS;
  for (const keyId of keyIds) await services.revocations.revoke(keyId, until);
  return { sessions: sessionIds.length, apiKeys: keyIds.length };
}
