import { isRecord } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, pod, selectorText, Workload } from '../model';
import {
  annotationsOf, DATAPLANE_MODE_LABEL, goList, hasIstioProxy, INJECTION_LABEL, isIgnoredNamespace, labelsOf, REVISION_LABEL, SIDECAR_INJECT,
} from './injection';

/** Annotation the ambient CNI puts on the pods it redirects. */
const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';

/** Whether a namespace is in ambient mode, as Istio decides it: `istio.io/dataplane-mode=ambient`, without a sidecar injection label. */
function namespaceInAmbient(namespace: Entry | undefined): boolean {
  if (!namespace) return false;
  const labels = labelsOf(namespace.manifest.metadata);
  if (labels[INJECTION_LABEL] === 'enabled' || labels[REVISION_LABEL]) return false;
  return labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * Whether a workload's pods are in ambient mode. Istio reads the annotation the ambient CNI puts
 * on running pods (`ambient.istio.io/redirection: enabled`); manifests do not carry it, so the
 * pods the CNI would redirect count too: labelled `istio.io/dataplane-mode: ambient`, or in an
 * ambient namespace and not opted out (`istio.io/dataplane-mode: none`), and without a sidecar.
 */
function inAmbient(w: Workload, namespaces: Map<string, Entry>): boolean {
  const { metadata, spec } = pod(w.entry);
  if (annotationsOf(metadata)[AMBIENT_REDIRECTION] === 'enabled') return true;
  const labels = labelsOf(metadata);
  const mode = labels[DATAPLANE_MODE_LABEL];
  if (mode === 'none' || hasIstioProxy(spec.containers, spec.initContainers)) return false;
  if ((labels[SIDECAR_INJECT] ?? annotationsOf(metadata)[SIDECAR_INJECT]) === 'true') return false;
  return mode === 'ambient' || namespaceInAmbient(namespaces.get(w.entry.namespace));
}

/** Names of Sidecars, sorted, as Go prints a list. */
function names(sidecars: Entry[]): string {
  return goList(sidecars.map((s) => s.name).sort());
}

/**
 * Istio's sidecar.SelectorAnalyzer, per namespace:
 * - IST0101 (ReferencedResourceNotFound): a Sidecar's workloadSelector selects no pod of its
 *   namespace (only in namespaces where the analyzed objects define workloads: elsewhere the pods
 *   are deployed by others);
 * - IST0110 (ConflictingSidecarWorkloadSelectors): several Sidecars select the same pods;
 * - IST0111 (MultipleSidecarsWithoutWorkloadSelectors): several Sidecars without workloadSelector
 *   in one namespace;
 * - IST0167 (IneffectivePolicy): a Sidecar for pods in ambient mode (selected pods, or an ambient
 *   namespace for a Sidecar without selector): there is no sidecar to configure.
 * Pods are Pods and the pod templates of controllers; selectors are looked up in the label index.
 */
export function checkSidecarSelectors(ctx: AnalysisContext): void {
  const sidecars = ctx.inventory.of('Sidecar').filter((s) => !isIgnoredNamespace(s.namespace));
  if (sidecars.length === 0) return;
  const namespaces = new Map(ctx.inventory.of('Namespace').map((n) => [n.name, n]));
  const populated = new Set(ctx.inventory.workloads.map((w) => w.entry.namespace));
  const byWorkload = new Map<Workload, Entry[]>();
  const namespaceWide = new Map<string, Entry[]>();
  for (const sidecar of sidecars) {
    const selector = sidecar.spec.workloadSelector?.labels;
    if (!isRecord(selector) || Object.keys(selector).length === 0) {
      addTo(namespaceWide, sidecar.namespace, sidecar);
      continue;
    }
    const selected = ctx.inventory.workloadsSelectedBy(selector, sidecar.namespace);
    for (const w of selected) addTo(byWorkload, w, sidecar);
    if (selected.length === 0 && populated.has(sidecar.namespace)) {
      ctx.report(sidecar, 'IST0101', AnalysisLevel.ERROR, `Referenced selector not found: "${selectorText(selector)}"; no pod in namespace `
        + `${sidecar.namespace} has these labels: fix spec.workloadSelector.labels to match the workload's pod labels`);
    }
  }
  const ineffective = new Set<Entry>();
  const reportIneffective = (sidecar: Entry, reason: string) => {
    if (ineffective.has(sidecar)) return;
    ineffective.add(sidecar);
    ctx.report(sidecar, 'IST0167', AnalysisLevel.WARNING, `The policy has no impact: ${reason}; ambient pods have no sidecar to configure: `
      + 'remove the Sidecar, or configure the namespace\'s waypoint instead');
  };
  for (const [w, list] of byWorkload) {
    const ambient = inAmbient(w, namespaces);
    if (list.length === 1 && !ambient) continue;
    for (const sidecar of list) {
      if (ambient) {
        reportIneffective(sidecar, 'selected workload is in ambient mode, the policy has no impact');
        continue;
      }
      ctx.report(sidecar, 'IST0110', AnalysisLevel.ERROR, `The Sidecars ${names(list)} in namespace "${w.entry.namespace}" select the same workload pod `
        + `"${w.entry.name}", which can lead to undefined behavior; make their workloadSelectors select disjoint pods `
        + `(the pods of ${w.entry.kind} ${w.entry.name} match them all)`);
    }
  }
  for (const [namespace, list] of namespaceWide) {
    if (namespaceInAmbient(namespaces.get(namespace))) {
      for (const sidecar of list) reportIneffective(sidecar, 'namespace is in ambient mode, the policy has no impact');
      continue;
    }
    if (list.length < 2) continue;
    for (const sidecar of list) {
      ctx.report(sidecar, 'IST0111', AnalysisLevel.ERROR, `The Sidecars ${names(list)} in namespace "${namespace}" have no workload selector, `
        + 'which can lead to undefined behavior; keep one Sidecar without workloadSelector per namespace, and give the others a workloadSelector');
    }
  }
}
