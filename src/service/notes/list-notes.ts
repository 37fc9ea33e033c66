// GET /v1/notes: the caller's own notes only (filtered in SQL), newest first, with a cursor
// bound to the caller and the filters.
import type { GatehouseApp } from '../../app.ts';
import { callerOf } from '../schemas/caller.ts';
import { DEFAULT_LIMIT, listOf } from '../schemas/list.ts';
import { nextCursor, readCursor } from '../schemas/page-cursor.ts';
import type { Services } from '../services.ts';
import { ListNotesQuery, NoteSchema, toNoteResponse } from './schemas.ts';

export function registerListNotes(app: GatehouseApp, services: Services): void {
  app.get(
    '/v1/notes',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'notes:read', rateLimit: {} },
      },
      schema: {
        tags: ['notes'],
        summary: "The caller's own notes, newest first",
        querystring: ListNotesQuery,
        response: { 200: listOf(NoteSchema) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { limit = DEFAULT_LIMIT, cursor, tag } = request.query;
      // Titles are stored NFC, so the search text is too; an empty search is no search.
      const q = request.query.q === undefined ? '' : request.query.q.normalize('NFC');
      const binding = ['GET /v1/notes', caller.userId, q, tag ?? null];
      const page = await services.notes.list({
        ownerId: caller.userId,
        limit,
        after: readCursor(services.cursors, cursor, binding),
        q: q === '' ? undefined : q,
        tag,
      });
      return {
        items: page.items.map(toNoteResponse),
        nextCursor: nextCursor(services.cursors, page.next, binding),
      };
    },
  );
}
