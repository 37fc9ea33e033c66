// Arbitraries of requests for one operation: valid ones from its schemas (path, query, required
// headers, JSON body), and invalid ones that apply exactly one mutation (mutations.ts) to a valid one.
import fc from 'fast-check';
import { arbitraryFromSchema } from './arbitrary-from-schema.ts';
import { isRecord, type JsonSchema, type SchemaComponents } from './json-schema.ts';
import { mutationBuilders, type Mutation, type MutationKind } from './mutations.ts';
import type { FuzzOperation } from './openapi-operations.ts';
import { toWire, toWireScalar, type RequestDraft } from './requests.ts';
import { parametersSchema, type SchemaValidator } from './schema-validator.ts';

export interface RequestArbitraries {
  readonly valid: fc.Arbitrary<RequestDraft>;
  /** null when the operation offers nothing for that kind to mutate. */
  mutation(kind: MutationKind): fc.Arbitrary<Mutation | null> | null;
  /** Why a draft that should be valid is not (a converter bug), or null when it is valid. */
  invalidity(draft: RequestDraft): string | null;
}

export interface ArbitraryContext {
  readonly components: SchemaComponents;
  readonly validator: SchemaValidator;
}

/** Builds the valid and mutated request arbitraries of one operation. */
export function requestArbitraries(
  operation: FuzzOperation,
  context: ArbitraryContext,
): RequestArbitraries {
  const { components, validator } = context;
  const generate = (schema: JsonSchema) => arbitraryFromSchema(schema, { components, validator });
  const pathSchema = parametersSchema(operation.pathParameters);
  const querySchema = parametersSchema(operation.queryParameters);
  const bodySchema = operation.body?.schema;

  // Valid parts. Path values cannot be empty (the route would not match); query values cannot be
  // null or objects (a URL has no way to say them).
  const pathArbitrary = fc.record(
    Object.fromEntries(
      operation.pathParameters.map((p) => [
        p.name,
        generate(p.schema)
          .map(toWireScalar)
          .filter((v) => v !== ''),
      ]),
    ),
    { noNullPrototype: true },
  );
  // Optional query parameters are left out half the time (fc.record would keep 5 in 6), so list
  // operations also get requests without a cursor, which a random one would make a refusal.
  const queryArbitrary = fc
    .tuple(
      ...operation.queryParameters.map((p) => {
        const value = generate(p.schema)
          .filter((v) => v !== null && !isRecord(v))
          .map(toWire);
        return p.required ? value : fc.option(value, { freq: 2, nil: undefined });
      }),
    )
    .map((values) =>
      Object.fromEntries(
        operation.queryParameters.flatMap((p, i) => {
          const value = values[i];
          return value === undefined ? [] : [[p.name, value] as const];
        }),
      ),
    );
  const headerArbitrary = fc.record(
    Object.fromEntries(
      operation.headerParameters
        .filter((p) => p.required)
        .map((p) => [
          p.name,
          generate(p.schema)
            .map(toWireScalar)
            .filter((v) => /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(v)),
        ]),
    ),
    { noNullPrototype: true },
  );
  const bodyArbitrary = bodySchema === undefined ? fc.constant(undefined) : generate(bodySchema);

  // The JSON media type may carry parameters, in any casing (API.md section 1).
  const mediaType = operation.body?.mediaType ?? 'application/json';
  const contentTypeArbitrary = fc.constantFrom(
    mediaType,
    `${mediaType}; charset=utf-8`,
    `${mediaType.toUpperCase()}; CHARSET=UTF-8`,
    `${mediaType};charset=UTF-8`,
  );
  // Sometimes the client sends its own request id: valid ones must be echoed, others replaced.
  const requestIdArbitrary = fc.option(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
      fc.constantFrom('x'.repeat(129), 'has space', 'semi;colon', 'slash/id', 'per%cent', ''),
    ),
    { nil: undefined },
  );

  const valid: fc.Arbitrary<RequestDraft> = fc
    .tuple(
      pathArbitrary,
      queryArbitrary,
      headerArbitrary,
      bodyArbitrary,
      contentTypeArbitrary,
      requestIdArbitrary,
    )
    .map(([pathParams, query, headers, body, contentType, requestId]) => ({
      pathParams,
      query,
      headers: requestId === undefined ? headers : { ...headers, 'x-request-id': requestId },
      ...(bodySchema === undefined ? {} : { body: { json: body }, contentType }),
    }));

  function invalidity(draft: RequestDraft): string | null {
    const body = draft.body !== undefined && 'json' in draft.body ? draft.body.json : undefined;
    if (bodySchema !== undefined && !validator.isValid(bodySchema, body)) {
      return `body: ${validator.firstError(bodySchema, body) ?? ''}`;
    }
    if (!validator.isValid(querySchema, draft.query, 'strings')) {
      return `query: ${validator.firstError(querySchema, draft.query, 'strings') ?? ''}`;
    }
    if (!validator.isValid(pathSchema, draft.pathParams, 'strings')) {
      return `path: ${validator.firstError(pathSchema, draft.pathParams, 'strings') ?? ''}`;
    }
    return null;
  }

  const mutations = mutationBuilders({
    operation,
    components,
    validator,
    generate,
    bodySchema,
    querySchema,
    pathSchema,
  });

  return {
    valid,
    invalidity,
    mutation(kind) {
      if (!mutations.applicable(kind)) return null;
      // A fresh valid draft, then one place in it picked among those the kind can change.
      return valid.chain((draft) => {
        const candidates = mutations.candidates(kind, draft);
        if (candidates.length === 0) return fc.constant(null);
        return fc
          .nat({ max: candidates.length - 1 })
          .chain((i) => candidates[i] ?? fc.constant(null));
      });
    },
  };
}
