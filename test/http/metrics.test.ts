// The metrics listener: Prometheus text of the rate limiter's counters, on its own port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/service/metrics.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let metrics: Awaited<ReturnType<typeof startMetricsServer>>;
beforeAll(async () => {
  t = await createTestApp({ env: { RATE_LIMIT_IP: '2/minute' } });
  metrics = await startMetricsServer(t.app.services.metrics, '127.0.0.1', 0);
});
afterAll(async () => {
  await metrics.close();
  await t.close();
});

describe('metrics', () => {
  it('counts allowed and limited checks and names the store', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/v1/users/me' });
    const text = await (await fetch(metrics.url)).text();
    expect(text).toContain('gatehouse_rate_limit_checks_total{outcome="allowed"} 2');
    expect(text).toContain('gatehouse_rate_limit_checks_total{outcome="limited"} 1');
    expect(text).toContain('gatehouse_rate_limit_store_state{state="memory"} 1');
    expect((await fetch(metrics.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
