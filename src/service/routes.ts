// Registers every route of the Gatehouse API (the operations routes are registered by app.ts).
import type { GatehouseApp } from '../app.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import type { Services } from './services.ts';
import { registerMeRoutes } from './users/me-routes.ts';

export function registerServiceRoutes(app: GatehouseApp, services: Services): void {
  registerAuthRoutes(app, services);
  registerMeRoutes(app, services);
}
