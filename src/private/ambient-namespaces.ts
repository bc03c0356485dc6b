import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PendingItem, PendingWork } from './pending-work';
import { registered } from './registry';

/**
 * Work that applies once a namespace is known to be in ambient mode (a MeshNamespace with
 * `DataplaneMode.ambient()`). Either side may be defined first, so each one looks for the other,
 * as ingress grants do.
 */
interface Pending extends PendingItem {
  readonly namespace: string;
}

const DATAPLANE_MODE = 'istio.io/dataplane-mode';

const pendingWork = new PendingWork<Pending>();

/** The app's MeshNamespace named `name`'s Namespace object, if the app defines one. */
export function meshNamespaceObject(scope: IConstruct, name: string): ApiObject | undefined {
  return registered<IConstruct & { name: string; namespace: ApiObject }>('MeshNamespace', scope).find((ns) => ns.name === name)?.namespace;
}

function isAmbient(scope: IConstruct, name: string): boolean {
  return meshNamespaceObject(scope, name)?.metadata.getLabel(DATAPLANE_MODE) === 'ambient';
}

/** Runs `apply` once `namespace` is an ambient MeshNamespace of the app: now, or when it is defined. */
export function whenAmbient(scope: IConstruct, namespace: string, apply: () => void): void {
  const pending = pendingWork.add(scope, { namespace, apply, applied: false });
  if (isAmbient(scope, namespace)) pendingWork.run(pending);
}

/** A MeshNamespace in ambient mode was defined: the work waiting for it runs. */
export function ambientNamespaceDefined(scope: IConstruct, namespace: string): void {
  for (const pending of pendingWork.of(scope)) if (pending.namespace === namespace) pendingWork.run(pending);
}
