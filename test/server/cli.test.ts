// The command line as a user runs it: a bad variable is one line and exit 1; serve starts on a
// fresh data folder, answers /healthz, and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  env: Record<string, string>,
  onLine?: (line: string, kill: () => void) => void,
  stdin = '',
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    });
    child.stdin.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of chunk.toString().split('\n')) onLine?.(line, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('gatehouse CLI', () => {
  it('stops a bad configuration with one line naming the variable, no stack trace', async () => {
    const result = await run(['serve'], { PORT: 'eighty' });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gatehouse: invalid configuration: PORT: /);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('migrate creates the SQLite database and is idempotent', async () => {
    const env = { DATABASE_URL: 'sqlite:./data/gatehouse.db' };
    expect((await run(['migrate'], env)).stdout).toContain('applied: 0001-initial');
    expect((await run(['migrate'], env)).stdout).toContain('database is up to date');
    expect(statSync(join(dir, 'data', 'gatehouse.db')).isFile()).toBe(true);
  });

  it('user create reads the password from stdin and refuses weak ones', async () => {
    const env = { DATABASE_URL: 'sqlite:./data/gatehouse.db' };
    const created = await run(
      ['user', 'create', '--email', 'Root@Example.com', '--role', 'admin'],
      env,
      undefined,
      'a long and unusual passphrase\n',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created admin root@example\.com \([0-9a-f-]{36}\)/);
    expect(created.stdout + created.stderr).not.toContain('unusual passphrase');
    const weak = await run(
      ['user', 'create', '--email', 'weak@example.com'],
      env,
      undefined,
      'password1234\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password refused');
    const duplicate = await run(
      ['user', 'create', '--email', 'root@example.com'],
      env,
      undefined,
      'another long passphrase\n',
    );
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    const badRole = await run(
      ['user', 'create', '--email', 'x@example.com', '--role', 'root'],
      env,
    );
    expect(badRole.stderr).toContain('--role must be one of user, admin');
  });

  it('keys rotate publishes a next key and keys list shows the states', async () => {
    const env = { DATABASE_URL: 'sqlite:./data/gatehouse.db' };
    const rotated = await run(['keys', 'rotate'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('published now');
    const listed = await run(['keys', 'list'], env);
    expect(listed.stdout).toMatch(/\bactive\b/);
    expect(listed.stdout).toMatch(/\bnext\b/);
    const again = await run(['keys', 'rotate'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('waiting to activate');
  });

  it('serve answers /healthz and exits 0 on SIGTERM', async () => {
    let health: Promise<number> | undefined;
    const result = await run(['serve'], { PORT: '0', LOG_LEVEL: 'info' }, (line, kill) => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(line);
      if (match && !health) {
        health = fetch(`${match[1]}/healthz`).then((res) => {
          kill();
          return res.status;
        });
      }
    });
    expect(await health).toBe(200);
    expect(result.code).toBe(0);
  });
});
