// Requests as the fuzzer builds them (a draft: wire-level parts) and as they are sent and reported
// (method, URL, headers, payload), with secrets redacted from anything that is reported.
import type { FuzzOperation } from './openapi-operations.ts';

/** A query as it travels: one string, or a repeated key. */
export type WireQuery = Readonly<Record<string, string | readonly string[]>>;

export type DraftBody =
  /** A JSON value, serialized with JSON.stringify. */
  | { readonly json: unknown }
  /** Text sent as it is (malformed JSON). */
  | { readonly raw: string };

export interface RequestDraft {
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: WireQuery;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: DraftBody;
  /** Content-Type to send with a body: absent means the operation's media type; null means none. */
  readonly contentType?: string | null;
}

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string | undefined;
}

/** A scalar as it appears in a URL or a header. */
export function toWireScalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A query value as it appears in a URL: arrays become a repeated key. */
export function toWire(value: unknown): string | string[] {
  return Array.isArray(value) ? value.map(toWireScalar) : toWireScalar(value);
}

function queryString(query: WireQuery): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const one of typeof value === 'string' ? [value] : value) {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(one)}`);
    }
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

export function payloadOf(body: DraftBody): string {
  return 'raw' in body ? body.raw : JSON.stringify(body.json);
}

/** The request to send for a draft of an operation, with extra (credential) headers. */
export function buildRequest(
  operation: FuzzOperation,
  draft: RequestDraft,
  extraHeaders: Readonly<Record<string, string>> = {},
): FuzzRequest {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    encodeURIComponent(draft.pathParams[name] ?? ''),
  );
  const headers: Record<string, string> = { ...draft.headers, ...extraHeaders };
  let payload: string | undefined;
  if (draft.body !== undefined) {
    payload = payloadOf(draft.body);
    const contentType =
      draft.contentType === undefined ? operation.body?.mediaType : draft.contentType;
    if (contentType !== null && contentType !== undefined) headers['content-type'] = contentType;
  }
  return { method: operation.method, url: `${path}${queryString(draft.query)}`, headers, payload };
}

/** Header names whose values never appear in a report. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
]);

export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  secretNames: ReadonlySet<string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const lower = name.toLowerCase();
      if (!SECRET_HEADERS.has(lower) && !secretNames.has(lower)) return [name, value];
      // Keep the scheme, so a report still shows "Bearer" was sent.
      const scheme = /^(\S+)\s/.exec(value)?.[1];
      return [name, scheme === undefined ? '<redacted>' : `${scheme} <redacted>`];
    }),
  );
}
