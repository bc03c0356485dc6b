import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './invalid';

/** Kinds whose pods come from `spec.template`: what a service's versions can be. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/**
 * The Kubernetes object behind `construct`, from any cdk8s-plus version (28-33), an imported
 * L1 class or a plain `ApiObject`. Found by cdk8s's own marker and default-child rules rather
 * than `instanceof` a cdk8s-plus class, so objects built with another copy of cdk8s-plus work.
 * Refuses objects of other kinds with the field that passed them.
 */
export function apiObjectOfKind(scope: IConstruct, field: string, construct: IConstruct, kinds: string[]): ApiObject {
  let object: ApiObject | undefined;
  try {
    object = ApiObject.of(construct);
  } catch {
    object = undefined;
  }
  if (!object || !kinds.includes(object.kind)) {
    const what = object ? `${object.kind} ${object.name}` : `construct ${construct.node.path} (no Kubernetes object)`;
    invalid(scope, field, what, `must be a ${kinds.join(' or ')}`,
      `pass the ${kinds[0]} itself: a cdk8s-plus ${kinds[0]} of any version, an imported Kube${kinds[0]}, or an ApiObject of kind ${kinds[0]}`);
  }
  return object;
}

/** JSON pointer segment for a key (RFC 6901: `~` and `/` are escaped). */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Adds labels to a workload's pod template. cdk8s-plus workloads (every version) take them
 * through their own `podMetadata`; any other object gets JSON patches that create the missing
 * parents, so the labels appear however the object was written.
 */
export function addPodLabels(construct: IConstruct, object: ApiObject, labels: { [key: string]: string }): void {
  const podMetadata = (construct as { podMetadata?: { addLabel?: (k: string, v: string) => void } }).podMetadata;
  if (podMetadata && typeof podMetadata.addLabel === 'function') {
    for (const [key, value] of Object.entries(labels)) podMetadata.addLabel(key, value);
    return;
  }
  const template = object.toJson()?.spec?.template;
  if (!template?.metadata) {
    object.addJsonPatch(JsonPatch.add('/spec/template/metadata', { labels: { ...labels } }));
  } else if (!template.metadata.labels) {
    object.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels', { ...labels }));
  } else {
    for (const [key, value] of Object.entries(labels)) {
      object.addJsonPatch(JsonPatch.add(`/spec/template/metadata/labels/${pointer(key)}`, value));
    }
  }
}

/**
 * The ports a Service exposes now: through cdk8s-plus's `ports` (every version), else from the
 * object's manifest (an L1 `KubeService` or a plain `ApiObject`).
 */
export function servicePorts(construct: IConstruct, object: ApiObject): number[] {
  const ports = (construct as { ports?: Array<{ port?: number }> }).ports;
  if (Array.isArray(ports)) return ports.map((p) => p.port).filter((p): p is number => typeof p === 'number');
  try {
    return (object.toJson()?.spec?.ports ?? []).map((p: any) => p?.port).filter((p: unknown): p is number => typeof p === 'number');
  } catch {
    return [];
  }
}

/**
 * The ports a workload's containers declare now: through cdk8s-plus's `containers` (every
 * version), else from the object's manifest.
 */
export function containerPorts(construct: IConstruct, object: ApiObject): number[] {
  const containers = (construct as { containers?: Array<{ ports?: Array<{ number?: number }> }> }).containers;
  if (Array.isArray(containers)) return containers.flatMap((c) => (c.ports ?? []).map((p) => p.number)).filter((p): p is number => typeof p === 'number');
  try {
    const pod = object.toJson()?.spec?.template?.spec ?? {};
    return (pod.containers ?? []).flatMap((c: any) => (c?.ports ?? []).map((p: any) => p?.containerPort)).filter((p: unknown): p is number => typeof p === 'number');
  } catch {
    return [];
  }
}
