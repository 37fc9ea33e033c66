// Paginated lists (API.md section 1): the `limit` and `cursor` query fields and the
// `{items, nextCursor}` response shape shared by every list route.
import { Type, type TSchema } from 'typebox';

export const DEFAULT_LIMIT = 20;

export const LimitField = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_LIMIT, description: 'Page size' }),
);

export const CursorField = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9_.-]+$',
    description: 'Opaque cursor from the previous page; valid only with the same filters',
  }),
);

/** `{items, nextCursor}` of the given item schema. */
export function listOf<Item extends TSchema>(item: Item) {
  return Type.Object(
    {
      items: Type.Array(item, { maxItems: 100 }),
      nextCursor: Type.Union([Type.String({ maxLength: 512 }), Type.Null()], {
        description: 'Pass as `cursor` for the next page; null on the last page',
      }),
    },
    { additionalProperties: false },
  );
}
