// Security headers for a JSON API, chosen by helmet and computed once at start: they never vary
// per request, and running helmet's middleware on every request halved throughput (measured).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * helmet, configured for a JSON API as the OWASP REST Security Cheat Sheet lists it: the strictest
 * CSP (nothing loads, never framed), X-Frame-Options DENY, nosniff, HSTS, no referrer, and
 * Cross-Origin-Resource-Policy same-origin. The headers that only matter for HTML documents in old
 * browsers (X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies,
 * X-XSS-Protection, Origin-Agent-Cluster, Cross-Origin-Opener-Policy) are left out: every header
 * is validated and written on every response, and these protect nothing a JSON body could expose.
 */
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
    crossOriginOpenerPolicy: false,
    frameguard: { action: 'deny' },
    dnsPrefetchControl: false,
    ieNoOpen: false,
    originAgentCluster: false,
    permittedCrossDomainPolicies: false,
    xssFilter: false,
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
