// The security declaration every route carries, and the start-up check that refuses a route
// without one. Deny by default: nothing is public unless it says so.
import type { RouteOptions } from 'fastify';
import { isPermission, ROLE_NAMES, roleHas, type Permission } from './permissions.ts';

/** Who may call a route. */
export type RouteAuth =
  /** anyone, no credentials read */
  | 'public'
  /** a user's access token (session) only: API keys get 403 */
  | 'session'
  /** a user's access token or an API key whose scopes include the permission */
  | 'session-or-api-key';

/** Rate limiting of a route: exempt (operations only), or the named policies and a cost. */
export type RouteRateLimit =
  | 'exempt'
  | {
      /** Extra named policies on top of the per-user / per-IP defaults, e.g. `login-ip`. */
      readonly policies?: readonly string[];
      /** Units one request consumes, default 1. */
      readonly cost?: number;
    };

export interface RouteSecurity {
  readonly auth: RouteAuth;
  /** The permission the caller must hold; `null` only on public routes. */
  readonly permission: Permission | null;
  readonly rateLimit: RouteRateLimit;
  /** A POST/PUT/PATCH route that takes no body says so explicitly. */
  readonly noBody?: true;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    security?: RouteSecurity;
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function methodsOf(route: RouteOptions): string[] {
  return (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
}

/** Finds every object schema that is not closed (`additionalProperties: false`). */
function openObjectPaths(schema: unknown, path: string): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const found: string[] = [];
  if (
    node.type === 'object' &&
    node.additionalProperties !== false &&
    node.patternProperties === undefined
  ) {
    found.push(path || '/');
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'examples' || key === 'default' || key === 'const' || key === 'enum') continue;
    found.push(...openObjectPaths(child, `${path}/${key}`));
  }
  return found;
}

/** Finds every string without maxLength, array without maxItems, number without both bounds. */
function unboundedPaths(schema: unknown, path: string): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const found: string[] = [];
  // uuid and date-time strings are bounded by their format.
  const bounded =
    node.enum !== undefined ||
    node.const !== undefined ||
    node.format === 'uuid' ||
    node.format === 'date-time';
  if (!bounded) {
    if (node.type === 'string' && node.maxLength === undefined)
      found.push(`string at ${path || '/'} has no maxLength`);
    if (node.type === 'array' && node.maxItems === undefined)
      found.push(`array at ${path || '/'} has no maxItems`);
    if (
      (node.type === 'integer' || node.type === 'number') &&
      (node.minimum === undefined || node.maximum === undefined)
    ) {
      found.push(`number at ${path || '/'} needs minimum and maximum`);
    }
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'examples' || key === 'default' || key === 'const' || key === 'enum') continue;
    found.push(...unboundedPaths(child, `${path}/${key}`));
  }
  return found;
}

/**
 * Returns what a route's declaration lacks; empty when complete.
 * @example checkRouteDeclaration(route) // ['no response schema for a 2xx status']
 */
export function checkRouteDeclaration(route: RouteOptions): string[] {
  const problems: string[] = [];
  const security = route.config?.security;
  const schema = route.schema ?? {};
  if (!security) return ['no security declaration (config.security: auth, permission, rateLimit)'];

  if (security.auth === 'public') {
    if (security.permission !== null) problems.push('a public route cannot require a permission');
  } else if (security.permission === null) {
    problems.push(`auth "${security.auth}" needs a permission`);
  } else if (!isPermission(security.permission)) {
    problems.push(`unknown permission "${String(security.permission)}"`);
  } else if (!ROLE_NAMES.some((role) => roleHas(role, security.permission as Permission))) {
    problems.push(`permission "${security.permission}" is held by no role`);
  }

  if (security.rateLimit !== 'exempt') {
    const cost = security.rateLimit.cost ?? 1;
    if (!Number.isInteger(cost) || cost < 1)
      problems.push('rate-limit cost must be a whole number >= 1');
  }

  const response = schema.response as Record<string, unknown> | undefined;
  if (!response || !Object.keys(response).some((code) => /^2(\d\d|XX)$/.test(code))) {
    problems.push('no response schema for a 2xx status');
  }
  if (!schema.querystring) problems.push('no querystring schema (declare an empty closed object)');
  if (route.url.includes(':') && !schema.params) problems.push('no params schema');
  const takesBody = methodsOf(route).some((m) => BODY_METHODS.has(m));
  if (takesBody && !schema.body && security.noBody !== true) {
    problems.push('no body schema (or noBody: true)');
  }
  for (const part of ['body', 'querystring', 'params'] as const) {
    for (const path of openObjectPaths(schema[part], ''))
      problems.push(`${part} schema object at ${path} is not closed`);
    for (const problem of unboundedPaths(schema[part], ''))
      problems.push(`${part} schema ${problem}`);
  }
  for (const [status, responseSchema] of Object.entries(response ?? {})) {
    for (const problem of unboundedPaths(responseSchema, ''))
      problems.push(`response ${status} schema ${problem}`);
  }
  return problems;
}

/** Formats a start-up refusal naming every incomplete route. */
export class RouteDeclarationError extends Error {
  override readonly name = 'RouteDeclarationError';
  constructor(readonly failures: ReadonlyArray<{ route: string; problems: string[] }>) {
    super(
      `refusing to start: ${failures.length} route(s) lack a complete security declaration: ` +
        failures.map((f) => `${f.route} (${f.problems.join('; ')})`).join(', '),
    );
  }
}

export function routeName(route: RouteOptions): string {
  return `${methodsOf(route).join(',')} ${route.url}`;
}
