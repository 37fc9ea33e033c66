// The empty parts of a declaration: a route without query parameters still declares a closed
// query object (so any parameter is a 400), and a 204 declares its empty response.
import { Type } from 'typebox';

export const NoQuery = Type.Object({}, { additionalProperties: false });

export const NoContent = Type.Null({ description: 'No content' });
