// Development only: without GATEHOUSE_SECRET_KEY, a secret is generated once into the data
// folder (mode 0600) and reused, with a warning. Production refuses this (config.ts).
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  generateServerSecret,
  parseServerSecret,
  type ServerSecret,
} from './security/authn/index.ts';
import type { Config } from './config.ts';

/** The data folder: the SQLite database's folder, or ./data for PostgreSQL deployments. */
export function dataFolder(config: Pick<Config, 'databaseUrl'>): string {
  const sqlitePath = config.databaseUrl.startsWith('sqlite:')
    ? config.databaseUrl.slice('sqlite:'.length)
    : null;
  return sqlitePath && sqlitePath !== ':memory:' ? resolve(dirname(sqlitePath)) : resolve('data');
}

export interface ResolvedSecret {
  readonly secret: ServerSecret;
  /** Set when the development secret file was used (the caller logs a warning). */
  readonly developmentFile: string | null;
}

export function resolveServerSecret(
  config: Pick<Config, 'secretKey' | 'databaseUrl'>,
): ResolvedSecret {
  if (config.secretKey) return { secret: config.secretKey, developmentFile: null };
  const folder = dataFolder(config);
  const file = join(folder, 'secret.key');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${generateServerSecret()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const hex = readFileSync(file, 'utf8').trim();
  return { secret: parseServerSecret(Buffer.from(hex, 'hex')), developmentFile: file };
}
