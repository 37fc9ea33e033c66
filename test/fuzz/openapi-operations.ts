// Reads an OpenAPI 3.1 document (as served at /openapi.json) into the operations the fuzzer
// drives: parameters by location, the JSON body, responses per status, and whether auth applies.
import { isRecord, isSchema, type JsonSchema, type SchemaComponents } from './json-schema.ts';

export interface FuzzParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export interface FuzzRequestBody {
  readonly required: boolean;
  /** The media type the fuzzer sends: `application/json` when declared. */
  readonly mediaType: string;
  readonly schema: JsonSchema;
}

export interface FuzzResponse {
  /** Media type -> schema (undefined when the media type has no schema). Empty: no body. */
  readonly content: ReadonlyMap<string, JsonSchema | undefined>;
}

export interface FuzzOperation {
  /** `METHOD /path/{param}`, as reports and skip rules name it. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly pathParameters: readonly FuzzParameter[];
  readonly queryParameters: readonly FuzzParameter[];
  readonly headerParameters: readonly FuzzParameter[];
  readonly body: FuzzRequestBody | null;
  /** By status key as written in the document: `200`, `4XX`, `default`. */
  readonly responses: ReadonlyMap<string, FuzzResponse>;
  /** True when the effective `security` is non-empty and has no anonymous (`{}`) alternative. */
  readonly requiresAuth: boolean;
}

export interface ApiDescription {
  readonly operations: readonly FuzzOperation[];
  /** `components.schemas`, for `$ref` resolution. */
  readonly components: SchemaComponents;
  /** The component titled `Problem`, which every error body must match; null when absent. */
  readonly problemSchema: JsonSchema | null;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export class OpenApiError extends Error {
  override readonly name = 'OpenApiError';
}

function record(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (!isRecord(value)) throw new OpenApiError(`${where} is not an object`);
  return value;
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function parseParameter(raw: unknown, where: string): FuzzParameter {
  const parameter = record(raw, where);
  if (typeof parameter.$ref === 'string') {
    throw new OpenApiError(`${where}: parameter $ref is not supported`);
  }
  const name = parameter.name;
  const location = parameter.in;
  if (typeof name !== 'string') throw new OpenApiError(`${where}: parameter without a name`);
  if (location !== 'path' && location !== 'query' && location !== 'header') {
    throw new OpenApiError(`${where}: parameter "${name}" in ${String(location)} is not supported`);
  }
  const schema = parameter.schema ?? true;
  if (!isSchema(schema)) throw new OpenApiError(`${where}: parameter "${name}" has no schema`);
  return { name, in: location, required: parameter.required === true, schema };
}

function parseBody(raw: unknown, where: string): FuzzRequestBody | null {
  if (raw === undefined) return null;
  const body = record(raw, where);
  const content = record(body.content ?? {}, `${where}.content`);
  const mediaTypes = Object.keys(content);
  const mediaType =
    mediaTypes.find((m) => m === 'application/json') ??
    mediaTypes.find((m) => /^application\/[^;]*\+json$/.test(m)) ??
    mediaTypes[0];
  if (mediaType === undefined) return null;
  const media = record(content[mediaType], `${where}.content.${mediaType}`);
  const schema = media.schema ?? true;
  if (!isSchema(schema)) throw new OpenApiError(`${where}: body schema is not a schema`);
  return { required: body.required === true, mediaType, schema };
}

function parseResponses(raw: unknown, where: string): Map<string, FuzzResponse> {
  const responses = new Map<string, FuzzResponse>();
  for (const [status, value] of Object.entries(record(raw ?? {}, where))) {
    const response = record(value, `${where}.${status}`);
    const content = new Map<string, JsonSchema | undefined>();
    for (const [mediaType, media] of Object.entries(record(response.content ?? {}, status))) {
      const schema = isRecord(media) ? media.schema : undefined;
      content.set(mediaType, isSchema(schema) ? schema : undefined);
    }
    responses.set(status, { content });
  }
  return responses;
}

function requiresAuth(security: unknown): boolean {
  if (!Array.isArray(security) || security.length === 0) return false;
  // `{}` among the alternatives means "or no credentials at all".
  return !security.some(
    (requirement) => isRecord(requirement) && Object.keys(requirement).length === 0,
  );
}

/** Parses the document; throws OpenApiError on a shape the fuzzer cannot drive. */
export function parseOpenApi(document: unknown): ApiDescription {
  const doc = record(document, 'the OpenAPI document');
  const components = isRecord(doc.components) ? doc.components : {};
  const schemas = isRecord(components.schemas) ? components.schemas : {};
  const operations: FuzzOperation[] = [];

  for (const [path, rawItem] of Object.entries(record(doc.paths ?? {}, 'paths'))) {
    const item = record(rawItem, `paths.${path}`);
    const shared = listOf(item.parameters);
    for (const method of METHODS) {
      if (item[method] === undefined) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const operation = record(item[method], where);
      const byKey = new Map<string, FuzzParameter>();
      const own = listOf(operation.parameters);
      // Operation parameters override path-item ones with the same name and location.
      for (const raw of [...shared, ...own]) {
        const parameter = parseParameter(raw, where);
        byKey.set(`${parameter.in}:${parameter.name}`, parameter);
      }
      const parameters = [...byKey.values()];
      operations.push({
        key: where,
        method: method.toUpperCase(),
        path,
        operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
        pathParameters: parameters.filter((p) => p.in === 'path'),
        queryParameters: parameters.filter((p) => p.in === 'query'),
        headerParameters: parameters.filter((p) => p.in === 'header'),
        body: parseBody(operation.requestBody, `${where} requestBody`),
        responses: parseResponses(operation.responses, `${where} responses`),
        requiresAuth: requiresAuth(operation.security ?? doc.security),
      });
    }
  }
  operations.sort((a, b) =>
    a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1,
  );
  const problem = Object.values(schemas).find((s) => isRecord(s) && s.title === 'Problem');
  return {
    operations,
    components: schemas,
    problemSchema: isSchema(problem) ? problem : null,
  };
}

/** The declared response for a status: exact code, then `4XX`-style range, then `default`. */
export function declaredResponse(
  operation: FuzzOperation,
  status: number,
): { readonly key: string; readonly response: FuzzResponse } | null {
  for (const key of [String(status), `${String(status).charAt(0)}XX`, 'default']) {
    const response = operation.responses.get(key);
    if (response) return { key, response };
  }
  return null;
}
