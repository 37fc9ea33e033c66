// Where each signing key stands at a given time, computed from the stored rows alone, so that
// every instance reaches the same answer without talking to the others.
import type { SigningKeyRow, SigningKeyState } from '../signing-key-store.ts';

export interface Effective {
  readonly state: SigningKeyState;
  readonly retiredAt: number | null;
}

export interface Timeline<K> {
  /** The key that signs now, if any. */
  readonly signer: K | undefined;
  readonly states: Map<string, Effective>;
}

/**
 * Stored `active` keys and due `next` keys are candidates, in activation order; the last one
 * signs, and each earlier one is retired at the moment its successor activated.
 */
export function keyTimeline<K extends { readonly row: SigningKeyRow }>(
  keys: readonly K[],
  now: number,
): Timeline<K> {
  // Stored `active` keys count whatever this instance's clock says (another instance's clock may
  // be ahead); `next` keys count once they are due.
  const candidates = keys
    .filter(({ row }) => row.state === 'active' || (row.state === 'next' && row.activatesAt <= now))
    .sort(byActivation);
  const states = new Map<string, Effective>();
  candidates.forEach((key, index) => {
    const successor = candidates[index + 1];
    states.set(
      key.row.kid,
      successor === undefined
        ? { state: 'active', retiredAt: null }
        : { state: 'retired', retiredAt: successor.row.activatesAt },
    );
  });
  for (const { row } of keys) {
    if (states.has(row.kid)) continue;
    states.set(
      row.kid,
      row.state === 'retired'
        ? { state: 'retired', retiredAt: row.retiredAt ?? row.activatesAt }
        : { state: 'next', retiredAt: null },
    );
  }
  return { signer: candidates.at(-1), states };
}

/** Published (and accepted): next, active, or retired less than retentionMs ago. */
export function isPublishedAt(
  effective: Effective | undefined,
  now: number,
  retentionMs: number,
): boolean {
  return (
    effective !== undefined &&
    (effective.state !== 'retired' ||
      (effective.retiredAt !== null && now < effective.retiredAt + retentionMs))
  );
}

/**
 * Activation order: by activatesAt; on a tie a `next` key is the newer one (it was made while
 * the other already existed); two stored `active` keys (a start-up race) are ordered by kid.
 */
function byActivation(
  a: { readonly row: SigningKeyRow },
  b: { readonly row: SigningKeyRow },
): number {
  return (
    a.row.activatesAt - b.row.activatesAt ||
    Number(a.row.state === 'next') - Number(b.row.state === 'next') ||
    a.row.kid.localeCompare(b.row.kid)
  );
}
