import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry, selectorText } from '../model';
import { policySelector } from './security';

/** Label Istio puts on the pods it deploys for a Kubernetes Gateway API Gateway. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Annotation of the Gateway API CRDs that holds the version of the bundle they come from. */
const BUNDLE_VERSION = 'gateway.networking.k8s.io/bundle-version';

/**
 * The oldest Gateway API bundle version of each CRD that Istio 1.30 watches (its
 * MinimumCRDVersions); istiod ignores a CRD below it, and every object of its kind.
 */
const MINIMUM_CRD_VERSIONS: Record<string, [number, number, number]> = {
  'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
  'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
  'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
};

/**
 * IST0166 (IneffectiveSelector), as Istio's k8sgateway SelectorAnalyzer, for Telemetry and
 * WasmPlugin (checkGatewayApiSelectors in security.ts covers AuthorizationPolicy and
 * RequestAuthentication): a `selector` (without `targetRef`) that matches pods Istio deploys for
 * a Gateway API Gateway, in the policy's namespace. Those pods ignore selectors; the policy
 * must name the Gateway in targetRefs.
 */
export function checkGatewayApiPolicySelectors(ctx: AnalysisContext): void {
  const gatewayPods = ctx.inventory.workloads.filter((w) => typeof w.labels[GATEWAY_NAME_LABEL] === 'string');
  if (gatewayPods.length === 0) return;
  const policies: Entry[] = [...ctx.inventory.ofGroup('telemetry.istio.io', 'Telemetry'), ...ctx.inventory.ofGroup('extensions.istio.io', 'WasmPlugin')];
  for (const policy of policies) {
    const selector = policySelector(policy.spec);
    if (!selector || policy.spec.targetRef || (Array.isArray(policy.spec.targetRefs) && policy.spec.targetRefs.length > 0)) continue;
    const selected = Object.keys(selector).length === 0
      ? gatewayPods.filter((w) => w.entry.namespace === policy.namespace)
      : ctx.inventory.workloadsSelectedBy(selector, policy.namespace).filter((w) => typeof w.labels[GATEWAY_NAME_LABEL] === 'string');
    for (const pod of selected) {
      const gateway = pod.labels[GATEWAY_NAME_LABEL];
      ctx.report(policy, 'IST0166', AnalysisLevel.WARNING, `Ineffective selector on Kubernetes Gateway ${gateway}. Use the TargetRef field instead `
        + `(selector ${selectorText(selector)} matches ${pod.entry.kind} ${pod.entry.namespace}/${pod.entry.name}, a pod of the Gateway API Gateway); `
        + `replace the selector with targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${gateway} }]`);
    }
  }
}

/** A semantic version as Masterminds/semver reads it (`v` prefix, minor and patch optional), or undefined. */
function parseVersion(text: unknown): { core: [number, number, number]; text: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(text);
  if (!m) return undefined;
  const core: [number, number, number] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  return { core, text: `${core.join('.')}${m[4] ? `-${m[4]}` : ''}${m[5] ? `+${m[5]}` : ''}` };
}

function below(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/**
 * IST0176 (GatewayAPICRDVersionBelowMinimum), as Istio's k8sgateway CRDVersionAnalyzer: a Gateway
 * API CustomResourceDefinition among the analyzed objects whose bundle-version annotation is
 * older than Istio requires; istiod then ignores every object of that kind (e.g. TLSRoutes, and
 * the TLS passthrough listeners they program). A pre-release counts as its release. CRDs without
 * the annotation, or with a version that does not parse, are not reported (nor by Istio).
 */
export function checkGatewayApiCrdVersions(ctx: AnalysisContext): void {
  for (const crd of ctx.inventory.ofGroup('apiextensions.k8s.io', 'CustomResourceDefinition')) {
    const minimum = MINIMUM_CRD_VERSIONS[crd.name];
    if (!minimum) continue;
    const installed = parseVersion(crd.manifest.metadata?.annotations?.[BUNDLE_VERSION]);
    if (!installed || !below(installed.core, minimum)) continue;
    ctx.report(crd, 'IST0176', AnalysisLevel.WARNING, `Gateway API CRD "${crd.name}" is at version "${installed.text}" but Istio requires at least `
      + `"${minimum.join('.')}"; resources of this kind will not be processed. Upgrade the Gateway API CRDs to satisfy the minimum version; `
      + `apply the CRDs of Gateway API v${minimum.join('.')} or later`);
  }
}
