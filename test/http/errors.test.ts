// Every error class of the HTTP layer answers with the RFC 9457 problem API.md section 1 names.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { registerEchoRoute } from '../helpers/echo-route.ts';

let t: TestApp;
const id = randomUUID();
const url = `/test/echo/${id}`;
const valid = { email: 'a@example.com', count: 2 };

beforeAll(async () => {
  t = await createTestApp({
    routes: (app) => {
      registerEchoRoute(app);
      app.get(
        '/test/boom',
        {
          config: { security: { auth: 'public', permission: null, rateLimit: 'exempt' } },
          schema: {
            querystring: { type: 'object', properties: {}, additionalProperties: false },
            response: { 200: { type: 'object', properties: {}, additionalProperties: false } },
          },
        },
        () => {
          throw new Error('SELECT password_hash FROM users at /srv/gatehouse/src/data/users.ts:12');
        },
      );
    },
  });
});
afterAll(() => t.close());

function post(body: string, contentType?: string, target = url) {
  return t.app.inject({
    method: 'POST',
    url: target,
    payload: body,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
  });
}

function expectProblem(res: Awaited<ReturnType<typeof post>>, status: number, codeSuffix: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json<Record<string, unknown>>();
  expect(problem.status).toBe(status);
  expect(String(problem.type)).toMatch(new RegExp(`${codeSuffix}$`));
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  return problem;
}

describe('valid requests', () => {
  it('accepts JSON with a charset parameter in any casing', async () => {
    const res = await post(JSON.stringify(valid), 'Application/JSON; Charset=UTF-8');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, limit: 20, body: valid });
  });

  it('parses query values from strings by their declared type', async () => {
    const res = await post(JSON.stringify(valid), 'application/json', `${url}?limit=7`);
    expect(res.json<{ limit: number }>().limit).toBe(7);
  });
});

describe('404 and 405', () => {
  it('answers an unknown path with 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/thing' });
    expectProblem(res, 404, 'not-found');
  });

  it('answers a known path with a wrong method with 405 and Allow', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/healthz' });
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('treats a parametric path as known', async () => {
    const res = await t.app.inject({ method: 'GET', url });
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('POST');
  });
});

