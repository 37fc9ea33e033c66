// Every authn error code is documented, and each class carries the code it declares.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../src/security/authn/errors.ts';

describe('authn errors', () => {
  it('lists every code in src/security/authn/README.md', () => {
    const readme = readFileSync(
      new URL('../../../src/security/authn/README.md', import.meta.url),
      'utf8',
    );
    for (const code of errors.AUTHN_ERROR_CODES)
      expect(readme).toMatch(new RegExp(`\\| \`${code}\` +\\|`));
  });

  it('gives each class a distinct, stable code', () => {
    const instances = [
      new errors.InvalidOptionError('x'),
      new errors.InvalidTokenError('malformed'),
      new errors.InvalidServerSecretError('x'),
      new errors.SigningKeyDecryptionError(),
      new errors.SigningKeyUnreadableError('x'),
      new errors.NoSigningKeyError(),
      new errors.RotationPendingError('x'),
      new errors.RevocationStoreError('x'),
    ];
    expect(instances.map((error) => error.code).sort()).toEqual(
      [...errors.AUTHN_ERROR_CODES].sort(),
    );
    for (const error of instances) {
      expect(error).toBeInstanceOf(errors.AuthnError);
      expect(error.name).toBe(error.constructor.name);
    }
  });
});
