// The API key routes (API.md section 3, API keys): session only, so a key cannot mint keys.
import type { GatehouseApp } from '../../app.ts';
import type { Services } from '../services.ts';
import { registerCreateApiKey } from './create-api-key.ts';
import { registerDeleteApiKey } from './delete-api-key.ts';
import { registerListApiKeys } from './list-api-keys.ts';

export function registerApiKeyRoutes(app: GatehouseApp, services: Services): void {
  registerCreateApiKey(app, services);
  registerListApiKeys(app, services);
  registerDeleteApiKey(app, services);
}
