// Every permission Gatehouse knows, and which roles hold it (API.md section 4), defined once as data.

export const PERMISSIONS = [
  'users:read:self',
  'users:write:self',
  'notes:read',
  'notes:write',
  'apikeys:manage',
  'users:read',
  'users:manage',
  'notes:read:any',
  'notes:delete:any',
  'audit:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const USER_PERMISSIONS = [
  'users:read:self',
  'users:write:self',
  'notes:read',
  'notes:write',
  'apikeys:manage',
] as const satisfies readonly Permission[];

export const ROLES = {
  user: USER_PERMISSIONS,
  admin: [
    ...USER_PERMISSIONS,
    'users:read',
    'users:manage',
    'notes:read:any',
    'notes:delete:any',
    'audit:read',
  ],
} as const satisfies Record<string, readonly Permission[]>;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value);
}

export function roleHas(role: Role, permission: Permission): boolean {
  return (ROLES[role] as readonly Permission[]).includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLES[role];
}
