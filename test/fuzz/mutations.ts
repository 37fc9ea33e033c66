// One mutation at a time: for a valid request draft, the candidate ways of making exactly one
// part of it invalid. Each candidate is checked with Ajv (the app's semantics) and dropped
// (null) when it is still valid, so a 2xx answer to a mutation is the server's fault.
import fc from 'fast-check';
import {
  isRecord,
  numberKeyword,
  propertiesOf,
  stringArrayKeyword,
  type JsonSchema,
  type SchemaComponents,
} from './json-schema.ts';
import type { FuzzOperation, FuzzParameter } from './openapi-operations.ts';
import { toWireScalar, type RequestDraft, type WireQuery } from './requests.ts';
import {
  boundedArray,
  boundedString,
  bodySlots,
  deleteAt,
  isNumeric,
  itemsOf,
  outOfRange,
  pointer,
  reachableSchemas,
  resolved,
  setAt,
  stringOfLength,
  type Slot,
} from './schema-locations.ts';
import type { SchemaValidator } from './schema-validator.ts';

export const MUTATION_KINDS = [
  'missing-required',
  'unknown-body-field',
  'unknown-query-param',
  'wrong-type',
  'string-too-long',
  'number-out-of-range',
  'too-many-items',
  'wrong-content-type',
  'no-content-type',
  'malformed-json',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Mutations that need a body to mutate. */
export const BODY_ONLY_KINDS: ReadonlySet<MutationKind> = new Set([
  'unknown-body-field',
  'wrong-content-type',
  'no-content-type',
  'malformed-json',
]);

export interface Mutation {
  readonly kind: MutationKind;
  /** What was changed, e.g. `body /tags: 4 items, maxItems 3`. */
  readonly description: string;
  readonly draft: RequestDraft;
}

export interface MutationContext {
  readonly operation: FuzzOperation;
  readonly components: SchemaComponents;
  readonly validator: SchemaValidator;
  /** Valid values of a schema (arbitraryFromSchema bound to the document). */
  readonly generate: (schema: JsonSchema) => fc.Arbitrary<unknown>;
  readonly bodySchema: JsonSchema | undefined;
  readonly querySchema: JsonSchema;
  readonly pathSchema: JsonSchema;
}

export interface MutationBuilders {
  /** False when the operation offers nothing for `kind` to change (e.g. no body). */
  applicable(kind: MutationKind): boolean;
  /** Arbitraries of one mutation each, at every place of `draft` that `kind` can change. */
  candidates(kind: MutationKind, draft: RequestDraft): Array<fc.Arbitrary<Mutation | null>>;
}

const UNKNOWN_FIELD_NAMES = ['role', 'isAdmin', 'ownerId', 'id', 'admin', '__fuzz', 'extra'];
const UNKNOWN_QUERY_NAMES = ['role', 'admin', 'debug', 'access_token', '__fuzz', 'limit', 'q'];
const WRONG_JSON_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  12,
  1.5,
  '',
  'x',
  '12',
  'true',
  [],
  ['x'],
  {},
  { a: 1 },
];
const WRONG_WIRE_VALUES = [
  'abc',
  'not-a-uuid',
  '1.5',
  '-1',
  '0',
  'true',
  'null',
  '[]',
  '0x10',
  '１',
];
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/json',
  'application/vnd.fuzz+json',
  'application/jsonx',
];

