// Object-level decisions and how they reach the client: a denied read is 404 (existence is never
// revealed), a denied change of a readable object is 403. Deny by default.
import { GatehouseError } from '../errors.ts';

export type Decision = 'allow' | 'deny-hidden' | 'deny-visible';

/** One policy per resource: each check sees the loaded row, never just the id from the URL. */
export interface ObjectPolicy<Resource, Actor> {
  canRead(actor: Actor, resource: Resource): boolean;
  canUpdate(actor: Actor, resource: Resource): boolean;
  canDelete(actor: Actor, resource: Resource): boolean;
}

export type ObjectAction = 'read' | 'update' | 'delete';

export function decide<R, A>(
  policy: ObjectPolicy<R, A>,
  actor: A,
  resource: R,
  action: ObjectAction,
): Decision {
  if (!policy.canRead(actor, resource)) return 'deny-hidden';
  if (action === 'read') return 'allow';
  const allowed =
    action === 'update' ? policy.canUpdate(actor, resource) : policy.canDelete(actor, resource);
  return allowed ? 'allow' : 'deny-visible';
}

/** Throws the problem a denial maps to; returns when allowed. */
export function enforce(decision: Decision, what: string): void {
  if (decision === 'allow') return;
  if (decision === 'deny-hidden') throw new GatehouseError('not-found', `No such ${what}.`);
  throw new GatehouseError('forbidden', `You may not change this ${what}.`);
}
