// The start-up check: a route without a complete security declaration stops the server.
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { GatehouseApp } from '../../src/app.ts';
import { RouteDeclarationError } from '../../src/security/route.ts';
import { createTestApp } from '../helpers/app.ts';

const NoQuery = Type.Object({}, { additionalProperties: false });
const Ok = Type.Object({ ok: Type.Boolean() }, { additionalProperties: false });
const PUBLIC = { auth: 'public', permission: null, rateLimit: {} } as const;

async function startWith(routes: (app: GatehouseApp) => void): Promise<Error | null> {
  try {
    const t = await createTestApp({ routes });
    await t.close();
    return null;
  } catch (error) {
    return error as Error;
  }
}

describe('route declaration check', () => {
  it('starts when every route is fully declared', async () => {
    const error = await startWith((app) => {
      app.get(
        '/x',
        { config: { security: PUBLIC }, schema: { querystring: NoQuery, response: { 200: Ok } } },
        () => ({
          ok: true,
        }),
      );
    });
    expect(error).toBeNull();
  });

  it('refuses a route without a security declaration, naming it', async () => {
    const error = await startWith((app) => {
      app.get('/undeclared', { schema: { querystring: NoQuery, response: { 200: Ok } } }, () => ({
        ok: true,
      }));
    });
    expect(error).toBeInstanceOf(RouteDeclarationError);
    expect(error?.message).toContain('GET /undeclared');
    expect(error?.message).toContain('no security declaration');
  });

  it('refuses a route without a response schema', async () => {
    const error = await startWith((app) => {
      app.get(
        '/no-response',
        { config: { security: PUBLIC }, schema: { querystring: NoQuery } },
        () => ({ ok: true }),
      );
    });
    expect(error?.message).toContain('GET /no-response (no response schema for a 2xx status)');
  });

  it.each([
    [
      'a missing body schema',
      { querystring: NoQuery, response: { 201: Ok } },
      PUBLIC,
      'no body schema',
    ],
    [
      'an open body object',
      { querystring: NoQuery, body: Type.Object({ a: Type.String() }), response: { 201: Ok } },
      PUBLIC,
      'body schema object at / is not closed',
    ],
    [
      'a missing querystring schema',
      { body: Type.Object({}, { additionalProperties: false }), response: { 201: Ok } },
      PUBLIC,
      'no querystring schema',
    ],
    [
      'an authenticated route without a permission',
      { querystring: NoQuery, body: NoQuery, response: { 201: Ok } },
      { auth: 'session', permission: null, rateLimit: {} },
      'needs a permission',
    ],
    [
      'an unknown permission',
      { querystring: NoQuery, body: NoQuery, response: { 201: Ok } },
      { auth: 'session', permission: 'notes:destroy', rateLimit: {} },
      'unknown permission "notes:destroy"',
    ],
    [
      'a public route with a permission',
      { querystring: NoQuery, body: NoQuery, response: { 201: Ok } },
      { auth: 'public', permission: 'notes:read', rateLimit: {} },
      'cannot require a permission',
    ],
    [
      'a zero rate-limit cost',
      { querystring: NoQuery, body: NoQuery, response: { 201: Ok } },
      { auth: 'public', permission: null, rateLimit: { cost: 0 } },
      'cost must be',
    ],
    [
      'a string without maxLength',
      {
        querystring: NoQuery,
        body: Type.Object({ a: Type.String() }, { additionalProperties: false }),
        response: { 201: Ok },
      },
      PUBLIC,
      'body schema string at /properties/a has no maxLength',
    ],
    [
      'an array without maxItems',
      {
        querystring: NoQuery,
        body: Type.Object({ a: Type.Array(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: Ok },
      },
      PUBLIC,
      'body schema array at /properties/a has no maxItems',
    ],
    [
      'a number without bounds',
      {
        querystring: Type.Object(
          { n: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        body: NoQuery,
        response: { 201: Ok },
      },
      PUBLIC,
      'querystring schema number at /properties/n needs minimum and maximum',
    ],
    [
      'a response string without maxLength',
      {
        querystring: NoQuery,
        body: NoQuery,
        response: { 201: Type.Object({ name: Type.String() }, { additionalProperties: false }) },
      },
      PUBLIC,
      'response 201 schema string at /properties/name has no maxLength',
    ],
  ])('refuses %s', async (_name, schema, security, expected) => {
    const error = await startWith((app) => {
      // Deliberately incomplete declarations, so the types are bypassed.
      app.post(
        '/bad',
        { config: { security: security as never }, schema: schema as never },
        () => ({ ok: true }),
      );
    });
    expect(error).toBeInstanceOf(RouteDeclarationError);
    expect(error?.message).toContain('POST /bad');
    expect(error?.message).toContain(expected);
  });

  it('refuses a path parameter without a params schema', async () => {
    const error = await startWith((app) => {
      app.get(
        '/things/:id',
        { config: { security: PUBLIC }, schema: { querystring: NoQuery, response: { 200: Ok } } },
        () => ({ ok: true }),
      );
    });
    expect(error?.message).toContain('GET /things/:id (no params schema)');
  });
});
