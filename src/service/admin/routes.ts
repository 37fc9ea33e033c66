// The administration routes (API.md section 3, Administration): admin permissions only.
import type { GatehouseApp } from '../../app.ts';
import type { Services } from '../services.ts';
import { registerListAudit } from './list-audit.ts';
import { registerListUsers } from './list-users.ts';
import { registerUpdateUser } from './update-user.ts';

export function registerAdminRoutes(app: GatehouseApp, services: Services): void {
  registerListUsers(app, services);
  registerUpdateUser(app, services);
  registerListAudit(app, services);
}
