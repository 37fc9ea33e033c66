// What validation costs: POST /v1/notes with a valid body, with Gatehouse's strict validation
// against the same app with every validator replaced by "accept", interleaved in one run.
import { load, median, type LoadResult } from './lib/load.ts';
import { startTarget } from './lib/target.ts';

const ROUNDS = 3;
const BODY = JSON.stringify({
  title: 'Benchmark note',
  body: 'A note body of moderate length, the kind a real client sends. '.repeat(8),
  tags: ['bench', 'notes', 'validation'],
});

async function measure(env: Record<string, string>): Promise<LoadResult> {
  const server = await startTarget('gatehouse', {
    BENCH_SEED: '1',
    BENCH_EXEMPT_USER: '1',
    ACCESS_LOG: 'false',
    ...env,
  });
  try {
    const options = {
      url: `${server.url}/v1/notes`,
      method: 'POST' as const,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${server.token ?? ''}`,
      },
      body: BODY,
    };
    await load({ ...options, seconds: 1 });
    return await load({ ...options, seconds: 4 });
  } finally {
    await server.stop();
  }
}

export async function benchValidation(): Promise<string> {
  const strict: LoadResult[] = [];
  const off: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    strict.push(await measure({}));
    off.push(await measure({ BENCH_NO_VALIDATION: '1' }));
  }
  const rps = (r: LoadResult[]) => median(r.map((x) => x.rps));
  const p99 = (r: LoadResult[]) => median(r.map((x) => x.p99));
  return [
    '## Input validation: POST /v1/notes',
    '',
    `autocannon, 32 connections, 4 s after a 1 s warm-up, median of ${ROUNDS} interleaved rounds; a valid 500-byte body; SQLite file database; the user exempt from rate limiting so only validation differs.`,
    '',
    '| variant | requests/s | p99 ms | ratio |',
    '|---|---|---|---|',
    `| validation off | ${Math.round(rps(off))} | ${p99(off)} | 1.00 |`,
    `| strict validation (Gatehouse) | ${Math.round(rps(strict))} | ${p99(strict)} | ${(rps(strict) / rps(off)).toFixed(2)} |`,
    `| non-2xx responses (strict / off) | ${strict.reduce((n, r) => n + r.non2xx, 0)} / ${off.reduce((n, r) => n + r.non2xx, 0)} | | |`,
    '',
  ].join('\n');
}
