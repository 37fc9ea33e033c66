// Who may do what to one loaded note: its owner everything; `notes:read:any` reads any note;
// `notes:delete:any` deletes any note it can read. Nobody else, so the default is deny.
import type { Note } from '../../data/repositories/notes.ts';
import type { ObjectPolicy } from '../../security/authz/decision.ts';
import type { Principal } from '../../security/authz/principal.ts';

const isOwner = (actor: Principal, note: Note): boolean => note.ownerId === actor.userId;

export const notePolicy: ObjectPolicy<Note, Principal> = {
  canRead: (actor, note) => isOwner(actor, note) || actor.permissions.has('notes:read:any'),
  canUpdate: (actor, note) => isOwner(actor, note),
  canDelete: (actor, note) => isOwner(actor, note) || actor.permissions.has('notes:delete:any'),
};
