// 404 for an unknown path, 405 with `Allow` for a known path and an unsupported method.
// Fastify answers both with 404, so a shadow router of the registered routes tells them apart.
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './error-handler.ts';

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** `preValidation` hooks run for unknown paths too (e.g. rate limiting by IP). */
export function installNotFoundHandler(
  app: FastifyInstance,
  preValidation: readonly Hook[] = [],
): void {
  const shadow = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (METHODS.includes(method as HTTPMethod))
        shadow.on(method as HTTPMethod, route.url, () => undefined);
    }
  });

  app.setNotFoundHandler({ preValidation: [...preValidation] }, (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = METHODS.filter((method) => shadow.find(method, path) !== null);
    if (allowed.length > 0) {
      return sendProblem(reply, {
        code: 'method-not-allowed',
        detail: `${request.method} is not supported here; use ${allowed.join(', ')}.`,
        headers: { allow: allowed.join(', ') },
      });
    }
    return sendProblem(reply, { code: 'not-found', detail: 'There is no resource at this path.' });
  });
}
