// Keyset pagination over (created_at, id), newest first. The cursor handed to clients is signed
// elsewhere (security layer); here it is just the position of the last row of a page.

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
