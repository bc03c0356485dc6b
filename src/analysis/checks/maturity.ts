import { AnnotationStatus, isIstioAnnotation, ISTIO_ANNOTATIONS, SET_BY_ISTIO } from '../annotation-catalogue';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { ANNOTATED_KINDS, annotationsOf } from './annotations';

/** Annotations the istio-cni node agent sets on every pod it handles. */
const SET_BY_CNI = new Set([
  'sidecar.istio.io/interceptionMode',
  'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

/**
 * IST0136 (AlphaAnnotation, info), as Istio's maturity.AlphaAnalyzer: an Istio annotation of an
 * alpha-phase feature on a Namespace, Service, Pod or Deployment (its own annotations), whatever
 * the kind it is meant for. Not reported: annotations Istio writes itself, and on a Pod without
 * an `istio-init` init container (so with istio-cni), the ones istio-cni sets. `istioctl analyze`
 * does not run this analyzer (too noisy for defaults); neither does this library unless asked
 * (`alphaAnnotations` in the settings).
 */
export function checkAlphaAnnotations(ctx: AnalysisContext): void {
  for (const kind of ANNOTATED_KINDS) {
    for (const entry of ctx.inventory.of(kind)) {
      const annotations = annotationsOf(entry);
      if (!annotations) continue;
      const initContainers = entry.spec.initContainers;
      const cni = kind === 'Pod' && !(Array.isArray(initContainers) && initContainers.some((c: any) => c?.name === 'istio-init'));
      for (const key of Object.keys(annotations)) {
        if (!isIstioAnnotation(key) || ISTIO_ANNOTATIONS.get(key)?.status !== AnnotationStatus.ALPHA) continue;
        if (SET_BY_ISTIO.has(key) || (cni && SET_BY_CNI.has(key))) continue;
        ctx.report(entry, 'IST0136', AnalysisLevel.INFO, `Annotation "${key}" is part of an alpha-phase feature and may be incompletely supported; `
          + 'check that the feature is fit for production before relying on it (https://istio.io/latest/docs/reference/config/annotations/)');
      }
    }
  }
}
