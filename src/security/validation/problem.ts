// RFC 9457 problem documents: the one shape every error response takes.
import { Type } from 'typebox';
import { PROBLEMS, problemType, type FieldError, type ProblemCode } from '../errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function buildProblem(
  code: ProblemCode,
  detail: string,
  errors?: readonly FieldError[],
  extensions: Readonly<Record<string, unknown>> = {},
): Problem {
  const { status, title } = PROBLEMS[code];
  const problem: Problem = { ...extensions, type: problemType(code), title, status, detail };
  if (errors && errors.length > 0) problem.errors = [...errors];
  return problem;
}

/** The problem schema, published in OpenAPI as the body of every error response. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ maxLength: 200 }),
    title: Type.String({ maxLength: 200 }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String({ maxLength: 2000 }),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          { pointer: Type.String({ maxLength: 500 }), detail: Type.String({ maxLength: 500 }) },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    'violated-policies': Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 }),
    ),
  },
  { title: 'Problem', additionalProperties: false },
);
