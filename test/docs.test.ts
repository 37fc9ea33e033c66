// Documentation that must not drift from the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '../src/security/errors.ts';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('documentation', () => {
  it('lists every error code with its status in docs/errors.md', () => {
    const doc = read('docs/errors.md');
    for (const [code, { status }] of Object.entries(PROBLEMS)) {
      expect(doc).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });

  it('lists every configuration variable in the README', () => {
    const readme = read('README.md');
    const source = read('src/config.ts');
    const variables = new Set([...source.matchAll(/'([A-Z][A-Z0-9_]{2,})'/g)].map((m) => m[1]));
    expect(variables.size).toBeGreaterThan(20);
    for (const variable of variables) {
      expect(readme, variable).toMatch(new RegExp(`\\|\\s*\`${variable}\`\\s*\\|`));
    }
  });

  it('shows the two commands in the README', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
