// Signed list cursors at the HTTP edge: a cursor is bound to the route, the caller and the
// filters, so a forged, edited, foreign or re-filtered cursor is a 400 pointing at /query/cursor.
import type { Position } from '../../data/cursor.ts';
import { GatehouseError } from '../../security/errors.ts';
import type { CursorBinding, CursorCodec } from '../../security/pagination/cursor.ts';

/**
 * The position a `cursor` query value stands for; undefined without a cursor.
 * @throws GatehouseError 400 when the cursor is not one this server issued for this binding.
 */
export function readCursor(
  codec: CursorCodec,
  cursor: string | undefined,
  binding: CursorBinding,
): Position | undefined {
  if (cursor === undefined) return undefined;
  const position = codec.decode(cursor, binding);
  if (position === null) {
    throw new GatehouseError('validation-failed', 'The cursor is not valid for this query.', {
      errors: [{ pointer: '/query/cursor', detail: 'is not a cursor issued for this query' }],
    });
  }
  return position;
}

/** The `nextCursor` of a page: signed with the same binding, null on the last page. */
export function nextCursor(
  codec: CursorCodec,
  next: Position | null,
  binding: CursorBinding,
): string | null {
  return next === null ? null : codec.encode(next, binding);
}
