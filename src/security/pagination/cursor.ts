// Opaque, tamper-evident keyset cursors: the position of the last row of a page, bound to the
// query it came from (route, caller and filters) and signed with HMAC-SHA-256, so a forged,
// edited or foreign cursor is refused (400) and can never reveal someone else's rows.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface CursorPosition {
  readonly createdAt: string;
  readonly id: string;
}

/** What a cursor is bound to: a cursor is valid only for the same binding. */
export type CursorBinding = readonly (string | number | null | undefined)[];

const MAX_CURSOR_LENGTH = 512;
const TAG_BYTES = 16;

export interface CursorCodec {
  encode(position: CursorPosition, binding: CursorBinding): string;
  /** null when the cursor is malformed, forged, or belongs to another query or caller. */
  decode(cursor: string, binding: CursorBinding): CursorPosition | null;
}

/** @param key 32 bytes derived from the server secret for this purpose only. */
export function createCursorCodec(key: Uint8Array): CursorCodec {
  if (key.length < 32) throw new Error('cursor key must be at least 32 bytes');
  const tag = (payload: string, binding: CursorBinding): Buffer =>
    createHmac('sha256', key)
      .update(payload)
      .update('\u0000')
      .update(JSON.stringify(binding.map((part) => part ?? null)))
      .digest()
      .subarray(0, TAG_BYTES);

  return {
    encode(position, binding) {
      const payload = Buffer.from(JSON.stringify([position.createdAt, position.id])).toString(
        'base64url',
      );
      return `${payload}.${tag(payload, binding).toString('base64url')}`;
    },
    decode(cursor, binding) {
      if (cursor.length > MAX_CURSOR_LENGTH) return null;
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) return null;
      // Compared as text: base64url decoding ignores the unused bits of the last character, so
      // comparing decoded bytes would accept a second spelling of the same tag.
      const expected = Buffer.from(tag(payload, binding).toString('base64url'));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (!Array.isArray(parsed) || parsed.length !== 2) return null;
        const [createdAt, id] = parsed as unknown[];
        return typeof createdAt === 'string' && typeof id === 'string' ? { createdAt, id } : null;
      } catch {
        return null;
      }
    },
  };
}
