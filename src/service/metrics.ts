// The metrics listener (METRICS_PORT): Prometheus text on a port of its own, so metrics are never
// reachable through the public API port. Unset METRICS_PORT: no listener.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RateLimitCounts } from '../security/rate-limit/index.ts';

export interface MetricsSource {
  rateLimitCounts(): RateLimitCounts;
  /** 'primary' | 'fallback' with Redis; 'memory' without. */
  rateLimitStoreState(): string;
}

export function renderMetrics(source: MetricsSource): string {
  const counts = source.rateLimitCounts();
  const state = source.rateLimitStoreState();
  return [
    '# HELP gatehouse_rate_limit_checks_total Rate-limit checks by outcome.',
    '# TYPE gatehouse_rate_limit_checks_total counter',
    `gatehouse_rate_limit_checks_total{outcome="allowed"} ${counts.allowed}`,
    `gatehouse_rate_limit_checks_total{outcome="limited"} ${counts.limited}`,
    `gatehouse_rate_limit_checks_total{outcome="unavailable"} ${counts.unavailable}`,
    '# HELP gatehouse_rate_limit_store_errors_total Failures of the shared rate-limit store.',
    '# TYPE gatehouse_rate_limit_store_errors_total counter',
    `gatehouse_rate_limit_store_errors_total ${counts.storeErrors}`,
    '# HELP gatehouse_rate_limit_fallbacks_total Checks answered without the shared store.',
    '# TYPE gatehouse_rate_limit_fallbacks_total counter',
    `gatehouse_rate_limit_fallbacks_total ${counts.fallbacks}`,
    '# HELP gatehouse_rate_limit_store_state The store answering checks (1 for the current state).',
    '# TYPE gatehouse_rate_limit_store_state gauge',
    ...['memory', 'primary', 'fallback'].map(
      (s) => `gatehouse_rate_limit_store_state{state="${s}"} ${s === state ? 1 : 0}`,
    ),
    '',
  ].join('\n');
}

export async function startMetricsServer(
  source: MetricsSource,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' })
      .end(renderMetrics(source));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
