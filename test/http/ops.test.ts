// Operations routes: liveness, readiness (503 when the database fails), the OpenAPI document
// (valid OpenAPI 3.1, generated from the routes) and the reference page.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('operations routes', () => {
  it('/healthz answers 200 {status: ok}', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', redis: 'not-configured' },
    });
  });

  it('/openapi.json is a valid OpenAPI 3.1 document listing the operations routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const document = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/openapi.json', '/docs']),
    );
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    const readyz = (
      document.paths['/readyz'] as {
        get: { responses: Record<string, { content: object; headers: object }> };
      }
    ).get;
    expect(Object.keys(readyz.responses).sort()).toEqual(['200', '400', '500', '503']);
    expect(readyz.responses['500']?.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(readyz.responses['200']?.headers).toHaveProperty('X-Request-Id');
  });

  it('/docs renders the reference page from the document, without scripts', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body.startsWith('<!doctype html>')).toBe(true);
    expect(res.body).toContain('GET /readyz');
    expect(res.body).not.toMatch(/<script/i);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // A rendered document also gets the headers that govern what a page may do.
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('readiness failure', () => {
  it('/readyz answers 503 once the database is gone', async () => {
    const broken = await createTestApp();
    try {
      await broken.database.db.destroy();
      const res = await broken.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', checks: { database: 'failed' } });
    } finally {
      await broken.app.close();
    }
  });
});