describe('415 unsupported media type', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a JSON look-alike', 'application/jsonx'],
    ['a vendor JSON type', 'application/vnd.evil+json'],
  ])('refuses %s', async (_name, contentType) => {
    const res = await post(JSON.stringify(valid), contentType);
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('still validates a JSON body whose content type has whitespace before a parameter', async () => {
    // The 2025 Fastify advisories: a content type parsed as JSON but skipping validation.
    for (const contentType of [
      'application/json\t;charset=utf-8',
      'application/json ; charset=utf-8',
    ]) {
      expect(
        (await post(JSON.stringify({ ...valid, role: 'admin' }), contentType)).statusCode,
      ).toBe(400);
      expect((await post(JSON.stringify(valid), contentType)).statusCode).toBe(200);
    }
  });

  it('refuses a body sent without a content type', async () => {
    const res = await post(JSON.stringify(valid));
    expect([415, 400]).toContain(res.statusCode);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('400 malformed and invalid input', () => {
  it('answers malformed JSON with 400', async () => {
    expectProblem(await post('{"email": ', 'application/json'), 400, 'malformed-json');
  });

  it('answers an empty JSON body with 400', async () => {
    expectProblem(await post('', 'application/json'), 400, 'malformed-json');
  });

  it('rejects __proto__ with a clear 400, not "invalid JSON"', async () => {
    const res = await post(
      '{"email":"a@example.com","count":1,"__proto__":{"admin":true}}',
      'application/json',
    );
    const problem = expectProblem(res, 400, 'validation-failed');
    expect(JSON.stringify(problem)).toContain('__proto__');
  });

  it('rejects constructor.prototype', async () => {
    const res = await post(
      '{"email":"a@example.com","count":1,"constructor":{"prototype":{"x":1}}}',
      'application/json',
    );
    expectProblem(res, 400, 'validation-failed');
  });

  it('points at every invalid field of the body', async () => {
    const res = await post(
      JSON.stringify({ count: '2', role: 'admin', tags: ['OK!'] }),
      'application/json',
    );
    const problem = expectProblem(res, 400, 'validation-failed');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/body/email', detail: 'is required' },
        { pointer: '/body/role', detail: 'is not an allowed field' },
        { pointer: '/body/count', detail: 'must be of type integer' },
        { pointer: '/body/tags/0', detail: expect.any(String) as string },
      ]),
    );
  });

  it('never coerces body values: "12" is not 12 and null is not 0', async () => {
    for (const count of ['2', null, true, 2.5]) {
      const res = await post(JSON.stringify({ ...valid, count }), 'application/json');
      expect(res.statusCode, `count=${JSON.stringify(count)}`).toBe(400);
    }
  });

  it('rejects unknown query parameters and bad query values with /query pointers', async () => {
    const unknown = await post(JSON.stringify(valid), 'application/json', `${url}?admin=1`);
    expect(expectProblem(unknown, 400, 'validation-failed').errors).toEqual([
      { pointer: '/query/admin', detail: 'is not an allowed field' },
    ]);
    const bad = await post(JSON.stringify(valid), 'application/json', `${url}?limit=abc`);
    expect(expectProblem(bad, 400, 'validation-failed').errors).toEqual([
      { pointer: '/query/limit', detail: 'must be of type integer' },
    ]);
  });

  it('rejects a bad path value with a /params pointer', async () => {
    const res = await post(JSON.stringify(valid), 'application/json', '/test/echo/not-a-uuid');
    expect(expectProblem(res, 400, 'validation-failed').errors).toEqual([
      { pointer: '/params/id', detail: 'must be a valid uuid' },
    ]);
  });

  it('refuses absurd nesting before parsing it', async () => {
    const deep = `{"email":"a@example.com","count":1,"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const problem = expectProblem(await post(deep, 'application/json'), 400, 'validation-failed');
    expect(JSON.stringify(problem)).toContain('nest');
  });

  it('refuses unpaired surrogates, which are not Unicode text, and accepts escaped pairs', async () => {
    const lone = '{"email":"a@example.com","count":1,"tags":["ab\\ud800"]}';
    const problem = expectProblem(await post(lone, 'application/json'), 400, 'validation-failed');
    expect(problem.errors).toEqual([
      { pointer: '/body/tags/0', detail: expect.stringContaining('surrogate') as string },
    ]);
    const pair = '{"email":"a@example.com","count":1}';
    expect(
      (await post(pair.replace('a@', '\\ud83d\\ude00a@'), 'application/json')).statusCode,
    ).not.toBe(500);
  });

  it('caps the number of reported errors', async () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, i]));
    const res = await post(JSON.stringify(many), 'application/json');
    const problem = expectProblem(res, 400, 'validation-failed');
    expect((problem.errors as unknown[]).length).toBeLessThanOrEqual(20);
  });
});

describe('413 payload too large', () => {
  it('refuses a body over BODY_LIMIT (64 KiB by default)', async () => {
    const res = await post(
      JSON.stringify({ ...valid, pad: 'x'.repeat(70 * 1024) }),
      'application/json',
    );
    expectProblem(res, 413, 'payload-too-large');
  });
});

describe('500 without internals', () => {
  it('hides the message and logs it with the request id', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/test/boom',
      headers: { 'x-request-id': 'trace-500' },
    });
    const problem = expectProblem(res, 500, 'internal-error');
    const body = JSON.stringify(problem);
    expect(body).not.toMatch(/SELECT|password_hash|\/srv\/|users\.ts|stack/i);
    expect(body).toContain('trace-500');
    const logged = t.logs.lines.find((l) => l.event === 'error' && l.requestId === 'trace-500');
    expect(logged).toBeDefined();
  });
});

describe('response headers', () => {
  it('echoes a well-formed X-Request-Id and replaces a bad one', async () => {
    const ok = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123._x' },
    });
    expect(ok.headers['x-request-id']).toBe('abc-123._x');
    for (const bad of [
      '',
      'x'.repeat(129),
      'a b',
      'inject\r\nx: y'.replace(/\r\n/g, '%0d%0a'),
      'ünï',
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': bad },
      });
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('sends the OWASP REST header set on every response, errors included', async () => {
    for (const res of [
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await t.app.inject({ method: 'GET', url: '/missing' }),
      await post('{', 'application/json'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});
