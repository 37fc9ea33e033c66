// Request and response schemas of the notes API (API.md section 3, Notes): every field bounded,
// every object closed, so `ownerId`, `id` or any other unknown field is a 400.
import { Type, type Static } from 'typebox';
import type { Note } from '../../data/repositories/notes.ts';
import { CursorField, LimitField } from '../schemas/list.ts';
import { displayText, STORED_TEXT_PATTERN } from '../schemas/text.ts';

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;

const Title = displayText(1, TITLE_MAX, 'Title; stored NFC-normalised');
const NoteBody = Type.String({
  maxLength: BODY_MAX,
  pattern: STORED_TEXT_PATTERN,
  description: 'Body text, stored as sent (NUL refused)',
});
const Tag = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9-]{1,32}$' });
const Tags = Type.Array(Tag, {
  maxItems: 10,
  description: 'At most 10 tags; duplicates are stored once',
});

export const CreateNoteBody = Type.Object(
  { title: Title, body: NoteBody, tags: Type.Optional(Tags) },
  { additionalProperties: false },
);
export type CreateNoteBody = Static<typeof CreateNoteBody>;

export const UpdateNoteBody = Type.Object(
  { title: Type.Optional(Title), body: Type.Optional(NoteBody), tags: Type.Optional(Tags) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateNoteBody = Static<typeof UpdateNoteBody>;

export const ListNotesQuery = Type.Object(
  {
    limit: LimitField,
    cursor: CursorField,
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: STORED_TEXT_PATTERN,
        description: 'Case-insensitive substring of title or body; `%`, `_`, `\\` match literally',
      }),
    ),
    tag: Type.Optional(Tag),
  },
  { additionalProperties: false },
);

export const NoteSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    ownerId: Type.String({ format: 'uuid' }),
    title: Type.String({ maxLength: 200 }),
    body: Type.String({ maxLength: 20000 }),
    tags: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export type NoteResponse = Static<typeof NoteSchema>;

/** Exactly the fields of a note a reader may see. */
export function toNoteResponse(note: Note): NoteResponse {
  return {
    id: note.id,
    ownerId: note.ownerId,
    title: note.title,
    body: note.body,
    tags: [...note.tags],
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
  };
}
