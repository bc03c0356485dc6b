import { isRecord } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';

/** Istio's RBAC kinds (rbac.istio.io), removed from Istio's CRDs; AuthorizationPolicy replaced them. */
const REMOVED_KINDS = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding']);
const REMOVED_GROUP = 'rbac.istio.io';

/**
 * IST0002 (Deprecated), as Istio's deprecation.FieldAnalyzer, for the fields and types it knows:
 * - a VirtualService HTTP route whose fault delay sets `percent` (above 0), replaced by `percentage`;
 * - a Sidecar whose `outboundTrafficPolicy` sets `egressProxy`, which Istio ignores;
 * - a CustomResourceDefinition of one of Istio's removed RBAC kinds (rbac.istio.io).
 */
export function checkDeprecatedFields(ctx: AnalysisContext): void {
  for (const vs of ctx.inventory.of('VirtualService')) {
    (Array.isArray(vs.spec.http) ? vs.spec.http : []).forEach((route: any, i: number) => {
      const percent = route?.fault?.delay?.percent;
      if (typeof percent !== 'number' || percent <= 0) return;
      ctx.report(vs, 'IST0002', AnalysisLevel.WARNING, 'Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage; '
        + `write spec.http[${i}].fault.delay.percentage: { value: ${percent} } instead of percent: ${percent}`);
    });
  }
  for (const sidecar of ctx.inventory.of('Sidecar')) {
    const policy = sidecar.spec.outboundTrafficPolicy;
    if (!isRecord(policy) || policy.egressProxy === undefined || policy.egressProxy === null) continue;
    ctx.report(sidecar, 'IST0002', AnalysisLevel.WARNING, 'Deprecated: OutboundTrafficPolicy.EgressProxy ignored; '
      + 'remove spec.outboundTrafficPolicy.egressProxy');
  }
  for (const crd of ctx.inventory.ofGroup('apiextensions.k8s.io', 'CustomResourceDefinition')) {
    const kind = crd.spec.names?.kind;
    if (crd.spec.group !== REMOVED_GROUP || !REMOVED_KINDS.has(kind)) continue;
    ctx.report(crd, 'IST0002', AnalysisLevel.WARNING, `Deprecated: Custom resource type ${REMOVED_GROUP} ${kind} is removed; `
      + 'remove the CustomResourceDefinition and its objects, and write AuthorizationPolicies (security.istio.io) instead');
  }
}
