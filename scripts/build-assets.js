// `npm run build`, after tsc: copies the data files the compiled code reads at run time into
// dist/, at the same relative paths as in src/.
import { cpSync } from 'node:fs';
import { URL } from 'node:url';

const ASSETS = ['security/authn/data/common-passwords.txt'];

for (const asset of ASSETS) {
  cpSync(new URL(`../src/${asset}`, import.meta.url), new URL(`../dist/${asset}`, import.meta.url));
}
