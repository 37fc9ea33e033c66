// The notes API (API.md section 3, Notes): an owned resource behind the note policy.
import type { GatehouseApp } from '../../app.ts';
import type { Services } from '../services.ts';
import { registerCreateNote } from './create-note.ts';
import { registerDeleteNote } from './delete-note.ts';
import { registerGetNote } from './get-note.ts';
import { registerListNotes } from './list-notes.ts';
import { registerUpdateNote } from './update-note.ts';

export function registerNotesRoutes(app: GatehouseApp, services: Services): void {
  registerCreateNote(app, services);
  registerListNotes(app, services);
  registerGetNote(app, services);
  registerUpdateNote(app, services);
  registerDeleteNote(app, services);
}
