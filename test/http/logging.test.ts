// Logs: one access line per request, security events always, and no secret in any line.
import { afterEach, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const PASSWORD = 'correct horse battery staple 9!';
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function carelessApp(env: Record<string, string> = {}) {
  return createTestApp({
    env,
    routes: (app) => {
      app.post(
        '/test/careless',
        {
          config: { security: { auth: 'public', permission: null, rateLimit: 'exempt' } },
          schema: {
            querystring: Type.Object({}, { additionalProperties: false }),
            body: Type.Object(
              { email: Type.String({ maxLength: 100 }), password: Type.String({ maxLength: 100 }) },
              { additionalProperties: false },
            ),
            response: { 204: Type.Null() },
          },
        },
        (request, reply) => {
          // A careless handler logging the whole body and headers: redaction must still hold.
          request.log.info(
            { body: request.body, headers: request.headers, req: { headers: request.headers } },
            'careless',
          );
          void reply.code(204);
          return null;
        },
      );
    },
  });
}

describe('logging', () => {
  it('never writes a password or a bearer token, even from a careless handler', async () => {
    t = await carelessApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/careless',
      headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` },
      payload: { email: 'a@example.com', password: PASSWORD },
    });
    expect(res.statusCode).toBe(204);
    const all = t.logs.raw.join('\n');
    expect(t.logs.lines.some((l) => l.msg === 'careless')).toBe(true);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(TOKEN);
    expect(all).toContain('[redacted]');
  });

  it('writes exactly one access line per request with id, method, route, status, duration', async () => {
    t = await carelessApp();
    await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'one-line' } });
    const lines = t.logs.lines.filter((l) => l.requestId === 'one-line');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'access',
      method: 'GET',
      route: '/healthz',
      status: 200,
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
  });

  it('writes no access line with ACCESS_LOG=false but still logs refusals', async () => {
    t = await carelessApp({ ACCESS_LOG: 'false' });
    await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'quiet' } });
    await t.app.inject({
      method: 'DELETE',
      url: '/healthz',
      headers: { 'x-request-id': 'refused' },
    });
    expect(t.logs.lines.filter((l) => l.event === 'access')).toHaveLength(0);
    expect(
      t.logs.lines.some((l) => l.requestId === 'refused' && l.event === 'request.refused'),
    ).toBe(true);
  });
});
