// One access-log line per request (id, method, route, status, duration) instead of Fastify's
// two; switched off entirely for deployments whose reverse proxy keeps access logs. The line holds
// only these fixed, non-secret fields (the route pattern, never the URL with its query), so it is
// written by a logger without redaction and without a per-request child: measured, redaction and
// the child made each line cost more than the request.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export class AccessLogController extends LogController {
  constructor(
    enabled: boolean,
    private readonly accessLogger: Logger,
  ) {
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
    this.accessLogger.info(
      {
        requestId: request.id,
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
