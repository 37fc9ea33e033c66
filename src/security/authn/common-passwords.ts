// The shipped list of common and breached passwords (data/common-passwords.txt), read once into a
// Set at first use; see data/README.md for where the list comes from.
import { readFileSync } from 'node:fs';
import { commonPasswordKey } from './common-password-key.ts';

const LIST_URL = new URL('./data/common-passwords.txt', import.meta.url);

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * Loads the list if it is not loaded yet and returns it (entries are already normalised with
 * `commonPasswordKey`). About 475,000 entries: 0.2 to 0.5 s and 27 MiB of heap, once per process;
 * call it at start-up so that the first registration does not pay for it.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords === undefined) {
    const entries = readFileSync(LIST_URL, 'utf8').split('\n');
    if (entries.at(-1) === '') entries.pop();
    commonPasswords = new Set(entries);
  }
  return commonPasswords;
}

/** Whether the password is on the shipped list, ignoring case, Unicode form and outer spaces. */
export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(commonPasswordKey(password));
}