export function mutationBuilders(context: MutationContext): MutationBuilders {
  const { operation, components, validator, generate, bodySchema, querySchema, pathSchema } =
    context;
  const bodyInvalid = (body: unknown) =>
    bodySchema !== undefined && !validator.isValid(bodySchema, body);
  const queryInvalid = (query: WireQuery) => !validator.isValid(querySchema, query, 'strings');
  const pathInvalid = (params: Readonly<Record<string, string>>) =>
    !validator.isValid(pathSchema, params, 'strings');

  type Candidate = fc.Arbitrary<Mutation | null>;
  const bodyOf = (draft: RequestDraft): unknown =>
    draft.body !== undefined && 'json' in draft.body ? draft.body.json : undefined;

  function withBody(kind: MutationKind, draft: RequestDraft, body: unknown, description: string) {
    if (!bodyInvalid(body)) return null;
    return { kind, description, draft: { ...draft, body: { json: body } } };
  }
  function withQuery(
    kind: MutationKind,
    draft: RequestDraft,
    query: WireQuery,
    description: string,
  ) {
    if (!queryInvalid(query)) return null;
    return { kind, description, draft: { ...draft, query } };
  }
  function withPath(
    kind: MutationKind,
    draft: RequestDraft,
    pathParams: Record<string, string>,
    description: string,
  ) {
    if (Object.values(pathParams).some((v) => v === '') || !pathInvalid(pathParams)) return null;
    return { kind, description, draft: { ...draft, pathParams } };
  }
  const slotsOf = (draft: RequestDraft): Slot[] =>
    bodySchema === undefined ? [] : bodySlots(bodyOf(draft), bodySchema, components);

  /** Query and path parameters, each with a setter that applies a wire value. */
  function parameterTargets(draft: RequestDraft) {
    const targets: Array<{
      parameter: FuzzParameter;
      apply(kind: MutationKind, value: string | readonly string[], what: string): Mutation | null;
    }> = [];
    for (const parameter of operation.queryParameters) {
      targets.push({
        parameter,
        apply: (kind, value, what) =>
          withQuery(
            kind,
            draft,
            { ...draft.query, [parameter.name]: value },
            `query ${parameter.name}: ${what}`,
          ),
      });
    }
    for (const parameter of operation.pathParameters) {
      targets.push({
        parameter,
        apply: (kind, value, what) =>
          typeof value === 'string'
            ? withPath(
                kind,
                draft,
                { ...draft.pathParams, [parameter.name]: value },
                `path ${parameter.name}: ${what}`,
              )
            : null,
      });
    }
    return targets;
  }

  const candidatesByKind: Record<MutationKind, (draft: RequestDraft) => Candidate[]> = {
    'missing-required': (draft) => {
      const candidates: Candidate[] = [];
      for (const slot of slotsOf(draft)) {
        if (!slot.present || !isRecord(slot.value) || typeof slot.schema === 'boolean') continue;
        for (const name of stringArrayKeyword(slot.schema, 'required')) {
          if (!Object.hasOwn(slot.value, name)) continue;
          const path = [...slot.path, name];
          candidates.push(
            fc.constant(
              withBody(
                'missing-required',
                draft,
                deleteAt(bodyOf(draft), path),
                `body ${pointer(path)} removed`,
              ),
            ),
          );
        }
        // Fewer properties than minProperties (e.g. a PATCH with none): an empty object.
        const minProperties = numberKeyword(slot.schema, 'minProperties');
        if (minProperties !== undefined && minProperties > 0) {
          candidates.push(
            fc.constant(
              withBody(
                'missing-required',
                draft,
                setAt(bodyOf(draft), slot.path, {}),
                `body ${pointer(slot.path)} emptied (minProperties ${minProperties})`,
              ),
            ),
          );
        }
      }
      for (const parameter of operation.queryParameters.filter((p) => p.required)) {
        const query = Object.fromEntries(
          Object.entries(draft.query).filter(([k]) => k !== parameter.name),
        );
        candidates.push(
          fc.constant(
            withQuery('missing-required', draft, query, `query ${parameter.name} removed`),
          ),
        );
      }
      return candidates;
    },

    'unknown-body-field': (draft) =>
      slotsOf(draft)
        .filter(
          (slot) =>
            slot.present &&
            isRecord(slot.value) &&
            typeof slot.schema === 'object' &&
            slot.schema.additionalProperties === false,
        )
        .map((slot) => {
          const declared = new Set(
            propertiesOf(slot.schema as Readonly<Record<string, unknown>>).map(([n]) => n),
          );
          const names = UNKNOWN_FIELD_NAMES.filter((n) => !declared.has(n));
          return fc
            .tuple(fc.constantFrom(...names), fc.constantFrom<unknown>('admin', true, 1, null, 'x'))
            .map(([name, value]) => {
              const path = [...slot.path, name];
              return withBody(
                'unknown-body-field',
                draft,
                setAt(bodyOf(draft), path, value),
                `body ${pointer(path)} added`,
              );
            });
        }),

    'unknown-query-param': (draft) => {
      const declared = new Set(operation.queryParameters.map((p) => p.name));
      const names = UNKNOWN_QUERY_NAMES.filter((n) => !declared.has(n));
      return [
        fc
          .tuple(fc.constantFrom(...names), fc.constantFrom('1', 'true', 'admin', ''))
          .map(([name, value]) =>
            withQuery(
              'unknown-query-param',
              draft,
              { ...draft.query, [name]: value },
              `query ${name}=${value} added`,
            ),
          ),
      ];
    },

    'wrong-type': (draft) => {
      const candidates: Candidate[] = [];
      for (const slot of slotsOf(draft)) {
        const wrong = WRONG_JSON_VALUES.filter((v) => !validator.isValid(slot.schema, v));
        if (wrong.length === 0) continue;
        candidates.push(
          fc
            .constantFrom(...wrong)
            .map((value) =>
              withBody(
                'wrong-type',
                draft,
                setAt(bodyOf(draft), slot.path, value),
                `body ${pointer(slot.path)} = ${JSON.stringify(value)}`,
              ),
            ),
        );
      }
      for (const target of parameterTargets(draft)) {
        candidates.push(
          fc
            .constantFrom(...WRONG_WIRE_VALUES)
            .map((value) => target.apply('wrong-type', value, JSON.stringify(value))),
        );
        // A scalar query parameter given twice arrives as an array.
        const current = draft.query[target.parameter.name];
        const twice = typeof current === 'string' ? [current, current] : ['1', '2'];
        candidates.push(
          fc.constant(target.apply('wrong-type', twice, `repeated (${twice.join(', ')})`)),
        );
      }
      return candidates;
    },

    'string-too-long': (draft) => {
      const candidates: Candidate[] = [];
      for (const slot of slotsOf(draft)) {
        const max = boundedString(slot.schema);
        if (max === undefined) continue;
        candidates.push(
          fc
            .boolean()
            .map((astral) =>
              withBody(
                'string-too-long',
                draft,
                setAt(bodyOf(draft), slot.path, stringOfLength(max + 1, slot.value, astral)),
                `body ${pointer(slot.path)}: ${max + 1} code points${astral ? ' (astral)' : ''}, maxLength ${max}`,
              ),
            ),
        );
      }
      for (const target of parameterTargets(draft)) {
        const max = boundedString(resolved(target.parameter.schema, components));
        if (max === undefined) continue;
        const current =
          draft.query[target.parameter.name] ?? draft.pathParams[target.parameter.name];
        candidates.push(
          fc
            .boolean()
            .map((astral) =>
              target.apply(
                'string-too-long',
                stringOfLength(max + 1, current, astral),
                `${max + 1} code points${astral ? ' (astral)' : ''}, maxLength ${max}`,
              ),
            ),
        );
      }
      return candidates;
    },

    'number-out-of-range': (draft) => {
      const candidates: Candidate[] = [];
      for (const slot of slotsOf(draft)) {
        const values = isNumeric(slot.schema) ? outOfRange(slot.schema) : [];
        if (values.length === 0) continue;
        candidates.push(
          fc
            .constantFrom(...values)
            .map((value) =>
              withBody(
                'number-out-of-range',
                draft,
                setAt(bodyOf(draft), slot.path, value),
                `body ${pointer(slot.path)} = ${value}`,
              ),
            ),
        );
      }
      for (const target of parameterTargets(draft)) {
        const schema = resolved(target.parameter.schema, components);
        const values = isNumeric(schema) ? outOfRange(schema) : [];
        if (values.length === 0) continue;
        candidates.push(
          fc
            .constantFrom(...values)
            .map((value) => target.apply('number-out-of-range', String(value), String(value))),
        );
      }
      return candidates;
    },

    'too-many-items': (draft) => {
      const candidates: Candidate[] = [];
      for (const slot of slotsOf(draft)) {
        const max = boundedArray(slot.schema);
        if (max === undefined) continue;
        candidates.push(
          fc
            .array(generate(itemsOf(slot.schema)), { minLength: max + 1, maxLength: max + 1 })
            .map((items) =>
              withBody(
                'too-many-items',
                draft,
                setAt(bodyOf(draft), slot.path, items),
                `body ${pointer(slot.path)}: ${max + 1} items, maxItems ${max}`,
              ),
            ),
        );
      }
      for (const target of parameterTargets(draft)) {
        const schema = resolved(target.parameter.schema, components);
        const max = boundedArray(schema);
        if (max === undefined) continue;
        candidates.push(
          fc
            .array(generate(itemsOf(schema)).map(toWireScalar), {
              minLength: max + 1,
              maxLength: max + 1,
            })
            .map((items) =>
              target.apply('too-many-items', items, `${max + 1} items, maxItems ${max}`),
            ),
        );
      }
      return candidates;
    },

    'wrong-content-type': (draft) => [
      fc.constantFrom(...WRONG_CONTENT_TYPES).map((contentType) => ({
        kind: 'wrong-content-type' as const,
        description: `Content-Type: ${contentType}`,
        draft: { ...draft, contentType },
      })),
    ],

    'no-content-type': (draft) => [
      fc.constant({
        kind: 'no-content-type' as const,
        description: 'a JSON body without Content-Type',
        draft: { ...draft, contentType: null },
      }),
    ],

    'malformed-json': (draft) => {
      const text = JSON.stringify(bodyOf(draft));
      return [
        fc
          .tuple(
            fc.constantFrom('truncate', 'append', 'prepend', 'single-quotes', 'trailing-comma'),
            fc.nat({ max: Math.max(0, text.length - 1) }),
          )
          .map(([how, at]) => {
            const raw =
              how === 'truncate'
                ? text.slice(0, Math.max(1, at))
                : how === 'append'
                  ? `${text}}`
                  : how === 'prepend'
                    ? `x${text}`
                    : how === 'single-quotes'
                      ? text.replace(/"/g, "'")
                      : text.replace(/([}\]])$/, ',$1');
            try {
              JSON.parse(raw);
              return null; // still JSON: not this kind
            } catch {
              return {
                kind: 'malformed-json' as const,
                description: `malformed JSON (${how})`,
                draft: { ...draft, body: { raw } },
              };
            }
          }),
      ];
    },
  };

  function applicable(kind: MutationKind): boolean {
    if (BODY_ONLY_KINDS.has(kind) && bodySchema === undefined) return false;
    const bodyNodes = bodySchema === undefined ? [] : reachableSchemas(bodySchema, components);
    const parameterNodes = [...operation.queryParameters, ...operation.pathParameters].map((p) =>
      resolved(p.schema, components),
    );
    const nodes = [...bodyNodes, ...parameterNodes];
    switch (kind) {
      case 'missing-required':
        return (
          bodyNodes.some(
            (n) =>
              typeof n === 'object' &&
              (stringArrayKeyword(n, 'required').length > 0 ||
                (numberKeyword(n, 'minProperties') ?? 0) > 0),
          ) || operation.queryParameters.some((p) => p.required)
        );
      case 'unknown-body-field':
        return bodyNodes.some((n) => typeof n === 'object' && n.additionalProperties === false);
      case 'wrong-type':
        return nodes.length > 0;
      case 'string-too-long':
        return nodes.some((n) => boundedString(n) !== undefined);
      case 'number-out-of-range':
        return nodes.some((n) => isNumeric(n) && outOfRange(n).length > 0);
      case 'too-many-items':
        return nodes.some((n) => boundedArray(n) !== undefined);
      default:
        return true;
    }
  }

  return {
    applicable,
    candidates: (kind, draft) => candidatesByKind[kind](draft),
  };
}
