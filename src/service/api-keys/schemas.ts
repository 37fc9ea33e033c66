// Schemas of the API key routes (API.md section 3, API keys). The key itself appears only in the
// creation response; no response schema has a field for the stored hash.
import { Type, type Static } from 'typebox';
import type { ApiKey } from '../../data/repositories/api-keys.ts';
import { PERMISSIONS } from '../../security/permissions.ts';
import { displayText } from '../schemas/text.ts';

export const NAME_MAX = 100;
/** Keys one user may hold at once (409 beyond); documented in docs/api.md. */
export const MAX_KEYS_PER_USER = 20;

export const CreateApiKeyBody = Type.Object(
  {
    name: displayText(1, NAME_MAX, 'A label for the key; stored NFC-normalised'),
    scopes: Type.Array(Type.Enum(PERMISSIONS), {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description: "Permissions of the key: a subset of the caller's own",
    }),
    expiresInDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: 'Lifetime; no expiry when absent' }),
    ),
  },
  { additionalProperties: false },
);

const apiKeyProperties = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String({ maxLength: 100 }),
  scopes: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 }),
  prefix: Type.String({
    maxLength: 32,
    description: 'The first characters of the key, to recognise it',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

export const ApiKeySchema = Type.Object(apiKeyProperties, { additionalProperties: false });

export const CreatedApiKeySchema = Type.Object(
  {
    ...apiKeyProperties,
    key: Type.String({ maxLength: 64, description: 'The key: shown this once, never again' }),
  },
  { additionalProperties: false },
);

export type ApiKeyResponse = Static<typeof ApiKeySchema>;

/** Exactly the fields of a key its owner may see later (never the key or its hash). */
export function toApiKeyResponse(key: ApiKey): ApiKeyResponse {
  return {
    id: key.id,
    name: key.name,
    scopes: [...key.scopes],
    prefix: key.prefix,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
  };
}
