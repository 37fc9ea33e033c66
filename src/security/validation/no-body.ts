// Routes declared `noBody: true` take no input in the body: a body with fields is refused like
// any unknown field (400 pointing at each), an empty object or no body at all is accepted.
import type { FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.ts';
import { MAX_FIELD_ERRORS } from './field-errors.ts';

export function refuseBody(request: FastifyRequest): Promise<void> {
  const body: unknown = request.body;
  if (body === undefined || body === null) return Promise.resolve();
  const isPlainObject = typeof body === 'object' && !Array.isArray(body);
  if (isPlainObject && Object.keys(body).length === 0) return Promise.resolve();
  const errors = isPlainObject
    ? Object.keys(body)
        .slice(0, MAX_FIELD_ERRORS)
        .map((field) => ({
          pointer: `/body/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          detail: 'is not an allowed field',
        }))
    : [{ pointer: '/body', detail: 'must be empty: this operation takes no body' }];
  return Promise.reject(
    new GatehouseError('validation-failed', 'This operation takes no request body.', { errors }),
  );
}
