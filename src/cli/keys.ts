// gatehouse keys rotate | list: signing keys live in the database, shared by every instance.
import type { SigningKeyInfo } from '../security/authn/index.ts';
import type { OperatorContext } from './operator.ts';

function table(keys: readonly SigningKeyInfo[]): string {
  const header = ['kid', 'alg', 'state', 'created', 'activates', 'retired', 'expires'];
  const rows = keys.map((k) => [
    k.kid,
    k.alg,
    k.state,
    k.createdAt ?? '-',
    k.activatesAt ?? '-',
    k.retiredAt ?? '-',
    k.expiresAt ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export async function listKeysCommand(context: OperatorContext): Promise<string> {
  const keyring = context.keyring();
  await keyring.refresh();
  return table(await keyring.list());
}

export async function rotateKeysCommand(context: OperatorContext): Promise<string> {
  const keyring = context.keyring();
  await keyring.ensureKeys();
  const added = await keyring.rotate();
  await context.audit.recordOperator({
    type: 'key.rotated',
    outcome: 'success',
    targetId: added.kid,
    detail: `signs from ${added.activatesAt ?? '?'}`,
  });
  return [
    `added signing key ${added.kid}: published now, signs from ${added.activatesAt ?? '?'}`,
    'the current key keeps signing until then, and stays published until the tokens it signed expire',
    '',
    table(await keyring.list()),
  ].join('\n');
}
