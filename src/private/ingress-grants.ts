import { IConstruct } from 'constructs';
import { PendingItem, PendingWork } from './pending-work';
import { registered } from './registry';

/**
 * Grants of a gateway's identity to the backends it routes to, applied only where the backend
 * needs one: its namespace is deny-by-default (a MeshNamespace), or it has grants of its own
 * (an ALLOW policy applies to it). Granting everywhere would switch every backend to
 * deny-by-default. Either side may be defined first, so each one looks for the other.
 */
interface PendingGrant extends PendingItem {
  readonly backend: IConstruct;
  readonly namespace: string | undefined;
}

const pending = new PendingWork<PendingGrant>();

/** The id WorkloadAuthorization uses under its workload. */
const AUTHORIZATION_ID = 'Authorization';

function isDenyByDefault(scope: IConstruct, namespace: string | undefined): boolean {
  return namespace !== undefined && registered<IConstruct & { name: string; denyByDefault: boolean }>('MeshNamespace', scope)
    .some((ns) => ns.denyByDefault && ns.name === namespace);
}

/** Records that a gateway routes to `backend`; applies the grant now if the backend needs it. */
export function recordIngressGrant(backend: IConstruct, namespace: string | undefined, apply: () => void): void {
  const grant = pending.add(backend, { backend, namespace, apply, applied: false });
  if (isDenyByDefault(backend, namespace) || backend.node.tryFindChild(AUTHORIZATION_ID)) pending.run(grant);
}

/** A namespace became deny-by-default: its backends get their gateways' grants. */
export function applyIngressGrantsInNamespace(scope: IConstruct, namespace: string): void {
  for (const grant of pending.of(scope)) if (grant.namespace === namespace) pending.run(grant);
}

/** A backend got an ALLOW policy: its gateways must be granted too. */
export function applyIngressGrantsTo(backend: IConstruct): void {
  for (const grant of pending.of(backend)) if (grant.backend === backend) pending.run(grant);
}
