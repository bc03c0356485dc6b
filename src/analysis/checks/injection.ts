import { isRecord, textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry } from '../model';

/** Namespace label that turns sidecar injection on (`enabled`) or off (anything else) for the default revision. */
export const INJECTION_LABEL = 'istio-injection';
/** Namespace label naming the control-plane revision that injects the namespace's pods. */
export const REVISION_LABEL = 'istio.io/rev';
/** Namespace (or pod) label choosing the data plane: `ambient`, or `none` on a pod. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Pod label (or, with less weight, annotation) turning injection on or off for one pod. */
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
/** Name of the injected sidecar container. */
export const ISTIO_PROXY = 'istio-proxy';

/**
 * Namespaces whose objects `istioctl analyze` leaves out of every check (the injector's ignored
 * namespaces: Kubernetes' own, and kind's local storage).
 */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Namespace Istio's injection analyzer never reports on, whatever the root namespace is. */
const ISTIO_SYSTEM = 'istio-system';

/** ConfigMap of the default revision's injector; its `values` may enable namespaces by default. */
const INJECTOR_CONFIG_MAP = 'istio-sidecar-injector';

/** Whether istioctl leaves objects in this namespace out of the analysis (kube-system, ...). */
export function isIgnoredNamespace(namespace: string): boolean {
  return IGNORED_NAMESPACES.has(namespace);
}

/** Labels of an object's metadata (or a pod template's), `{}` when absent or not a mapping. */
export function labelsOf(metadata: any): { [key: string]: string } {
  return isRecord(metadata?.labels) ? metadata.labels : {};
}

/** Annotations of an object's metadata (or a pod template's), `{}` when absent or not a mapping. */
export function annotationsOf(metadata: any): { [key: string]: string } {
  return isRecord(metadata?.annotations) ? metadata.annotations : {};
}

/** Whether a list of containers has an `istio-proxy` container with an image (the sidecar, injected or native). */
export function hasIstioProxy(...lists: unknown[]): boolean {
  return lists.some((list) => Array.isArray(list) && list.some((c: any) => c?.name === ISTIO_PROXY && !!textOf(c?.image)));
}

/** Go's `%v` of a list of strings: `[a b c]`. */
export function goList(values: Array<string | number>): string {
  return `[${values.join(' ')}]`;
}

/** Whether the default injector's values (ConfigMap `istio-sidecar-injector`) inject namespaces that have no injection label. */
function injectsNamespacesByDefault(ctx: AnalysisContext): boolean {
  const configMap = ctx.inventory.ofGroup('', 'ConfigMap').find((c) => c.name === INJECTOR_CONFIG_MAP);
  const values = configMap?.manifest.data?.values;
  if (typeof values !== 'string') return false;
  try {
    return JSON.parse(values)?.sidecarInjectorWebhook?.enableNamespacesByDefault === true;
  } catch {
    return false;
  }
}

/**
 * The injection labels of a namespace as Istio counts them for IST0123: `istio-injection`, and
 * `istio.io/rev` and `istio.io/dataplane-mode` unless `istio-injection` is set to something
 * other than `enabled` (which turns injection off whatever the others say).
 */
function injectionLabels(labels: { [key: string]: string }): string[] {
  const out: string[] = [];
  const injection = labels[INJECTION_LABEL];
  if (injection !== undefined) out.push(`${INJECTION_LABEL}=${injection}`);
  for (const key of [REVISION_LABEL, DATAPLANE_MODE_LABEL]) {
    if (labels[key] !== undefined && (injection === undefined || injection === 'enabled')) out.push(`${key}=${labels[key]}`);
  }
  return out;
}

/**
 * Istio's injection.Analyzer over the analyzed Namespaces and Pods:
 * - IST0123 (NamespaceMultipleInjectionLabels): a namespace with more than one of
 *   `istio-injection`, `istio.io/rev`, `istio.io/dataplane-mode` (the last two do not count when
 *   `istio-injection` turns injection off);
 * - IST0102 (NamespaceNotInjected): a namespace with neither `istio-injection` nor `istio.io/rev`
 *   and not ambient; IST0148 (NamespaceInjectionEnabledByDefault) instead, when the analyzed
 *   injector ConfigMap injects namespaces by default;
 * - IST0103 (PodMissingProxy): a Pod without an `istio-proxy` container in a namespace labelled
 *   `istio-injection=enabled`, unless the pod opts out (`sidecar.istio.io/inject: "false"`) or
 *   uses the host network.
 * Only Namespace objects among the analyzed ones are known: a namespace that is not there is not
 * reported, and its pods are not checked. istio-system and the root namespace are skipped, as are
 * the namespaces istioctl ignores (kube-system, ...).
 */
export function checkInjection(ctx: AnalysisContext): void {
  const injected = new Set<string>();
  let byDefault: boolean | undefined;
  for (const namespace of ctx.inventory.of('Namespace')) {
    const name = namespace.name;
    if (name === ISTIO_SYSTEM || name === ctx.rootNamespace || isIgnoredNamespace(name)) continue;
    const labels = labelsOf(namespace.manifest.metadata);
    const counted = injectionLabels(labels);
    if (counted.length > 1) {
      ctx.report(namespace, 'IST0123', AnalysisLevel.WARNING, `The namespace has more than one type of injection labels ${goList(counted)}, `
        + 'which may lead to undefined behavior. Make sure only one injection label exists; keep one: istio-injection=enabled (default revision), '
        + 'istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient');
    }
    if (labels[DATAPLANE_MODE_LABEL] === 'ambient') continue;
    const injection = textOf(labels[INJECTION_LABEL]);
    if (injection === '' && labels[REVISION_LABEL] === undefined) {
      byDefault ??= injectsNamespacesByDefault(ctx);
      if (byDefault) {
        ctx.report(namespace, 'IST0148', AnalysisLevel.INFO, 'is enabled for Istio injection, as Istio is installed with enableNamespacesByDefault as true; '
          + `label it ${INJECTION_LABEL}=disabled if its pods should stay out of the mesh`);
      } else {
        ctx.report(namespace, 'IST0102', AnalysisLevel.INFO, `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${name} `
          + `istio-injection=enabled' to enable it, or 'kubectl label namespace ${name} istio-injection=disabled' to explicitly mark it as not needing injection; `
          + 'set the label in the Namespace manifest (or use MeshNamespace) so that it is applied with the app');
      }
      continue;
    }
    if (injection === 'enabled') injected.add(name);
  }
  for (const pod of ctx.inventory.of('Pod')) {
    if (injected.has(pod.namespace)) checkPodProxy(ctx, pod);
  }
}

/** IST0103: a Pod of an injected namespace that has no sidecar and did not opt out. */
function checkPodProxy(ctx: AnalysisContext, pod: Entry): void {
  const labels = labelsOf(pod.manifest.metadata);
  const inject = labels[SIDECAR_INJECT] ?? annotationsOf(pod.manifest.metadata)[SIDECAR_INJECT];
  if (textOf(inject).toLowerCase() === 'false' || pod.spec.hostNetwork === true) return;
  if (hasIstioProxy(pod.spec.containers, pod.spec.initContainers)) return;
  ctx.report(pod, 'IST0103', AnalysisLevel.WARNING, `The pod ${pod.namespace}/${pod.name} is missing the Istio proxy. `
    + 'This can often be resolved by restarting or redeploying the workload; create the pod after its namespace is labelled for injection '
    + `(or set ${SIDECAR_INJECT}: "false" on it if it should stay out of the mesh)`);
}
