import { textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, pod, selects, Workload } from '../model';
import { HostRegistry } from './destinations';

/** Code for checks Istio's analyzer does not have (cdk8s-istio's own). */
const WILDCARD_ISTIO_MUTUAL = 'CKI0001';

/** Labels Istio adds to a pod's own from its node (label.AugmentLabels): its locality and host name. */
const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';
const HOSTNAME = 'kubernetes.io/hostname';
const NODE_LABELS = new Set([REGION, ZONE, SUBZONE, HOSTNAME]);

type Labels = { [key: string]: string };

/** A map of string labels ({} when absent or not a map). */
function labelMap(value: unknown): Labels {
  return value && typeof value === 'object' && !Array.isArray(value) ? value as Labels : {};
}

/**
 * A workload's labels as a subset selects endpoints: its pod labels, plus the locality of the node
 * it runs on (region; zone; subzone only under a zone; each only when set) and the node's name.
 */
function endpointLabels(workload: Workload, nodes: Map<string, Labels>): Labels {
  const nodeName = textOf(pod(workload.entry).spec?.nodeName);
  if (nodeName === '') return workload.labels;
  const node = nodes.get(nodeName) ?? {};
  const [region, zone, subzone] = [textOf(node[REGION]), textOf(node[ZONE]), textOf(node[SUBZONE])];
  const out: Labels = { ...workload.labels, [HOSTNAME]: nodeName };
  if (region !== '') out[REGION] = region;
  if (zone !== '') out[ZONE] = zone;
  if (zone !== '' && subzone !== '') out[SUBZONE] = subzone;
  return out;
}

/**
 * IST0174 (UnknownDestinationRuleHost): the host matches no Service or ServiceEntry visible where
 * the DestinationRule is exported (a warning: the service may be defined elsewhere). IST0173
 * (DestinationRuleSubsetNotSelectPods): a subset selects no pod of the workloads behind the host —
 * those the Service (or the ServiceEntry's workloadSelector) selects, in its namespace, with the
 * subset's labels; node locality labels (topology.kubernetes.io/region, …) count as Istio adds
 * them to endpoints, and a ServiceEntry's WorkloadEntries count as its pods. As in Istio's
 * PodNotSelectedAnalyzer, a subset is reported when no such pod is among the analyzed objects;
 * wildcard hosts are not looked up. (Istio matches the subset's labels alone against every pod of
 * every namespace: a pod outside the Service satisfies it there, not here.)
 */
export function checkDestinationRuleHosts(ctx: AnalysisContext): void {
  const registry = HostRegistry.of(ctx.inventory);
  const nodes = new Map(ctx.inventory.ofGroup('', 'Node').map((n) => [n.name, labelMap(n.manifest.metadata?.labels)]));
  // A ServiceEntry's workloadSelector also selects WorkloadEntries (VMs): their labels, by namespace.
  const workloadEntries = new Map<string, Labels[]>();
  for (const we of ctx.inventory.ofGroup('networking.istio.io', 'WorkloadEntry')) addTo(workloadEntries, we.namespace, labelMap(we.spec.labels));
  for (const dr of ctx.inventory.of('DestinationRule')) {
    const host = textOf(dr.spec.host);
    if (host.startsWith('*')) continue;
    const service = registry.find(host, dr.namespace, dr.spec.exportTo);
    if (!service) {
      ctx.report(dr, 'IST0174', AnalysisLevel.WARNING, `The host ${host} defined in the DestinationRule does not match any services in the mesh `
        + `(looked for ${ctx.inventory.fqdn(host, dr.namespace)}); fix the host, or define the Service or ServiceEntry`);
      continue;
    }
    // A Service without a selector has endpoints managed by hand; a ServiceEntry without a
    // workloadSelector has its own endpoints: neither selects pods.
    const selector = service.kind === 'Service' ? service.spec.selector : service.spec.workloadSelector?.labels;
    if (!selector || typeof selector !== 'object') continue;
    for (const subset of Array.isArray(dr.spec.subsets) ? dr.spec.subsets : []) {
      const wanted: Labels = { ...selector, ...labelMap(subset?.labels) };
      const podLabels = Object.fromEntries(Object.entries(wanted).filter(([k]) => !NODE_LABELS.has(k)));
      const nodeLabels = Object.entries(wanted).filter(([k]) => NODE_LABELS.has(k));
      const selected = ctx.inventory.workloadsSelectedBy(podLabels, service.namespace)
        .some((w) => nodeLabels.length === 0 || selects(Object.fromEntries(nodeLabels), endpointLabels(w, nodes)));
      if (selected || (service.kind === 'ServiceEntry' && (workloadEntries.get(service.namespace) ?? []).some((labels) => selects(wanted, labels)))) continue;
      ctx.report(dr, 'IST0173', AnalysisLevel.ERROR, `The Subset ${subset?.name} defined in the DestinationRule does not select any pods `
        + `(no pod of ${service.kind} ${service.name} has labels ${JSON.stringify(subset?.labels ?? {})}). Which may lead to 503 UH (NoHealthyUpstream); `
        + 'fix the subset labels or the pod labels (a Deployment\'s pod template)');
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
