// Credentials for fuzzing auth-required operations through the API itself (API.md section 3):
// each operation gets its own freshly registered user and session, so what fuzzing one
// operation does to its account (logout, password change, a login lock after failed password
// checks) cannot lock the other operations out.
import type { FuzzOperation, InjectableApp } from './fuzz-api.ts';

export type CredentialsHook = (operation: FuzzOperation) => Promise<Record<string, string>>;

async function registerAndLogin(app: InjectableApp, email: string, password: string) {
  const registered = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email, password, displayName: 'API fuzzer' },
  });
  if (registered.statusCode !== 201) {
    throw new Error(`POST /v1/auth/register answered ${registered.statusCode}: ${registered.body}`);
  }
  const login = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email, password },
  });
  const tokens: unknown = login.statusCode === 200 ? login.json() : null;
  if (typeof tokens !== 'object' || tokens === null || !('access_token' in tokens)) {
    throw new Error(`POST /v1/auth/login answered ${login.statusCode}: ${login.body}`);
  }
  return String(tokens.access_token);
}

/**
 * A credentials hook backed by one registered user per operation (a plain `user`: admin
 * operations answer 403), or null while the API has no registration route.
 * @example const credentials = await sessionCredentials(app, seed); // then fuzzApi(app, { credentials, ... })
 */
export async function sessionCredentials(
  app: InjectableApp,
  seed: number,
): Promise<CredentialsHook | null> {
  const probe = await app.inject({ method: 'POST', url: '/v1/auth/register', payload: {} });
  if (probe.statusCode === 404) return null;
  const password = `fuzz-${seed >>> 0}-correct-horse-battery-staple`;
  const tokens = new Map<string, Promise<string>>();
  return async (operation) => {
    let token = tokens.get(operation.key);
    if (token === undefined) {
      token = registerAndLogin(app, `fuzz-${seed >>> 0}-${tokens.size}@example.com`, password);
      tokens.set(operation.key, token);
    }
    return { authorization: `Bearer ${await token}` };
  };
}
