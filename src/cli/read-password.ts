// Reads the first line of standard input as a password, without echoing it on a terminal.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export async function readPasswordLine(prompt: string): Promise<string> {
  const input = process.stdin;
  const interactive = input.isTTY;
  if (interactive) process.stderr.write(prompt);
  // On a terminal, nothing typed is echoed; piped input is never echoed anyway.
  const silent = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  const lines = createInterface({ input, output: silent, terminal: interactive });
  try {
    for await (const line of lines) return line.replace(/\r$/, '');
    return '';
  } finally {
    lines.close();
    if (interactive) process.stderr.write('\n');
  }
}
