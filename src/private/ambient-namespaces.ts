import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { registered } from './registry';

/**
 * Work that applies once a namespace is known to be in ambient mode (a MeshNamespace with
 * `DataplaneMode.ambient()`). Either side may be defined first, so each one looks for the other,
 * as ingress grants do.
 */
interface Pending {
  readonly namespace: string;
  readonly apply: () => void;
  applied: boolean;
}

const DATAPLANE_MODE = 'istio.io/dataplane-mode';

const pendingByRoot = new WeakMap<IConstruct, Pending[]>();

function pendingOf(scope: IConstruct): Pending[] {
  const root = scope.node.root;
  let list = pendingByRoot.get(root);
  if (!list) pendingByRoot.set(root, list = []);
  return list;
}

function run(pending: Pending): void {
  if (pending.applied) return;
  pending.applied = true;
  pending.apply();
}

/** The app's MeshNamespace named `name`'s Namespace object, if the app defines one. */
export function meshNamespaceObject(scope: IConstruct, name: string): ApiObject | undefined {
  return registered<IConstruct & { name: string; namespace: ApiObject }>('MeshNamespace', scope).find((ns) => ns.name === name)?.namespace;
}

function isAmbient(scope: IConstruct, name: string): boolean {
  return meshNamespaceObject(scope, name)?.metadata.getLabel(DATAPLANE_MODE) === 'ambient';
}

/** Runs `apply` once `namespace` is an ambient MeshNamespace of the app: now, or when it is defined. */
export function whenAmbient(scope: IConstruct, namespace: string, apply: () => void): void {
  const pending: Pending = { namespace, apply, applied: false };
  pendingOf(scope).push(pending);
  if (isAmbient(scope, namespace)) run(pending);
}

/** A MeshNamespace in ambient mode was defined: the work waiting for it runs. */
export function ambientNamespaceDefined(scope: IConstruct, namespace: string): void {
  for (const pending of pendingOf(scope)) if (pending.namespace === namespace) run(pending);
}
