// fuzzApi: property-based fuzzing of every operation in the app's own /openapi.json, through
// the real HTTP layer (app.inject), the way Schemathesis does it. Valid requests come from the
// operation's schemas, invalid ones apply one mutation each; every response is checked
// (response-checks.ts) and a failing case is shrunk by fast-check to a minimal request.
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { UnsupportedSchemaError } from './arbitrary-from-schema.ts';
import { parseOpenApi, type ApiDescription, type FuzzOperation } from './openapi-operations.ts';
import { MUTATION_KINDS, type Mutation, type MutationKind } from './mutations.ts';
import { requestArbitraries, type RequestArbitraries } from './request-arbitraries.ts';
import { buildRequest, redactHeaders, type FuzzRequest, type RequestDraft } from './requests.ts';
import {
  checkResponse,
  type AcceptedRefusal,
  type CaseKind,
  type CheckName,
  type Violation,
} from './response-checks.ts';
import type {
  FuzzFailure,
  FuzzReport,
  KindReport,
  OperationReport,
  ReportedRequest,
  ReportedResponse,
  SkipRule,
} from './report.ts';
import { createSchemaValidator, type SchemaValidator } from './schema-validator.ts';

export type { AcceptedRefusal, CaseKind, CheckName, FuzzOperation, MutationKind, Violation };
export type {
  FuzzFailure,
  FuzzReport,
  KindReport,
  OperationReport,
  ReportedRequest,
  ReportedResponse,
  SkipRule,
} from './report.ts';
export { formatFailure, formatReport } from './report.ts';
export { CHECK_NAMES } from './response-checks.ts';
export { MUTATION_KINDS } from './mutations.ts';

