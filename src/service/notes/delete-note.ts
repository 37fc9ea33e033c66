// DELETE /v1/notes/{id}: the owner, or a holder of notes:delete:any who can read the note.
import type { GatehouseApp } from '../../app.ts';
import { GatehouseError } from '../../security/errors.ts';
import { callerOf } from '../schemas/caller.ts';
import { NoContent, NoQuery } from '../schemas/empty.ts';
import { IdParams } from '../schemas/id.ts';
import type { Services } from '../services.ts';
import { loadNoteFor } from './load-note.ts';

export function registerDeleteNote(app: GatehouseApp, services: Services): void {
  app.delete(
    '/v1/notes/:id',
    {
      config: {
        security: { auth: 'session-or-api-key', permission: 'notes:write', rateLimit: {} },
      },
      schema: {
        tags: ['notes'],
        summary: 'Delete a note (its owner, or an admin)',
        params: IdParams,
        querystring: NoQuery,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const note = await loadNoteFor(services, request, request.params.id, 'delete');
      // A concurrent delete won the race: the note is gone either way, as it would be afterwards.
      if (!(await services.notes.delete(note.id)))
        throw new GatehouseError('not-found', 'No such note.');
      if (note.ownerId !== caller.userId) {
        // An administrator removed someone else's data: that is worth an audit record.
        await services.audit.record(request, {
          type: 'note.deleted-by-admin',
          outcome: 'success',
          targetId: note.id,
          detail: `owner ${note.ownerId}`,
        });
      }
      return reply.code(204).send(null);
    },
  );
}
