// PATCH /v1/notes/{id}: only the owner changes a note; a reader who may not change it gets 403.
import type { GatehouseApp } from '../../app.ts';
import { GatehouseError } from '../../security/errors.ts';
import { NoQuery } from '../schemas/empty.ts';
import { IdParams } from '../schemas/id.ts';
import { normalizeDisplayText } from '../schemas/text.ts';
import type { Services } from '../services.ts';
import { loadNoteFor } from './load-note.ts';
import { NoteSchema, TITLE_MAX, toNoteResponse, UpdateNoteBody } from './schemas.ts';

export function registerUpdateNote(app: GatehouseApp, services: Services): void {
  app.patch(
    '/v1/notes/:id',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'notes:write', rateLimit: {} },
      },
      schema: {
        tags: ['notes'],
        summary: 'Change title, body or tags of an own note',
        params: IdParams,
        querystring: NoQuery,
        body: UpdateNoteBody,
        response: { 200: NoteSchema },
      },
    },
    async (request) => {
      const note = await loadNoteFor(services, request, request.params.id, 'update');
      const { title, body, tags } = request.body;
      const updated = await services.notes.update(note.id, {
        ...(title === undefined
          ? {}
          : { title: normalizeDisplayText(title, '/body/title', TITLE_MAX) }),
        ...(body === undefined ? {} : { body }),
        ...(tags === undefined ? {} : { tags }),
      });
      if (!updated) throw new GatehouseError('not-found', 'No such note.');
      return toNoteResponse(updated);
    },
  );
}
