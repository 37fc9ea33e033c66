// npm run bench: runs every benchmark in one process and writes bench/RESULTS.md with the
// machine and the date. Numbers are ratios against a baseline measured in the same run.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { benchFoundation } from './foundation.ts';

const sections: string[] = [];
sections.push(await benchFoundation());

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
