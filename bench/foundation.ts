// Foundation overhead: GET /healthz on Gatehouse (access log off, then on) against the same
// route on bare Fastify, interleaved over several rounds in one run; medians and ratios.
// Every measurement starts a fresh server process: Node 20 leaves some processes in a slower
// state (process.nextTick's object-literal stores go megamorphic, about 3 us per request on
// this route; seen in bare Fastify too), so one process per variant would be a coin toss.
import { load, median, type LoadResult } from './lib/load.ts';
import { startTarget } from './lib/target.ts';

const ROUNDS = 7;

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
  const range = (name: keyof typeof variants) => {
    const all = results[name].map((r) => Math.round(r.rps));
    return `${String(Math.min(...all))}-${String(Math.max(...all))}`;
  };
  const p99 = (name: keyof typeof variants) => median(results[name].map((r) => r.p99));
  const bare = rps('bare');
  const row = (label: string, name: keyof typeof variants) =>
    `| ${label} | ${Math.round(rps(name))} | ${range(name)} | ${p99(name)} | ${(rps(name) / bare).toFixed(2)} |`;
  return [
    '## Foundation: GET /healthz, Gatehouse against bare Fastify',
    '',
    `autocannon, 32 connections, 4 s per measurement after a 1 s warm-up, median of ${ROUNDS} interleaved rounds; each server in its own process.`,
    '',
    '| server | requests/s (median) | range over rounds | p99 ms | ratio to bare Fastify |',
    '|---|---|---|---|---|',
    row('bare Fastify 5', 'bare'),
    row('Gatehouse, ACCESS_LOG=false', 'quiet'),
    row('Gatehouse, ACCESS_LOG=true', 'logged'),
    '',
  ].join('\n');
}
