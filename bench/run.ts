// npm run bench: runs every benchmark in one process and writes bench/RESULTS.md with the
// machine and the date. Numbers are ratios against a baseline measured in the same run.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { benchAuth } from './auth.ts';
import { benchFoundation } from './foundation.ts';
import { benchRateLimit } from './rate-limit.ts';
import { benchValidation } from './validation.ts';

const ALL = {
  foundation: benchFoundation,
  auth: benchAuth,
  validation: benchValidation,
  'rate-limit': benchRateLimit,
};
type Name = keyof typeof ALL;
// `npm run bench -- auth validation` runs only those sections (RESULTS.md then holds only them).
const requested = process.argv.slice(2).filter((n): n is Name => n in ALL);
const names = requested.length > 0 ? requested : (Object.keys(ALL) as Name[]);

const sections: string[] = [];
for (const name of names) {
  process.stderr.write(`bench: ${name}\n`);
  sections.push(await ALL[name]());
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
  `Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`,
  '',
].join('\n');
const text = `${header}\n${sections.join('\n')}`;
writeFileSync(join(import.meta.dirname, 'RESULTS.md'), text);
process.stdout.write(text);
