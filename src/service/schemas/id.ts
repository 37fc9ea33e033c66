// The `{id}` path parameter of every object route: a UUID, so anything else is a 400 before a
// query is made.
import { Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
