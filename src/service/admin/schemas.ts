// Schemas of the administration routes (API.md section 3, Administration). Admins see one more
// field of a user than the user does: `disabled`.
import { Type, type Static } from 'typebox';
import type { AuditEvent } from '../../data/repositories/audit-events.ts';
import type { User } from '../../data/repositories/users.ts';
import { Uuid } from '../schemas/id.ts';
import { CursorField, LimitField } from '../schemas/list.ts';
import { RoleSchema, toUserResponse, UserSchema } from '../schemas/user.ts';

export const AdminUserSchema = Type.Object(
  { ...UserSchema.properties, disabled: Type.Boolean() },
  { additionalProperties: false },
);
export type AdminUserResponse = Static<typeof AdminUserSchema>;

export function toAdminUserResponse(user: User): AdminUserResponse {
  return { ...toUserResponse(user), disabled: user.disabled };
}

export const ListUsersQuery = Type.Object(
  {
    limit: LimitField,
    cursor: CursorField,
    role: Type.Optional(RoleSchema),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description: 'Exact match, compared case-insensitively',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  { role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const ListAuditQuery = Type.Object(
  {
    limit: LimitField,
    cursor: CursorField,
    type: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[a-z][a-z0-9.-]*$',
        description: 'Event type, e.g. `user.updated`',
      }),
    ),
    actorId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

const Nullable = (description: string, maxLength = 128) =>
  Type.Union([Type.String({ maxLength }), Type.Null()], { description });

export const AuditEventSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    at: Type.String({ format: 'date-time' }),
    type: Type.String({ maxLength: 64 }),
    actorId: Nullable('The user who acted; null for the command line or an anonymous caller'),
    targetId: Nullable('What the action was about: a user, session or key id'),
    ip: Nullable('Client address; null for the command line'),
    requestId: Nullable('X-Request-Id of the request; null for the command line'),
    outcome: Type.Enum(['success', 'failure', 'denied']),
    detail: Nullable('Free text; never a secret', 1000),
  },
  { additionalProperties: false },
);
export type AuditEventResponse = Static<typeof AuditEventSchema>;

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    id: event.id,
    at: event.at,
    type: event.type,
    actorId: event.actorId,
    targetId: event.targetId,
    ip: event.ip,
    requestId: event.requestId,
    outcome: event.outcome,
    detail: event.detail,
  };
}
