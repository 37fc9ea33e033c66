// The smallest logger shape this module writes to; pino and console-like objects fit it.

/** Receives operational warnings. Objects passed to it never hold secrets, tokens or hashes. */
export interface AuthnLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export const silentLogger: AuthnLogger = { warn: () => undefined };
