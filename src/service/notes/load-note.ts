// Loads a note and applies the note policy to the row: unknown or unreadable is 404, readable
// but not changeable by this caller is 403 (security/authz/decision.ts).
import type { Note } from '../../data/repositories/notes.ts';
import { decide, enforce, type ObjectAction } from '../../security/authz/decision.ts';
import type { Principal } from '../../security/authz/principal.ts';
import { GatehouseError } from '../../security/errors.ts';
import type { Services } from '../services.ts';
import { notePolicy } from './note-policy.ts';

/** @throws GatehouseError 404 (missing or hidden) or 403 (visible, not allowed). */
export async function loadNoteFor(
  services: Services,
  actor: Principal,
  id: string,
  action: ObjectAction,
): Promise<Note> {
  const note = await services.notes.findById(id);
  if (!note) throw new GatehouseError('not-found', 'No such note.');
  enforce(decide(notePolicy, actor, note, action), 'note');
  return note;
}
