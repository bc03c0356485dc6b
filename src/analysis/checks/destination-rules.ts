import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, selects } from '../model';

/** Code for checks Istio's analyzer does not have (cdk8s-istio's own). */
const WILDCARD_ISTIO_MUTUAL = 'CKI0001';

/**
 * IST0173: a subset selects no pods of the workloads behind the host's Service (503 UH), when
 * the app defines those workloads. IST0174: the host matches no Service or ServiceEntry in the
 * app (a warning: the service may be defined elsewhere).
 */
export function checkDestinationRuleHosts(ctx: AnalysisContext): void {
  for (const dr of ctx.inventory.of('DestinationRule')) {
    const host: string = dr.spec.host ?? '';
    if (host.startsWith('*')) continue;
    const name = ctx.inventory.fqdn(host, dr.namespace);
    const service = ctx.inventory.services.get(name);
    if (!service) {
      if (ctx.inventory.serviceEntriesFor(name, dr.namespace).length === 0) {
        ctx.report(dr, 'IST0174', AnalysisLevel.WARNING, `The host ${host} defined in the DestinationRule does not match any services in the mesh (looked for ${name}); `
          + 'fix the host, or define the Service or ServiceEntry');
      }
      continue;
    }
    const selector = service.spec.selector;
    if (!selector || ctx.inventory.workloadsSelectedBy(selector, service.namespace).length === 0) continue;
    for (const subset of dr.spec.subsets ?? []) {
      const labels = { ...selector, ...(subset?.labels ?? {}) };
      if (ctx.inventory.workloadsSelectedBy(labels, service.namespace).length === 0) {
        ctx.report(dr, 'IST0173', AnalysisLevel.ERROR, `The Subset ${subset?.name} defined in the DestinationRule does not select any pods (no pod of Service ${service.name} `
          + `has labels ${JSON.stringify(subset?.labels ?? {})}), which leads to 503 UH (NoHealthyUpstream); fix the subset labels or the Deployment's pod labels`);
      }
    }
  }
}

/** The effective PeerAuthentication mode for a Service's pods: workload, then namespace, then mesh. */
function peerAuthenticationMode(ctx: AnalysisContext, policies: PolicyIndex, service: Entry): string | undefined {
  const mode = (pa: Entry | undefined) => {
    const m = pa?.spec.mtls?.mode;
    return m && m !== 'UNSET' ? m : undefined;
  };
  const selector: { [key: string]: string } = service.spec.selector ?? {};
  // A workload policy can apply only if the service's selector has its first label.
  const candidates = Object.entries(selector).flatMap(([k, v]) => policies.byFirstLabel.get(`${service.namespace}|${k}=${v}`) ?? []);
  const workload = candidates.find((pa) => selects(pa.spec.selector.matchLabels, selector));
  const namespace = policies.namespaceWide.get(service.namespace);
  const mesh = policies.namespaceWide.get(ctx.rootNamespace);
  return mode(workload) ?? mode(namespace) ?? mode(mesh);
}

/** PeerAuthentications indexed so that finding a service's policy is not a scan of them all. */
interface PolicyIndex {
  /** Workload policies by `namespace|key=value` of the first label of their selector. */
  readonly byFirstLabel: Map<string, Entry[]>;
  /** The first policy without a selector, per namespace. */
  readonly namespaceWide: Map<string, Entry>;
}

function indexPolicies(ctx: AnalysisContext): PolicyIndex {
  const index: PolicyIndex = { byFirstLabel: new Map(), namespaceWide: new Map() };
  for (const pa of ctx.inventory.of('PeerAuthentication')) {
    const labels = Object.entries<string>(pa.spec.selector?.matchLabels ?? {});
    if (labels.length > 0) addTo(index.byFirstLabel, `${pa.namespace}|${labels[0][0]}=${labels[0][1]}`, pa);
    else if (!pa.spec.selector && !index.namespaceWide.has(pa.namespace)) index.namespaceWide.set(pa.namespace, pa);
  }
  return index;
}

/** Every client TLS setting of a DestinationRule, with its field. */
function tlsSettings(spec: any): Array<{ field: string; tls: any }> {
  const out: Array<{ field: string; tls: any }> = [];
  const policy = (field: string, p: any) => {
    if (p?.tls) out.push({ field: `${field}.tls`, tls: p.tls });
    (p?.portLevelSettings ?? []).forEach((pl: any, i: number) => pl?.tls && out.push({ field: `${field}.portLevelSettings[${i}].tls`, tls: pl.tls }));
  };
  policy('spec.trafficPolicy', spec.trafficPolicy);
  (spec.subsets ?? []).forEach((s: any, i: number) => policy(`spec.subsets[${i}].trafficPolicy`, s?.trafficPolicy));
  return out;
}

/**
 * IST0113 (MTLSPolicyConflict, retired from istioctl but still the name users search for): a
 * DestinationRule turns Istio mTLS off (DISABLE, or its own SIMPLE/MUTUAL TLS) towards mesh
 * workloads whose PeerAuthentication is STRICT, so every call fails. CKI0001: an ISTIO_MUTUAL
 * DestinationRule for a wildcard host forces mTLS on calls to hosts outside the mesh.
 */
export function checkMtls(ctx: AnalysisContext): void {
  // Looking through every policy for every DestinationRule was quadratic.
  const policies = indexPolicies(ctx);
  for (const dr of ctx.inventory.of('DestinationRule')) {
    const host: string = dr.spec.host ?? '';
    const settings = tlsSettings(dr.spec);
    if (host.startsWith('*') && !host.endsWith(`.${ctx.inventory.clusterDomain}`) && settings.some((s) => s.tls.mode === 'ISTIO_MUTUAL')) {
      ctx.report(dr, WILDCARD_ISTIO_MUTUAL, AnalysisLevel.WARNING, `DestinationRule for wildcard host ${host} sets ISTIO_MUTUAL, which breaks calls to hosts outside the mesh; `
        + `rely on Istio's automatic mTLS, or name the mesh hosts (e.g. *.<namespace>.svc.${ctx.inventory.clusterDomain})`);
    }
    const service = ctx.inventory.services.get(ctx.inventory.fqdn(host, dr.namespace));
    if (!service || peerAuthenticationMode(ctx, policies, service) !== 'STRICT') continue;
    for (const { field, tls } of settings) {
      if (tls.mode === 'DISABLE' || tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') {
        ctx.report(dr, 'IST0113', AnalysisLevel.ERROR, `${field}.mode ${tls.mode} sends ${tls.mode === 'DISABLE' ? 'plain text' : 'non-Istio TLS'} to ${service.name}.${service.namespace}, `
          + 'whose PeerAuthentication is STRICT, so every call fails; use ISTIO_MUTUAL or remove the tls setting (automatic mTLS)');
      }
    }
  }
}
