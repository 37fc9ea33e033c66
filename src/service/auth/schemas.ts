// Request and response schemas of the authentication routes (API.md section 3, Auth).
import { Type } from 'typebox';
import { displayText } from '../schemas/text.ts';

export const EmailSchema = Type.String({ format: 'email', maxLength: 254 });
/**
 * A new password: PASSWORD_MIN_LENGTH..1024 code points, so the published schema states the rule;
 * the policy adds what a schema cannot (common passwords, equal to the email).
 */
export function newPasswordSchema(minLength: number) {
  return Type.String({ minLength, maxLength: 1024 });
}
/** Display names: 1..100 characters of display text (no controls, bidi overrides, separators). */
export const DisplayNameSchema = displayText(1, 100, 'The name shown for the user');

export function registerBody(passwordMinLength: number) {
  return Type.Object(
    {
      email: EmailSchema,
      password: newPasswordSchema(passwordMinLength),
      displayName: DisplayNameSchema,
    },
    { additionalProperties: false },
  );
}

export const LoginBody = Type.Object(
  { email: EmailSchema, password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** OAuth 2.0 token response (RFC 6749 section 5.1), hence snake_case. */
export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ maxLength: 8192 }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ minimum: 1, maximum: 86_400 }),
    refresh_token: Type.String({ maxLength: 64 }),
    refresh_expires_in: Type.Integer({ minimum: 1, maximum: 31_536_000 }),
  },
  { additionalProperties: false },
);

export const PublicJwk = Type.Object(
  {
    kty: Type.String({ maxLength: 16 }),
    crv: Type.String({ maxLength: 16 }),
    x: Type.String({ maxLength: 128 }),
    kid: Type.String({ maxLength: 64 }),
    alg: Type.String({ maxLength: 16 }),
    use: Type.Literal('sig'),
  },
  { additionalProperties: false },
);

export const JwksResponse = Type.Object(
  { keys: Type.Array(PublicJwk, { maxItems: 16 }) },
  { additionalProperties: false },
);
