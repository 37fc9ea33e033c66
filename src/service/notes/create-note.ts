// POST /v1/notes: creates a note owned by the caller (never by a body field).
import type { GatehouseApp } from '../../app.ts';
import { callerOf } from '../schemas/caller.ts';
import { NoQuery } from '../schemas/empty.ts';
import { normalizeDisplayText } from '../schemas/text.ts';
import type { Services } from '../services.ts';
import { CreateNoteBody, NoteSchema, TITLE_MAX, toNoteResponse } from './schemas.ts';

export function registerCreateNote(app: GatehouseApp, services: Services): void {
  app.post(
    '/v1/notes',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'notes:write', rateLimit: {} },
      },
      schema: {
        tags: ['notes'],
        summary: 'Create a note owned by the caller',
        querystring: NoQuery,
        body: CreateNoteBody,
        response: { 201: NoteSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const note = await services.notes.create({
        ownerId: caller.userId,
        title: normalizeDisplayText(request.body.title, '/body/title', TITLE_MAX),
        body: request.body.body,
        tags: request.body.tags ?? [],
      });
      return reply.code(201).header('location', `/v1/notes/${note.id}`).send(toNoteResponse(note));
    },
  );
}
