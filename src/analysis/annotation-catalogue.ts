/**
 * Istio's resource annotations, as Istio 1.30.3 knows them: the list that
 * `annotation.AllResourceAnnotations()` returns in istio.io/api at the version Istio 1.30.3's
 * go.mod pins (v1.30.3-0.20260710004328-2e43f07b30b6; source `annotation/annotations.yaml`, also
 * published at https://istio.io/latest/docs/reference/config/annotations/). Facts only: each
 * annotation's name, feature status, whether it is deprecated, and the kinds of resource it is
 * meant for (`Any` for every kind).
 */

/** How mature the feature behind an annotation is. */
export enum AnnotationStatus {
  ALPHA = 'Alpha',
  BETA = 'Beta',
  STABLE = 'Stable',
}

/** What Istio says of one annotation. */
export interface AnnotationDefinition {
  readonly name: string;
  readonly status: AnnotationStatus;
  readonly deprecated: boolean;
  /** Kinds it may be applied to (`Any`: every kind). */
  readonly resources: readonly string[];
}

const { ALPHA, BETA, STABLE } = AnnotationStatus;

/** [name, feature status, deprecated, resource kinds] */
const ANNOTATIONS: Array<[string, AnnotationStatus, boolean, string[]]> = [
  ['alpha.istio.io/canonical-serviceaccounts', ALPHA, true, ['Service']],
  ['alpha.istio.io/kubernetes-serviceaccounts', ALPHA, true, ['Service']],
  ['ambient.istio.io/bypass-inbound-capture', ALPHA, false, ['Pod']],
  ['ambient.istio.io/dns-capture', ALPHA, false, ['Pod']],
  ['ambient.istio.io/redirection', BETA, false, ['Pod']],
  ['ambient.istio.io/waypoint-inbound-binding', ALPHA, false, ['GatewayClass', 'Gateway']],
  ['galley.istio.io/analyze-suppress', ALPHA, false, ['Any']],
  ['gateway.istio.io/controller-version', ALPHA, false, ['Any']],
  ['gateway.istio.io/name-override', ALPHA, false, ['Gateway']],
  ['gateway.istio.io/service-account', ALPHA, false, ['Gateway']],
  ['inject.istio.io/templates', ALPHA, false, ['Pod']],
  ['istio.io/autoRegistrationGroup', ALPHA, false, ['WorkloadEntry']],
  ['istio.io/connectedAt', ALPHA, false, ['WorkloadEntry']],
  ['istio.io/disconnectedAt', ALPHA, false, ['WorkloadEntry']],
  ['istio.io/dry-run', ALPHA, false, ['AuthorizationPolicy']],
  ['istio.io/reroute-virtual-interfaces', ALPHA, false, ['Pod']],
  ['istio.io/rev', ALPHA, false, ['Pod']],
  ['istio.io/workloadController', ALPHA, false, ['WorkloadEntry']],
  ['kubernetes.io/ingress.class', STABLE, false, ['Ingress']],
  ['networking.istio.io/exportTo', ALPHA, false, ['Service']],
  ['networking.istio.io/service-type', ALPHA, false, ['Gateway']],
  ['networking.istio.io/traffic-distribution', ALPHA, false, ['Namespace', 'Service', 'ServiceEntry']],
  ['prometheus.istio.io/merge-metrics', ALPHA, false, ['Pod']],
  ['proxy.istio.io/config', BETA, false, ['Pod']],
  ['proxy.istio.io/overrides', ALPHA, false, ['Pod']],
  ['readiness.status.sidecar.istio.io/applicationPorts', ALPHA, false, ['Pod']],
  ['readiness.status.sidecar.istio.io/failureThreshold', ALPHA, false, ['Pod']],
  ['readiness.status.sidecar.istio.io/initialDelaySeconds', ALPHA, false, ['Pod']],
  ['readiness.status.sidecar.istio.io/periodSeconds', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/agentLogLevel', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/bootstrapOverride', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/componentLogLevel', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/discoveryAddress', ALPHA, true, ['Pod']],
  ['sidecar.istio.io/extraStatTags', ALPHA, true, ['Pod']],
  ['sidecar.istio.io/inject', BETA, true, ['Pod']],
  ['sidecar.istio.io/interceptionMode', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/logLevel', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/nativeSidecar', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/proxyCPU', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/proxyCPULimit', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/proxyImage', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/proxyImageType', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/proxyMemory', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/proxyMemoryLimit', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/rewriteAppHTTPProbers', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/statsCompression', ALPHA, true, ['Pod']],
  ['sidecar.istio.io/statsEvictionInterval', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/statsFlushInterval', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/statsHistogramBins', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/statsHistogramBuckets', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/statsInclusionPrefixes', ALPHA, true, ['Pod']],
  ['sidecar.istio.io/statsInclusionRegexps', ALPHA, true, ['Pod']],
  ['sidecar.istio.io/statsInclusionSuffixes', ALPHA, true, ['Pod']],
  ['sidecar.istio.io/status', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/userVolume', ALPHA, false, ['Pod']],
  ['sidecar.istio.io/userVolumeMount', ALPHA, false, ['Pod']],
  ['status.sidecar.istio.io/port', ALPHA, false, ['Pod']],
  ['topology.istio.io/controlPlaneClusters', ALPHA, false, ['Namespace']],
  ['traffic.istio.io/nodeSelector', STABLE, false, ['Service']],
  ['traffic.sidecar.istio.io/excludeInboundPorts', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/excludeInterfaces', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/includeInboundPorts', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/includeOutboundPorts', ALPHA, false, ['Pod']],
  ['traffic.sidecar.istio.io/kubevirtInterfaces', ALPHA, true, ['Pod']],
];

/** Istio's annotations by name. */
export const ISTIO_ANNOTATIONS: ReadonlyMap<string, AnnotationDefinition> = new Map(
  ANNOTATIONS.map(([name, status, deprecated, resources]) => [name, { name, status, deprecated, resources }]),
);

/**
 * Annotations Istio writes itself (injection status, the gateway controller's version, the
 * revision): Istio's analyzers never report them (maturity.AlwaysIgnoredAnnotations).
 */
export const SET_BY_ISTIO = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

/**
 * Whether an annotation is in Istio's namespace, as Istio's analyzers decide it: its prefix (before
 * the first `/`) ends with `istio.io`, or it is `kubernetes.io/ingress.class`, which Istio documents.
 */
export function isIstioAnnotation(key: string): boolean {
  return key === 'kubernetes.io/ingress.class' || key.split('/')[0].endsWith('istio.io');
}
