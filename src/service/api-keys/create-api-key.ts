// POST /v1/api-keys: a new key with scopes the caller holds, at most MAX_KEYS_PER_USER per user;
// the key is in this response only (Cache-Control: no-store, the default).
import type { GatehouseApp } from '../../app.ts';
import type { Principal } from '../../security/authz/principal.ts';
import { GatehouseError } from '../../security/errors.ts';
import type { Permission } from '../../security/permissions.ts';
import { callerOf } from '../schemas/caller.ts';
import { NoQuery } from '../schemas/empty.ts';
import { normalizeDisplayText } from '../schemas/text.ts';
import type { Services } from '../services.ts';
import {
  CreateApiKeyBody,
  CreatedApiKeySchema,
  MAX_KEYS_PER_USER,
  NAME_MAX,
  toApiKeyResponse,
} from './schemas.ts';

const DAY_MS = 86_400_000;

function tooManyKeys(): GatehouseError {
  return new GatehouseError(
    'conflict',
    `You already have ${MAX_KEYS_PER_USER} API keys; delete one first.`,
  );
}

/** A key can never do more than the session that created it. */
function assertHeld(caller: Principal, scopes: readonly Permission[]): void {
  const notHeld = scopes.filter((scope) => !caller.permissions.has(scope));
  if (notHeld.length === 0) return;
  throw new GatehouseError('validation-failed', 'A key cannot have permissions you lack.', {
    errors: [{ pointer: '/body/scopes', detail: `you do not hold: ${notHeld.join(', ')}` }],
  });
}

export function registerCreateApiKey(app: GatehouseApp, services: Services): void {
  app.post(
    '/v1/api-keys',
    {
      config: { security: { auth: 'session', permission: 'apikeys:manage', rateLimit: {} } },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (shown once)',
        querystring: NoQuery,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { scopes, expiresInDays } = request.body;
      assertHeld(caller, scopes);
      const name = normalizeDisplayText(request.body.name, '/body/name', NAME_MAX);
      if ((await services.apiKeys.countByUser(caller.userId)) >= MAX_KEYS_PER_USER)
        throw tooManyKeys();
      const now = new Date();
      const generated = services.apiKeyHasher.generate();
      const record = await services.apiKeys.create(
        {
          userId: caller.userId,
          name,
          prefix: generated.displayPrefix,
          keyHash: generated.hash,
          scopes,
          expiresAt:
            expiresInDays === undefined ? null : new Date(now.getTime() + expiresInDays * DAY_MS),
        },
        now,
      );
      // Concurrent creations can pass the first count together: the one that overshoots undoes itself.
      if ((await services.apiKeys.countByUser(caller.userId)) > MAX_KEYS_PER_USER) {
        await services.apiKeys.delete(record.id, caller.userId);
        throw tooManyKeys();
      }
      await services.audit.record(request, {
        type: 'apikey.created',
        outcome: 'success',
        targetId: record.id,
        detail: `scopes: ${scopes.join(' ')}`,
      });
      return reply.code(201).send({ ...toApiKeyResponse(record), key: generated.key });
    },
  );
}
