// The fuzz report: per operation the cases run, their statuses and the failures (each with the
// request that caused it, secrets redacted), and its rendering as text.
import type { CaseKind, CheckName, Violation } from './response-checks.ts';
import type { MutationKind } from './mutations.ts';

/** Leaves an operation out (no `check`), or ignores one check on it, always with a reason. */
export interface SkipRule {
  /** `METHOD /path/{param}` as in the report. */
  readonly operation: string;
  readonly check?: CheckName;
  readonly reason: string;
}

export interface ReportedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ReportedResponse {
  readonly status: number;
  /** X-Request-Id, to find the server's log lines for this request. */
  readonly requestId: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

export interface FuzzFailure {
  readonly operation: string;
  readonly kind: CaseKind;
  /** The mutation applied, for invalid requests. */
  readonly mutation?: string;
  readonly violations: readonly Violation[];
  readonly request: ReportedRequest;
  /** null when the request was never sent (the fuzzer could not build a valid one). */
  readonly response: ReportedResponse | null;
  /** fast-check's seed for this operation and kind, and how far it shrank the case. */
  readonly fcSeed: number;
  readonly shrinks: number;
}

export interface KindReport {
  readonly cases: number;
  readonly statuses: Readonly<Record<string, number>>;
}

export interface OperationReport {
  readonly operation: string;
  readonly requiresAuth: boolean;
  readonly withCredentials: boolean;
  /** The reason when a skip rule left the whole operation out. */
  readonly skipped: string | null;
  readonly cases: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly kinds: Readonly<Partial<Record<CaseKind, KindReport>>>;
  /** Mutation kinds the operation gives nothing to apply to (e.g. body kinds without a body). */
  readonly notApplicable: readonly MutationKind[];
  readonly failures: readonly FuzzFailure[];
  /** Wall-clock time spent on the operation: information only, it varies from run to run. */
  readonly milliseconds: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly runsPerOperation: number;
  readonly runsPerMutation: number;
  readonly totalCases: number;
  readonly operations: readonly OperationReport[];
  readonly failures: readonly FuzzFailure[];
  /** How many violations each check-level skip rule suppressed; rules never used show 0. */
  readonly suppressed: ReadonlyArray<{ readonly rule: SkipRule; readonly count: number }>;
}

function histogramText(statuses: Readonly<Record<string, number>>): string {
  const entries = Object.entries(statuses);
  return entries.length === 0 ? 'none' : entries.map(([s, n]) => `${s}x${n}`).join(' ');
}

/** One failure as readable text: what was sent, what came back, and why that is wrong. */
export function formatFailure(failure: FuzzFailure, index: number): string {
  const lines = [
    `${index + 1}. ${failure.operation} [${failure.kind}]${failure.mutation === undefined ? '' : ` ${failure.mutation}`}`,
    ...failure.violations.map((v) => `   - ${v.check}: ${v.detail}`),
    `   request:  ${failure.request.method} ${failure.request.url}`,
    `             headers ${JSON.stringify(failure.request.headers)}`,
  ];
  if (failure.request.body !== undefined) lines.push(`             body ${failure.request.body}`);
  if (failure.response !== null) {
    lines.push(
      `   response: ${failure.response.status} ${failure.response.contentType ?? '(no content type)'}, request id ${failure.response.requestId ?? 'none'}`,
      `             ${failure.response.body}`,
    );
  }
  lines.push(`   fast-check seed ${failure.fcSeed}, shrunk ${failure.shrinks} time(s)`);
  return lines.join('\n');
}

/** The whole report as text: per-operation status histograms, then every failure. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `API fuzz: seed ${report.seed}, ${report.runsPerOperation} valid + ${report.runsPerMutation} per mutation kind per operation; ` +
      `${report.operations.length} operations, ${report.totalCases} cases, ${report.failures.length} failure(s)`,
  ];
  for (const operation of report.operations) {
    const auth = operation.requiresAuth
      ? operation.withCredentials
        ? ' (auth, with credentials)'
        : ' (auth, no credentials)'
      : '';
    if (operation.skipped !== null) {
      lines.push(`  ${operation.operation}${auth}: skipped (${operation.skipped})`);
      continue;
    }
    lines.push(
      `  ${operation.operation}${auth}: ${operation.cases} cases in ${operation.milliseconds} ms [${histogramText(operation.statuses)}]`,
    );
    for (const [kind, kindReport] of Object.entries(operation.kinds)) {
      lines.push(
        `      ${kind.padEnd(20)} ${String(kindReport.cases).padStart(5)}  ${histogramText(kindReport.statuses)}`,
      );
    }
    if (operation.notApplicable.length > 0) {
      lines.push(`      not applicable: ${operation.notApplicable.join(', ')}`);
    }
  }
  for (const { rule, count } of report.suppressed) {
    lines.push(
      `  skip rule ${rule.operation}${rule.check === undefined ? '' : ` ${rule.check}`} (${rule.reason}): matched ${count} time(s)`,
    );
  }
  if (report.failures.length > 0) {
    lines.push('', 'FAILURES', ...report.failures.map(formatFailure));
  }
  return lines.join('\n');
}
