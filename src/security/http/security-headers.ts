// Security headers for a JSON API, chosen by helmet and computed once at start: they never vary
// per request, and running helmet's middleware on every request halved throughput (measured).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** helmet's choices with the strictest CSP: a JSON API loads nothing and is never framed. */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      // Safe: only names that helmet itself removes, such as x-powered-by.
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  })({} as unknown as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  // Responses carry tokens and personal data: nothing is cached unless a route says otherwise.
  headers['cache-control'] = 'no-store';
  return headers;
}

/** One hook for every static header and the request id, set before anything can fail. */
export function installResponseHeaders(app: FastifyInstance): void {
  const headers = securityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
}
