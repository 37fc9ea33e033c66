// GET /v1/notes/{id}: the note for its owner or a holder of notes:read:any; 404 for anyone else.
import type { GatehouseApp } from '../../app.ts';
import { NoQuery } from '../schemas/empty.ts';
import { IdParams } from '../schemas/id.ts';
import type { Services } from '../services.ts';
import { loadNoteFor } from './load-note.ts';
import { NoteSchema, toNoteResponse } from './schemas.ts';

export function registerGetNote(app: GatehouseApp, services: Services): void {
  app.get(
    '/v1/notes/:id',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'notes:read', rateLimit: {} },
      },
      schema: {
        tags: ['notes'],
        summary: 'One note (its owner, or an admin)',
        params: IdParams,
        querystring: NoQuery,
        response: { 200: NoteSchema },
      },
    },
    async (request) =>
      toNoteResponse(await loadNoteFor(services, request, request.params.id, 'read')),
  );
}
