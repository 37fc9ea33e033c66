// Authentication: login throughput; login latency for an unknown email against a wrong password
// (they must be within 20 %); and /healthz p99 while 16 clients hammer login, against no load.
import { load, median } from './lib/load.ts';
import { BENCH_PASSWORD, BENCH_USERS, benchEmail } from './lib/seed.ts';
import { startTarget } from './lib/target.ts';

const GENEROUS = {
  BENCH_SEED: '1',
  ACCESS_LOG: 'false',
  RATE_LIMIT_IP: '500000/minute',
  RATE_LIMIT_LOGIN_IP: '500000/minute',
  RATE_LIMIT_LOGIN_ACCOUNT: '500000/minute',
  LOGIN_LOCK_THRESHOLD: '100',
};

async function timedLogin(
  url: string,
  email: string,
  password: string,
): Promise<{ ms: number; status: number; body: string }> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.text();
  return { ms: performance.now() - start, status: res.status, body };
}

export async function benchAuth(): Promise<string> {
  const server = await startTarget('gatehouse', GENEROUS);
  try {
    const loginBody = JSON.stringify({ email: benchEmail(0), password: BENCH_PASSWORD });
    const loginLoad = {
      url: `${server.url}/v1/auth/login`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: loginBody,
      connections: 16,
    };
    await load({ ...loginLoad, seconds: 1 });
    const logins = await load({ ...loginLoad, seconds: 5 });

    // Sequential, interleaved, so both kinds see the same machine state.
    const unknown: number[] = [];
    const wrong: number[] = [];
    let identical = true;
    let firstBody: string | null = null;
    for (let i = 0; i < 80; i++) {
      const a = await timedLogin(server.url, `nobody-${i}@example.com`, 'not the password at all');
      const b = await timedLogin(
        server.url,
        benchEmail(1 + (i % (BENCH_USERS - 1))),
        'not the password at all',
      );
      unknown.push(a.ms);
      wrong.push(b.ms);
      firstBody ??= a.body;
      identical &&=
        a.status === 401 && b.status === 401 && a.body === firstBody && b.body === firstBody;
    }
    const unknownMedian = median(unknown);
    const wrongMedian = median(wrong);

    const healthUrl = `${server.url}/healthz`;
    const quiet = await load({ url: healthUrl, connections: 4, seconds: 4 });
    const [busy] = await Promise.all([
      load({ url: healthUrl, connections: 4, seconds: 4 }),
      load({ ...loginLoad, seconds: 5 }),
    ]);
    return [
      '## Authentication',
      '',
      'Login: autocannon, 16 connections, 5 s, correct password (argon2id m=19456 KiB, t=2, p=1), every attempt a full login (session row, refresh token, signed access token).',
      '',
      '| measure | value |',
      '|---|---|',
      `| login requests/s | ${logins.rps.toFixed(1)} (p50 ${logins.p50} ms, p99 ${logins.p99} ms, non-2xx ${logins.non2xx}) |`,
      `| median latency, unknown email (80 sequential) | ${unknownMedian.toFixed(1)} ms |`,
      `| median latency, wrong password (80 sequential) | ${wrongMedian.toFixed(1)} ms |`,
      `| ratio unknown / wrong | ${(unknownMedian / wrongMedian).toFixed(2)} (must be within 0.80..1.20) |`,
      `| 401 bodies byte-identical | ${identical ? 'yes' : 'NO'} |`,
      `| GET /healthz p99, no login load (4 connections) | ${quiet.p99} ms (${Math.round(quiet.rps)} req/s) |`,
      `| GET /healthz p99, 16 clients hammering login | ${busy.p99} ms (${Math.round(busy.rps)} req/s) |`,
      '',
    ].join('\n');
  } finally {
    await server.stop();
  }
}
