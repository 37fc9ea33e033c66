// Runs a benchmark target (a server) in its own process, so the load generator and the server
// never share an event loop, and returns its URL once it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Target {
  readonly url: string;
  /** An access token of the seeded bench user, when the target was started with BENCH_SEED=1. */
  readonly token: string | null;
  stop(): Promise<void>;
}

export function startTarget(name: string, env: Record<string, string> = {}): Promise<Target> {
  const file = join(import.meta.dirname, '..', 'targets', `${name}.ts`);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => {
      reject(new Error(`target ${name} exited with ${String(code)} before listening`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /^LISTENING (\S+)$/m.exec(buffer);
      if (!match?.[1]) return;
      child.removeAllListeners('exit');
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({
        url: match[1],
        token: /^TOKEN (\S+)$/m.exec(buffer)?.[1] ?? null,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => {
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
