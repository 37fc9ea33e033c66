// One access-log line per request (id, method, route, status, duration) instead of Fastify's
// two; switched off entirely for deployments whose reverse proxy keeps access logs.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class AccessLogController extends LogController {
  constructor(enabled: boolean) {
    super({ disableRequestLogging: !enabled, requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {
    // The completion line carries everything; an incoming line would double the cost.
  }

  override routeNotFound(): void {
    // The completion line already says 404.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    request.log.info(
      {
        event: 'access',
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        ...(error ? { aborted: true } : {}),
      },
      'request completed',
    );
  }
}
