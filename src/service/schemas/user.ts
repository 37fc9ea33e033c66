// The public User response schema (API.md section 3) and the mapping from a user row:
// exactly the fields a caller may see; the password hash and the disabled flag never leave.
import { Type, type Static } from 'typebox';
import type { User } from '../../data/repositories/users.ts';
import { isRole, ROLE_NAMES } from '../../security/permissions.ts';

export const RoleSchema = Type.Enum(ROLE_NAMES, { description: 'Role name' });

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    displayName: Type.String({ maxLength: 100 }),
    role: RoleSchema,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export type UserResponse = Static<typeof UserSchema>;

/**
 * Picks the public fields of a user row.
 * @example reply.send(toUserResponse(await services.users.findById(id)))
 */
export function toUserResponse(user: User): UserResponse {
  if (!isRole(user.role)) throw new Error(`user ${user.id} has an unknown role`);
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
