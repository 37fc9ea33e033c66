// The contract shared by the in-process and Redis revocation lists: revoked session and API key
// ids, each until a given time, checked on every request without I/O.

/**
 * Revoked ids (session ids, API key ids). `isRevoked` is answered from process memory, so a
 * check costs no I/O; `revoke` records the id for every instance sharing the list.
 */
export interface RevocationList {
  /** True while `id` is revoked (until its untilMs has passed). Synchronous, no I/O. */
  isRevoked(id: string): boolean;
  /**
   * Revokes `id` until `untilMs` (epoch ms), the latest moment a credential for it can still be
   * valid, e.g. the session's last access token exp + clock tolerance. A time already past is a
   * no-op. Effective in this process at once, even if the promise rejects.
   * @throws RevocationStoreError when the shared store refused or failed the write.
   */
  revoke(id: string, untilMs: number): Promise<void>;
  /** Stops timers and closes connections this list opened (not ones it was given). */
  close(): Promise<void>;
}

/** Longest id accepted (ids are UUIDs; this bounds memory and Redis key size). */
export const MAX_REVOCATION_ID_LENGTH = 256;

/** Whether `id` can be revoked at all: a non-empty string of printable ASCII. */
export function isValidRevocationId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= MAX_REVOCATION_ID_LENGTH &&
    /^[\x21-\x7e]+$/.test(id)
  );
}
