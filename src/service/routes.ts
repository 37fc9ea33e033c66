// Registers every route of the Gatehouse API (the operations routes are registered by app.ts).
import type { GatehouseApp } from '../app.ts';
import type { Services } from './services.ts';

export function registerServiceRoutes(_app: GatehouseApp, _services: Services): void {
  // Filled by the authentication, users, notes, API key and administration route modules.
}
