// Registers every route of the Gatehouse API (the operations routes are registered by app.ts).
import type { GatehouseApp } from '../app.ts';
import { registerAdminRoutes } from './admin/routes.ts';
import { registerApiKeyRoutes } from './api-keys/routes.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { registerNotesRoutes } from './notes/routes.ts';
import type { Services } from './services.ts';
import { registerGetUserRoute } from './users/get-user.ts';
import { registerMeRoutes } from './users/me-routes.ts';

export function registerServiceRoutes(app: GatehouseApp, services: Services): void {
  registerAuthRoutes(app, services);
  registerMeRoutes(app, services);
  registerGetUserRoute(app, services);
  registerNotesRoutes(app, services);
  registerApiKeyRoutes(app, services);
  registerAdminRoutes(app, services);
}
