// DELETE /v1/api-keys/{id}: deletes one of the caller's keys (another's id is 404). Effective at
// once everywhere, since every request looks its key up in the database; the revocation list
// entry is a second, independent barrier.
import type { GatehouseApp } from '../../app.ts';
import { GatehouseError } from '../../security/errors.ts';
import { callerOf } from '../schemas/caller.ts';
import { NoContent, NoQuery } from '../schemas/empty.ts';
import { IdParams } from '../schemas/id.ts';
import type { Services } from '../services.ts';

/** How long a deleted key without an expiry stays on the revocation list. */
const REVOKE_WITHOUT_EXPIRY_MS = 86_400_000;

export function registerDeleteApiKey(app: GatehouseApp, services: Services): void {
  app.delete(
    '/v1/api-keys/:id',
    {
      config: { security: { auth: 'session', permission: 'apikeys:manage', rateLimit: {} } },
      schema: {
        tags: ['api-keys'],
        summary: 'Delete an own API key; it stops working at once',
        params: IdParams,
        querystring: NoQuery,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { id } = request.params;
      const key = (await services.apiKeys.listByUser(caller.userId)).find((k) => k.id === id);
      if (!key || !(await services.apiKeys.delete(id, caller.userId)))
        throw new GatehouseError('not-found', 'No such API key.');
      const until = key.expiresAt
        ? Date.parse(key.expiresAt)
        : Date.now() + REVOKE_WITHOUT_EXPIRY_MS;
      try {
        await services.revocations.revoke(id, until);
      } catch (error) {
        // The database no longer has the key, which refuses it on every instance already.
        request.log.warn({ event: 'apikey.revocation-failed', err: error }, 'revocation list');
      }
      await services.audit.record(request, {
        type: 'apikey.deleted',
        outcome: 'success',
        targetId: id,
      });
      return reply.code(204).send(null);
    },
  );
}
