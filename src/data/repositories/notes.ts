// Notes, an owned resource. Lists are filtered by owner in SQL (never after the fact), searched
// with LIKE whose wildcards in user input are escaped, and paged by keyset.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { olderThan, toPage, type Page, type Position } from '../cursor.ts';
import type { Database, NotesTable } from '../schema.ts';

export interface Note {
  readonly id: string;
  readonly ownerId: string;
  readonly title: string;
  readonly body: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NoteListFilter {
  readonly ownerId: string;
  readonly limit: number;
  readonly after?: Position | undefined;
  /** Case-insensitive substring of title or body; matched literally (`%`, `_`, `\` included). */
  readonly q?: string | undefined;
  readonly tag?: string | undefined;
}

/** Escapes LIKE wildcards so user text matches literally (used with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toNote(row: Selectable<NotesTable>): Note {
  return {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    body: row.body,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class NoteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    note: { ownerId: string; title: string; body: string; tags: readonly string[] },
    now = new Date(),
  ): Promise<Note> {
    const at = now.toISOString();
    const tags = [...new Set(note.tags)];
    const row = {
      id: randomUUID(),
      owner_id: note.ownerId,
      title: note.title,
      body: note.body,
      tags: JSON.stringify(tags),
      created_at: at,
      updated_at: at,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values(row).execute();
      if (tags.length > 0)
        await trx
          .insertInto('note_tags')
          .values(tags.map((tag) => ({ note_id: row.id, tag })))
          .execute();
    });
    return toNote(row);
  }

  async findById(id: string): Promise<Note | null> {
    const row = await this.db
      .selectFrom('notes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toNote(row) : null;
  }

  async update(
    id: string,
    changes: { title?: string; body?: string; tags?: readonly string[] },
    now = new Date(),
  ): Promise<Note | null> {
    const tags = changes.tags === undefined ? undefined : [...new Set(changes.tags)];
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('notes')
        .set({
          ...(changes.title === undefined ? {} : { title: changes.title }),
          ...(changes.body === undefined ? {} : { body: changes.body }),
          ...(tags === undefined ? {} : { tags: JSON.stringify(tags) }),
          updated_at: now.toISOString(),
        })
        .where('id', '=', id)
        .execute();
      if (tags !== undefined) {
        await trx.deleteFrom('note_tags').where('note_id', '=', id).execute();
        if (tags.length > 0)
          await trx
            .insertInto('note_tags')
            .values(tags.map((tag) => ({ note_id: id, tag })))
            .execute();
      }
    });
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('notes').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async list(filter: NoteListFilter): Promise<Page<Note>> {
    let query = this.db.selectFrom('notes').selectAll().where('owner_id', '=', filter.ownerId);
    const { q, tag, after } = filter;
    if (q !== undefined && q !== '') {
      const pattern = `%${escapeLike(q.toLowerCase())}%`;
      // Bound values only: the pattern is a parameter, ESCAPE names the escape character.
      query = query.where((eb) =>
        eb.or([
          sql<SqlBool>`lower(${eb.ref('title')}) like ${pattern} escape '\\'`,
          sql<SqlBool>`lower(${eb.ref('body')}) like ${pattern} escape '\\'`,
        ]),
      );
    }
    if (tag !== undefined) {
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('note_tags')
            .select('note_tags.note_id')
            .whereRef('note_tags.note_id', '=', 'notes.id')
            .where('note_tags.tag', '=', tag),
        ),
      );
    }
    if (after) {
      query = query.where((eb) => olderThan(eb, after));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    return toPage(rows, filter.limit, (r) => ({ createdAt: r.created_at, id: r.id }), toNote);
  }
}