/** What fuzzApi needs of the app: Fastify's `inject`. */
export interface InjectableApp {
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface FuzzOptions {
  /** fast-check seed; the same seed against the same app replays the same requests. */
  readonly seed: number;
  /** Valid requests per operation. */
  readonly runsPerOperation: number;
  /** Requests per mutation kind per operation; default max(1, ceil(runsPerOperation / 5)). */
  readonly runsPerMutation?: number;
  /**
   * Headers that authenticate a request to `operation` (e.g. `{ authorization: 'Bearer ...' }`),
   * called for each request to an operation whose OpenAPI `security` is non-empty. Without it
   * such operations are only checked for the 401 rule. Values never appear in the report.
   */
  readonly credentials?: (operation: FuzzOperation) => Promise<Record<string, string>>;
  readonly skip?: readonly SkipRule[];
  /** Fuzz only the operations this accepts; default all. */
  readonly include?: (operation: FuzzOperation) => boolean;
  /** The app's body limit in bytes (BODY_LIMIT); larger valid bodies must get 413. Default 64 KiB. */
  readonly bodyLimit?: number;
  /**
   * Refusals a schema-valid request may get besides 2xx/401/403/404/409/429: business rules such
   * as `POST /v1/users/me/password` refusing a wrong current password (400 at
   * /body/currentPassword). Default none.
   */
  readonly acceptForValid?: (operation: FuzzOperation) => readonly AcceptedRefusal[];
  /** Default `/openapi.json`. */
  readonly openApiUrl?: string;
}

/** Reported bodies are cut here: requests show more, they are what a reader replays. */
const REQUEST_TEXT_LIMIT = 2000;
const RESPONSE_TEXT_LIMIT = 600;

function truncate(text: string, limit = REQUEST_TEXT_LIMIT): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}... (${text.length - limit} more characters)`;
}

/** FNV-1a, so each operation and kind gets its own stable seed derived from the run's seed. */
function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

class Histogram {
  readonly counts = new Map<number, number>();
  total = 0;
  add(status: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
    this.total++;
  }
  toRecord(): Record<string, number> {
    return Object.fromEntries(
      [...this.counts].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]),
    );
  }
}

interface Outcome {
  readonly violations: Violation[];
  readonly request: ReportedRequest;
  readonly response: ReportedResponse | null;
}

interface RunState {
  readonly app: InjectableApp;
  readonly api: ApiDescription;
  readonly options: FuzzOptions;
  readonly validator: SchemaValidator;
  readonly bodyLimit: number;
  readonly suppressed: Map<SkipRule, number>;
}

function redactText(text: string, secrets: readonly string[]): string {
  return secrets.reduce(
    (out, secret) => (secret.length < 4 ? out : out.split(secret).join('<redacted>')),
    text,
  );
}

function reported(
  request: FuzzRequest,
  secretHeaders: Readonly<Record<string, string>>,
): ReportedRequest {
  const secrets = Object.values(secretHeaders).flatMap((v) => [v, v.replace(/^\S+\s+/, '')]);
  const names = new Set(Object.keys(secretHeaders).map((n) => n.toLowerCase()));
  return {
    method: request.method,
    url: redactText(request.url, secrets),
    headers: redactHeaders(request.headers, names),
    ...(request.payload === undefined
      ? {}
      : { body: truncate(redactText(request.payload, secrets)) }),
  };
}

async function runCase(
  state: RunState,
  operation: FuzzOperation,
  arbitraries: RequestArbitraries,
  kind: CaseKind,
  draft: RequestDraft,
  sendCredentials: boolean,
): Promise<Outcome> {
  const credentials =
    sendCredentials && state.options.credentials ? await state.options.credentials(operation) : {};
  const request = buildRequest(operation, draft, credentials);
  const secrets = Object.values(credentials);
  if (kind === 'valid' || kind === 'no-credentials') {
    const invalid = arbitraries.invalidity(draft);
    if (invalid !== null) {
      return {
        violations: [
          { check: 'generator', detail: `the fuzzer built an invalid "valid" request: ${invalid}` },
        ],
        request: reported(request, credentials),
        response: null,
      };
    }
  }
  const response = await state.app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  const violations = checkResponse(
    {
      api: state.api,
      operation,
      kind,
      credentialsSent: Object.keys(credentials).length > 0,
      payloadBytes: request.payload === undefined ? 0 : Buffer.byteLength(request.payload),
      bodyLimit: state.bodyLimit,
      acceptedRefusals: state.options.acceptForValid?.(operation) ?? [],
      sentRequestId: request.headers['x-request-id'],
      validator: state.validator,
    },
    { statusCode: response.statusCode, headers: response.headers, body: response.body },
  );
  const contentType = response.headers['content-type'];
  const requestId = response.headers['x-request-id'];
  return {
    violations,
    request: reported(request, credentials),
    response: {
      status: response.statusCode,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body: truncate(redactText(response.body, secrets), RESPONSE_TEXT_LIMIT),
    },
  };
}

/** Drops violations a check-level skip rule covers, counting them. */
function unsuppressed(
  state: RunState,
  operation: FuzzOperation,
  violations: Violation[],
): Violation[] {
  return violations.filter((violation) => {
    const rule = state.options.skip?.find(
      (r) => r.operation === operation.key && r.check === violation.check,
    );
    if (rule === undefined) return true;
    state.suppressed.set(rule, (state.suppressed.get(rule) ?? 0) + 1);
    return false;
  });
}

interface KindRun {
  readonly kind: CaseKind;
  readonly runs: number;
  readonly credentials: boolean;
  readonly arbitrary: fc.Arbitrary<{ draft: RequestDraft; mutation?: string } | null>;
}

async function runKind(
  state: RunState,
  operation: FuzzOperation,
  arbitraries: RequestArbitraries,
  plan: KindRun,
  statuses: Histogram,
): Promise<{ report: KindReport; failure: FuzzFailure | null }> {
  const kindStatuses = new Histogram();
  const fcSeed = deriveSeed(state.options.seed, `${operation.key}|${plan.kind}`);
  let shrinking = false;
  let last: (Outcome & { mutation?: string }) | null = null;

  const property = fc.asyncProperty(plan.arbitrary, async (generated) => {
    if (generated === null) return true; // nothing to mutate in this draft
    const outcome = await runCase(
      state,
      operation,
      arbitraries,
      plan.kind,
      generated.draft,
      plan.credentials,
    );
    // Shrinking replays variations of a failed case; only first runs count toward the histogram.
    if (!shrinking && outcome.response !== null) {
      kindStatuses.add(outcome.response.status);
      statuses.add(outcome.response.status);
    }
    const violations = unsuppressed(state, operation, outcome.violations);
    if (violations.length === 0) return true;
    shrinking = true;
    last = {
      ...outcome,
      violations,
      ...(generated.mutation === undefined ? {} : { mutation: generated.mutation }),
    };
    return false;
  });

  let failure: FuzzFailure | null = null;
  try {
    const details = await fc.check(property, { seed: fcSeed, numRuns: plan.runs });
    const found = last as (Outcome & { mutation?: string }) | null;
    if (details.failed && found !== null) {
      failure = {
        operation: operation.key,
        kind: plan.kind,
        ...(found.mutation === undefined ? {} : { mutation: found.mutation }),
        violations: found.violations,
        request: found.request,
        response: found.response,
        fcSeed,
        shrinks: details.numShrinks,
      };
    } else if (details.failed) {
      const reason =
        details.errorInstance instanceof Error ? details.errorInstance.message : 'unknown';
      failure = fuzzerFailure(operation, plan.kind, 'fuzzer-error', reason, fcSeed);
    }
  } catch (error) {
    failure = fuzzerFailure(operation, plan.kind, 'fuzzer-error', String(error), fcSeed);
  }
  return { report: { cases: kindStatuses.total, statuses: kindStatuses.toRecord() }, failure };
}

/** A failure of the fuzzer rather than of a response: no request was (fully) made. */
function fuzzerFailure(
  operation: FuzzOperation,
  kind: CaseKind,
  check: 'unsupported' | 'fuzzer-error',
  detail: string,
  fcSeed: number,
): FuzzFailure {
  return {
    operation: operation.key,
    kind,
    violations: [{ check, detail }],
    request: { method: operation.method, url: operation.path, headers: {} },
    response: null,
    fcSeed,
    shrinks: 0,
  };
}

async function fuzzOperation(
  state: RunState,
  operation: FuzzOperation,
): Promise<Omit<OperationReport, 'milliseconds'>> {
  const { options } = state;
  const base = { operation: operation.key, requiresAuth: operation.requiresAuth };
  const withCredentials = operation.requiresAuth && options.credentials !== undefined;
  const wholeSkip = options.skip?.find(
    (r) => r.operation === operation.key && r.check === undefined,
  );
  if (wholeSkip) {
    state.suppressed.set(wholeSkip, (state.suppressed.get(wholeSkip) ?? 0) + 1);
    return {
      ...base,
      withCredentials,
      skipped: wholeSkip.reason,
      cases: 0,
      statuses: {},
      kinds: {},
      notApplicable: [],
      failures: [],
    };
  }

  let arbitraries: RequestArbitraries;
  try {
    arbitraries = requestArbitraries(operation, {
      components: state.api.components,
      validator: state.validator,
    });
  } catch (error) {
    if (!(error instanceof UnsupportedSchemaError)) throw error;
    const failure = fuzzerFailure(operation, 'valid', 'unsupported', error.message, options.seed);
    return {
      ...base,
      withCredentials,
      skipped: null,
      cases: 0,
      statuses: {},
      kinds: {},
      notApplicable: [],
      failures: [failure],
    };
  }

  const runsPerMutation =
    options.runsPerMutation ?? Math.max(1, Math.ceil(options.runsPerOperation / 5));
  const plans: KindRun[] = [];
  const valid = arbitraries.valid.map((draft) => ({ draft }));
  if (!operation.requiresAuth || withCredentials) {
    plans.push({
      kind: 'valid',
      runs: options.runsPerOperation,
      credentials: withCredentials,
      arbitrary: valid,
    });
  }
  if (operation.requiresAuth) {
    plans.push({
      kind: 'no-credentials',
      runs: withCredentials ? runsPerMutation : options.runsPerOperation,
      credentials: false,
      arbitrary: valid,
    });
  }
  const notApplicable: MutationKind[] = [];
  for (const kind of MUTATION_KINDS) {
    const mutation = arbitraries.mutation(kind);
    if (mutation === null) {
      notApplicable.push(kind);
      continue;
    }
    plans.push({
      kind,
      runs: runsPerMutation,
      credentials: withCredentials,
      arbitrary: mutation.map((m: Mutation | null) =>
        m === null ? null : { draft: m.draft, mutation: m.description },
      ),
    });
  }

  const statuses = new Histogram();
  const kinds: Partial<Record<CaseKind, KindReport>> = {};
  const failures: FuzzFailure[] = [];
  for (const plan of plans) {
    const { report, failure } = await runKind(state, operation, arbitraries, plan, statuses);
    kinds[plan.kind] = report;
    if (failure) failures.push(failure);
  }
  return {
    ...base,
    withCredentials,
    skipped: null,
    cases: statuses.total,
    statuses: statuses.toRecord(),
    kinds,
    notApplicable,
    failures,
  };
}

/**
 * Fuzzes every operation of the app's OpenAPI document and reports what broke.
 * @example
 * const report = await fuzzApi(app, { seed: 42, runsPerOperation: 25 });
 * expect(report.failures, formatReport(report)).toEqual([]);
 */
export async function fuzzApi(app: InjectableApp, options: FuzzOptions): Promise<FuzzReport> {
  const documentResponse = await app.inject({
    method: 'GET',
    url: options.openApiUrl ?? '/openapi.json',
  });
  if (documentResponse.statusCode !== 200) {
    throw new Error(
      `GET ${options.openApiUrl ?? '/openapi.json'} answered ${documentResponse.statusCode}`,
    );
  }
  const api = parseOpenApi(documentResponse.json());
  const state: RunState = {
    app,
    api,
    options,
    validator: createSchemaValidator(api.components),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    suppressed: new Map((options.skip ?? []).map((rule) => [rule, 0])),
  };
  const operations: OperationReport[] = [];
  for (const operation of api.operations) {
    if (options.include && !options.include(operation)) continue;
    const started = performance.now();
    const report = await fuzzOperation(state, operation);
    operations.push({ ...report, milliseconds: Math.round(performance.now() - started) });
  }
  return {
    seed: options.seed,
    runsPerOperation: options.runsPerOperation,
    runsPerMutation:
      options.runsPerMutation ?? Math.max(1, Math.ceil(options.runsPerOperation / 5)),
    totalCases: operations.reduce((sum, o) => sum + o.cases, 0),
    operations,
    failures: operations.flatMap((o) => o.failures),
    suppressed: [...state.suppressed].map(([rule, count]) => ({ rule, count })),
  };
}
