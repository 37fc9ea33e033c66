// Keyset pagination over (created_at, id), newest first. The cursor handed to clients is signed
// elsewhere (security layer); here it is just the position of the last row of a page.
import type { Expression, ExpressionBuilder, SqlBool, StringReference } from 'kysely';
import type { Database } from './schema.ts';

export interface Position {
  readonly createdAt: string;
  readonly id: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Position after the last item when more rows exist, else null. */
  readonly next: Position | null;
}

/** Splits `limit + 1` fetched rows into a page and the position of its last row. */
export function toPage<Row, T>(
  rows: Row[],
  limit: number,
  position: (row: Row) => Position,
  map: (row: Row) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), next: hasMore && last ? position(last) : null };
}

/** Tables paged newest first by (created_at, id). */
type CreatedTable = 'users' | 'sessions' | 'notes';

/** Rows strictly after `after` in (created_at desc, id desc) order: the keyset condition. */
export function olderThan<TB extends CreatedTable>(
  eb: ExpressionBuilder<Database, TB>,
  after: Position,
): Expression<SqlBool> {
  // Every CreatedTable has both text columns; the generic TB hides that from Kysely's types.
  const createdAt = eb.ref('created_at' as StringReference<Database, TB>) as Expression<string>;
  const id = eb.ref('id' as StringReference<Database, TB>) as Expression<string>;
  return eb.or([
    eb(createdAt, '<', after.createdAt),
    eb.and([eb(createdAt, '=', after.createdAt), eb(id, '<', after.id)]),
  ]);
}
