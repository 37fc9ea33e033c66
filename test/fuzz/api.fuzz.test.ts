// Fuzzes every operation of the app's own OpenAPI document (routes added later included, with no
// extra code) through the real HTTP layer, with a fixed seed; then shows on planted bugs that the
// fuzzer catches each kind of failure it claims to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { registerEchoRoute } from '../helpers/echo-route.ts';
import { formatReport, fuzzApi, type FuzzReport } from './fuzz-api.ts';
import { contractRefusals, FUZZ_ENV, KNOWN_ISSUES } from './fuzz-setup.ts';
import { PLANTED, PLANTED_TOKEN, registerPlantedBugRoutes } from './planted-bug-routes.ts';
import { sessionCredentials } from './session-credentials.ts';

const SEED = 0x6a7e;
const RUNS = 25;

function expectNoStaleSkips(report: FuzzReport): void {
  const stale = report.suppressed.filter((s) => s.count === 0).map((s) => s.rule);
  expect(stale, 'known issues that no longer occur: remove them from KNOWN_ISSUES').toEqual([]);
}

describe('fuzzing the API', () => {
  let t: TestApp;
  let report: FuzzReport;

  beforeAll(async () => {
    t = await createTestApp({ env: FUZZ_ENV, routes: registerEchoRoute });
    // A user and session of its own per auth-required operation, registered through the API.
    const credentials = await sessionCredentials(t.app, SEED);
    report = await fuzzApi(t.app, {
      seed: SEED,
      runsPerOperation: RUNS,
      bodyLimit: t.config.bodyLimit,
      skip: KNOWN_ISSUES,
      acceptForValid: contractRefusals,
      ...(credentials === null ? {} : { credentials }),
    });
  }, 60_000);
  afterAll(() => t.close());

  it('finds no failures', () => {
    expect(report.failures, formatReport(report)).toEqual([]);
    expectNoStaleSkips(report);
  });

  it('fuzzes every operation in the OpenAPI document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const keys = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(report.operations.map((o) => o.operation).sort()).toEqual(keys.sort());
    expect(keys).toContain('POST /test/echo/{id}');
  });

  it('fuzzes auth-required operations with credentials, and checks their 401 without', () => {
    const me = report.operations.find((o) => o.operation === 'GET /v1/users/me');
    if (me === undefined) return; // authentication routes not registered yet
    expect(me.withCredentials).toBe(true);
    expect(me.kinds.valid?.statuses).toEqual({ '200': RUNS });
    expect(Object.keys(me.kinds['no-credentials']?.statuses ?? {})).toEqual(['401']);
  });

  it('gets valid echo requests through to the handler and every mutation refused', () => {
    const echo = report.operations.find((o) => o.operation === 'POST /test/echo/{id}');
    expect(echo?.kinds.valid?.statuses).toEqual({ '200': RUNS });
    expect(echo?.notApplicable).toEqual([]);
    for (const [kind, kindReport] of Object.entries(echo?.kinds ?? {})) {
      if (kind === 'valid') continue;
      expect(kindReport.cases, kind).toBeGreaterThan(0);
    }
  });
});

describe('the fuzzer catches planted bugs', () => {
  let t: TestApp;
  let report: FuzzReport;
  const calls: string[] = [];

  const run = () =>
    fuzzApi(t.app, {
      seed: SEED,
      runsPerOperation: RUNS,
      include: (operation) => operation.path.startsWith('/test/fuzz/'),
      credentials: (operation) => {
        calls.push(operation.key);
        return Promise.resolve({ authorization: `Bearer ${PLANTED_TOKEN}` });
      },
    });

  beforeAll(async () => {
    t = await createTestApp({ env: FUZZ_ENV, routes: registerPlantedBugRoutes });
    report = await run();
  }, 60_000);
  afterAll(() => t.close());

  const failuresOf = (operation: string) =>
    report.failures.filter((failure) => failure.operation === operation);

  it('reports a 500 on a valid request, shrunk to the value that causes it', () => {
    const [failure, ...others] = failuresOf(PLANTED.crash);
    expect(others).toEqual([]);
    expect(failure?.kind).toBe('valid');
    expect(failure?.violations.map((v) => v.check)).toContain('server-error');
    expect(failure?.response?.status).toBe(500);
    expect(JSON.parse(failure?.request.body ?? '{}')).toMatchObject({ size: 1000 });
    expect(failure?.request.method).toBe('POST');
  });

  it('reports a response body that contradicts its documented schema', () => {
    const [failure] = failuresOf(PLANTED.lying);
    expect(failure?.violations).toEqual([expect.objectContaining({ check: 'response-schema' })]);
  });

  it('reports an unknown field that is accepted instead of refused, credentials redacted', () => {
    const [failure, ...others] = failuresOf(PLANTED.lenient);
    expect(others).toEqual([]);
    expect(failure?.kind).toBe('unknown-body-field');
    expect(failure?.violations[0]?.check).toBe('status');
    expect(failure?.response?.status).toBe(200);
    expect(failure?.request.headers.authorization).toBe('Bearer <redacted>');
  });

  it('reports a route that documents auth but answers without credentials', () => {
    const [failure, ...others] = failuresOf(PLANTED.unguarded);
    expect(others).toEqual([]);
    expect(failure?.kind).toBe('no-credentials');
    expect(failure?.violations[0]?.check).toBe('auth');
    expect(failure?.request.headers).not.toHaveProperty('authorization');
  });

  it('reports an error response that is not a problem document', () => {
    const [failure] = failuresOf(PLANTED.sloppy);
    expect(failure?.response?.status).toBe(409);
    expect(new Set(failure?.violations.map((v) => v.check))).toEqual(new Set(['problem']));
    const details = failure?.violations.map((v) => v.detail).join('\n');
    expect(details).toContain('not application/problem+json');
    expect(details).toContain('problem "type" is not a string');
    expect(details).toContain('problem "status" is undefined but the HTTP status is 409');
  });

  it('fuzzes a correct auth route with the credentials hook and finds nothing', () => {
    expect(failuresOf(PLANTED.guarded)).toEqual([]);
    const guarded = report.operations.find((o) => o.operation === PLANTED.guarded);
    expect(guarded?.withCredentials).toBe(true);
    expect(guarded?.kinds.valid?.statuses).toEqual({ '200': RUNS });
    expect(Object.keys(guarded?.kinds['no-credentials']?.statuses ?? {})).toEqual(['401']);
    expect(Object.keys(guarded?.kinds['unknown-body-field']?.statuses ?? {})).toEqual(['400']);
    expect(calls).toContain(PLANTED.guarded);
  });

  it('keeps credentials out of the report', () => {
    const text = formatReport(report);
    expect(text).not.toContain(PLANTED_TOKEN);
    expect(JSON.stringify(report)).not.toContain(PLANTED_TOKEN);
  });

  it('fails on nothing else, and replays the same report for the same seed', async () => {
    expect(report.failures.map((f) => f.operation).sort()).toEqual(
      [PLANTED.crash, PLANTED.lenient, PLANTED.lying, PLANTED.sloppy, PLANTED.unguarded].sort(),
    );
    const again = await run();
    // Responses carry fresh request ids; what was sent, and what was wrong with it, replays.
    const sent = (r: FuzzReport) =>
      r.failures.map((f) => [f.request, f.violations, f.response?.status]);
    expect(sent(again)).toEqual(sent(report));
    expect(again.operations.map((o) => o.statuses)).toEqual(
      report.operations.map((o) => o.statuses),
    );
  });
});
