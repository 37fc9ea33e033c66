// Loads a note and applies the note policy to the row: unknown or unreadable is 404, readable
// but not changeable by this caller is 403 (security/authz/decision.ts).
import type { Note } from '../../data/repositories/notes.ts';
import { decide, enforce, type ObjectAction } from '../../security/authz/decision.ts';
import type { FastifyRequest } from 'fastify';
import { callerOf } from '../schemas/caller.ts';
import { GatehouseError } from '../../security/errors.ts';
import type { Services } from '../services.ts';
import { notePolicy } from './note-policy.ts';

/** @throws GatehouseError 404 (missing or hidden) or 403 (visible, not allowed). */
export async function loadNoteFor(
  services: Services,
  request: FastifyRequest,
  id: string,
  action: ObjectAction,
): Promise<Note> {
  const note = await services.notes.findById(id);
  if (!note) throw new GatehouseError('not-found', 'No such note.');
  const decision = decide(notePolicy, callerOf(request), note, action);
  if (decision !== 'allow')
    await services.auditDenied(request, `${action} note ${note.id}: ${decision}`);
  enforce(decision, 'note');
  return note;
}
