// No raw input into SQL or a shell: the build fails on any use of Kysely's raw-SQL helpers, shell
// execution or code evaluation in src/, except in a file allow-listed here with the reason it is
// safe (and the same reason in a comment at the use). The ESLint rules in eslint.config.js say
// the same to the editor; this test is the gate that cannot be switched off with a comment.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

const FORBIDDEN: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'sql.raw/lit/ref/id', pattern: /\bsql\s*\.\s*(raw|lit|ref|id)\s*[(<]/ },
  // Any use of child_process at all: exec/execSync cannot be told from RegExp#exec by the text,
  // and src/ has no reason to start processes.
  { name: 'child_process', pattern: /['"](node:)?child_process['"]|\bprocess\.binding\s*\(/ },
  { name: 'eval or new Function', pattern: /(?<![.\w])eval\s*\(|\bnew\s+Function\s*\(/ },
];

/** file -> why its use is safe. The service itself needs none. */
const ALLOWED: Readonly<Record<string, string>> = {
  'src/security/authn/data/generate-common-passwords.ts':
    'a maintainer script, not loaded by the service: execFile with fixed commands (npm pack, tar) and argument arrays, no shell',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** Strips comments so a comment that names a forbidden call does not trip the scan. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('no raw input into SQL or a shell', () => {
  it('finds no forbidden call in src/ outside the allow-list', () => {
    const findings: string[] = [];
    for (const file of [...sourceFiles(join(root, 'src')), join(root, 'bin', 'gatehouse.js')]) {
      const path = relative(root, file);
      if (path in ALLOWED) continue;
      const text = code(readFileSync(file, 'utf8'));
      for (const { name, pattern } of FORBIDDEN)
        if (pattern.test(text)) findings.push(`${path}: ${name}`);
    }
    expect(findings).toEqual([]);
  });

  it('recognises each forbidden form (the scan itself works)', () => {
    const samples = [
      'sql.raw(`drop table ${name}`)',
      'sql.lit(value)',
      'sql .ref(column)',
      'sql.id<Table>(x)',
      "import { exec } from 'node:child_process'",
      "const cp = require('child_process')",
      'eval(input)',
      'new Function(body)',
    ];
    for (const sample of samples) {
      expect(
        FORBIDDEN.some(({ pattern }) => pattern.test(code(sample))),
        sample,
      ).toBe(true);
    }
    expect(
      FORBIDDEN.some(({ pattern }) =>
        pattern.test(code('sql`select ${value}` // sql.raw( in a comment')),
      ),
    ).toBe(false);
  });

  it('keeps every allow-listed file justified at the use', () => {
    for (const [path, reason] of Object.entries(ALLOWED)) {
      expect(reason.length, path).toBeGreaterThan(20);
      expect(readFileSync(join(root, path), 'utf8'), path).toMatch(/safe:/i);
    }
  });
});
