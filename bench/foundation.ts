// Foundation overhead: GET /healthz on Gatehouse (access log off, then on) against the same
// route on bare Fastify, interleaved over several rounds in one run; medians and ratios.
import { load, median, type LoadResult } from './lib/load.ts';
import { startTarget } from './lib/target.ts';

const ROUNDS = 3;

async function measure(target: string, env: Record<string, string>): Promise<LoadResult> {
  const server = await startTarget(target, env);
  try {
    await load({ url: `${server.url}/healthz`, seconds: 1 }); // warm-up
    return await load({ url: `${server.url}/healthz`, seconds: 4 });
  } finally {
    await server.stop();
  }
}

export async function benchFoundation(): Promise<string> {
  const variants = {
    bare: { target: 'bare-fastify', env: {} },
    quiet: { target: 'gatehouse', env: { ACCESS_LOG: 'false' } },
    logged: { target: 'gatehouse', env: { ACCESS_LOG: 'true' } },
  } as const;
  const results: Record<keyof typeof variants, LoadResult[]> = { bare: [], quiet: [], logged: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, variant] of Object.entries(variants) as [
      keyof typeof variants,
      (typeof variants)[keyof typeof variants],
    ][]) {
      results[name].push(await measure(variant.target, variant.env));
      process.stderr.write(`foundation round ${round + 1}: ${name} done\n`);
    }
  }
  const rps = (name: keyof typeof variants) => median(results[name].map((r) => r.rps));
  const p99 = (name: keyof typeof variants) => median(results[name].map((r) => r.p99));
  const bare = rps('bare');
  const row = (label: string, name: keyof typeof variants) =>
    `| ${label} | ${Math.round(rps(name))} | ${p99(name)} | ${(rps(name) / bare).toFixed(2)} |`;
  return [
    '## Foundation: GET /healthz, Gatehouse against bare Fastify',
    '',
    `autocannon, 32 connections, 4 s per measurement after a 1 s warm-up, median of ${ROUNDS} interleaved rounds; each server in its own process.`,
    '',
    '| server | requests/s | p99 ms | ratio to bare Fastify |',
    '|---|---|---|---|',
    row('bare Fastify 5', 'bare'),
    row('Gatehouse, ACCESS_LOG=false', 'quiet'),
    row('Gatehouse, ACCESS_LOG=true', 'logged'),
    '',
  ].join('\n');
}
