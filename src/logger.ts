// pino options: JSON lines, secrets redacted wherever they could appear, once for the process.
import type { LoggerOptions } from 'pino';
import type { LogLevel } from './config.ts';

const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'access_token',
  'refresh_token',
  'secret',
  'key',
  'authorization',
  'cookie',
];

/** Redacted paths: the request headers and any secret-named field up to two levels down. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Never log the request object wholesale (its URL may carry a query string with a token).
    serializers: {},
    base: { service: 'gatehouse' },
  };
}

/** The access log's logger: fixed non-secret fields only, so no redaction to pay for. */
export function accessLoggerOptions(level: LogLevel): LoggerOptions {
  return { level, base: { service: 'gatehouse' } };
}
