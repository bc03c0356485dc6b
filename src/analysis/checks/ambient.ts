import { isRecord, textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { Entry, pod, Workload } from '../model';
import { HostRegistry } from './destinations';
import { DATAPLANE_MODE_LABEL, hasIstioProxy, INJECTION_LABEL, isIgnoredNamespace, labelsOf, REVISION_LABEL, SIDECAR_INJECT } from './injection';
import { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE, WAYPOINT_CLASS, WAYPOINT_FOR } from '../../private/waypoint-labels';

/** The API group of the Gateway API. */
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The `when` keys ztunnel enforces (Istio's l4WhenAttributes); any other key needs a waypoint. */
const L4_WHEN_KEYS = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);
/** Operation fields ztunnel cannot enforce (Istio's httpOperations). */
const L7_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
/** Source fields ztunnel cannot enforce (Istio's httpSources). */
const L7_SOURCE_FIELDS = ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'];

/** Whether a Namespace object puts its pods in ambient mode (Istio's NamespaceInAmbientMode: no injection label, dataplane-mode ambient). */
function namespaceInAmbient(namespace: Entry | undefined): boolean {
  if (!namespace) return false;
  const labels = labelsOf(namespace.manifest.metadata);
  if (labels[INJECTION_LABEL] === 'enabled' || labels[REVISION_LABEL]) return false;
  return labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/** Whether a workload's pods are captured by ztunnel: ambient label or ambient namespace, not opted out (`none`), no sidecar. */
function workloadInAmbient(w: Workload, namespaces: Map<string, Entry>): boolean {
  const { metadata, spec } = pod(w.entry);
  const labels = labelsOf(metadata);
  const mode = labels[DATAPLANE_MODE_LABEL];
  if (mode === 'none' || hasIstioProxy(spec?.containers, spec?.initContainers) || labels[SIDECAR_INJECT] === 'true') return false;
  return mode === 'ambient' || namespaceInAmbient(namespaces.get(w.entry.namespace));
}

/** The L7 attributes of an AuthorizationPolicy's rules that ztunnel cannot enforce (Istio's handleRule), sorted. */
function l7Attributes(spec: any): string[] {
  const found = new Set<string>();
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  for (const rule of Array.isArray(spec?.rules) ? spec.rules : []) {
    for (const to of Array.isArray(rule?.to) ? rule.to : []) {
      for (const f of L7_OPERATION_FIELDS) if (nonEmpty(to?.operation?.[f])) found.add(f);
    }
    for (const from of Array.isArray(rule?.from) ? rule.from : []) {
      for (const f of L7_SOURCE_FIELDS) if (nonEmpty(from?.source?.[f])) found.add(f);
    }
    for (const when of Array.isArray(rule?.when) ? rule.when : []) {
      const key = textOf(when?.key);
      if (key !== '' && !L4_WHEN_KEYS.has(key)) found.add(key);
    }
  }
  return [...found].sort();
}

/**
 * CKI0014: an AuthorizationPolicy enforced by ztunnel (no targetRefs; a selector that selects
 * ambient pods, or namespace-wide in an ambient namespace) whose rules use HTTP attributes.
 * Istio's convertAuthorizationPolicy (pilot/pkg/serviceregistry/ambient/authorization.go) drops
 * such rules: for ALLOW the rule never matches (more restrictive: requests are denied), for
 * DENY it matches without the HTTP part (it denies more). L7 rules need a waypoint and targetRefs.
 */
function checkL7Policies(ctx: AnalysisContext, namespaces: Map<string, Entry>): void {
  for (const policy of ctx.inventory.of('AuthorizationPolicy')) {
    if (isIgnoredNamespace(policy.namespace)) continue;
    const spec = policy.spec;
    if (isRecord(spec.targetRef) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0)) continue;
    const action = textOf(spec.action, 'ALLOW');
    if (action !== 'ALLOW' && action !== 'DENY') continue;
    const selector = spec.selector?.matchLabels;
    let ambient: boolean;
    if (isRecord(selector) && Object.keys(selector).length > 0) {
      const selected = ctx.inventory.workloadsSelectedBy(selector, policy.namespace);
      ambient = selected.length > 0 ? selected.some((w) => workloadInAmbient(w, namespaces)) : namespaceInAmbient(namespaces.get(policy.namespace));
    } else {
      ambient = namespaceInAmbient(namespaces.get(policy.namespace));
    }
    if (!ambient) continue;
    const attributes = l7Attributes(spec);
    if (attributes.length === 0) continue;
    const effect = action === 'ALLOW'
      ? 'ztunnel omits the rules that use them, so the requests they would allow are denied'
      : 'ztunnel enforces the DENY without them, so it denies more than asked';
    ctx.report(policy, 'CKI0014', AnalysisLevel.ERROR,
      `${action} policy for ambient pods uses HTTP attributes (${attributes.join(', ')}) that ztunnel cannot enforce: ${effect}; `
      + "attach the policy to a waypoint instead: targetRefs: [PolicyTarget.gateway('waypoint')] (or Waypoint.policyTarget()) without selector, "
      + 'with a waypoint (Gateway of class istio-waypoint) in the namespace that the Services use (istio.io/use-waypoint)');
  }
}

/**
 * CKI0015: a Namespace, Service or ServiceEntry labelled `istio.io/use-waypoint` with a waypoint
 * the app does not define. Istio reports the binding as not ready (fetchWaypointForTarget:
 * WaypointIsNotReady) and the traffic skips L7 policy. Only for waypoint namespaces where the app
 * defines a Gateway or the Namespace itself: elsewhere the waypoint may be deployed by others.
 */
function checkWaypointReferences(ctx: AnalysisContext, namespaces: Map<string, Entry>): void {
  const gateways = ctx.inventory.ofGroup(GATEWAY_GROUP, 'Gateway');
  const waypoints = new Set(gateways.filter((g) => textOf(g.spec.gatewayClassName) === WAYPOINT_CLASS).map((g) => `${g.namespace}/${g.name}`));
  const gatewayNamespaces = new Set(gateways.map((g) => g.namespace));
  const targets = [...ctx.inventory.of('Namespace'), ...ctx.inventory.of('Service'), ...ctx.inventory.of('ServiceEntry')];
  for (const target of targets) {
    const labels = labelsOf(target.manifest.metadata);
    const name = labels[USE_WAYPOINT];
    if (name === undefined || name === '' || name === 'none') continue;
    const home = target.kind === 'Namespace' ? target.name : target.namespace;
    const namespace = labels[USE_WAYPOINT_NAMESPACE] || home;
    if (waypoints.has(`${namespace}/${name}`)) continue;
    if (!gatewayNamespaces.has(namespace) && !namespaces.has(namespace)) continue;
    ctx.report(target, 'CKI0015', AnalysisLevel.ERROR,
      `${USE_WAYPOINT}: ${name} names waypoint ${namespace}/${name}, which the app does not define: Istio leaves the binding not ready and `
      + `the traffic skips the waypoint; define it (new Waypoint(chart, id, { metadata: { name: '${name}', namespace: '${namespace}' } })), `
      + `or fix the label${namespace !== home ? ` and ${USE_WAYPOINT_NAMESPACE}` : ''}`);
  }
}

/**
 * Why no waypoint serves a Service's traffic (Istio's fetchWaypointForService in
 * pilot/pkg/serviceregistry/ambient/waypoints.go), or undefined when one does or may: the
 * Service's `istio.io/use-waypoint` wins over its Namespace's, `none` opts out, and the waypoint's
 * `istio.io/waypoint-for` (default `service`) must be `service` or `all`. A waypoint the app does
 * not define counts as serving (CKI0015 reports the missing ones the app could define).
 */
function noWaypointReason(service: Entry, namespace: Entry, waypoints: Map<string, Entry>): string | undefined {
  const own = labelsOf(service.manifest.metadata);
  const nsLabels = labelsOf(namespace.manifest.metadata);
  let labels = own;
  let where = `Service ${service.namespace}/${service.name}`;
  if (own[USE_WAYPOINT] === undefined) {
    labels = nsLabels;
    where = `Namespace ${namespace.name}`;
  }
  const name = labels[USE_WAYPOINT];
  if (name === undefined || name === '') return `neither the Service nor Namespace ${namespace.name} has ${USE_WAYPOINT}`;
  if (name === 'none') return `${where} opts out with ${USE_WAYPOINT}: none`;
  const key = `${labels[USE_WAYPOINT_NAMESPACE] || service.namespace}/${name}`;
  const waypoint = waypoints.get(key);
  if (!waypoint) return undefined;
  const trafficType = labelsOf(waypoint.manifest.metadata)[WAYPOINT_FOR] ?? 'service';
  if (trafficType === 'service' || trafficType === 'all') return undefined;
  return `${where} uses waypoint ${key}, whose ${WAYPOINT_FOR}: ${trafficType} does not take Service traffic`;
}

/** The Services a mesh route applies to: GAMMA parentRefs (group "", kind Service), or a mesh VirtualService's hosts. */
function routedServices(ctx: AnalysisContext, route: Entry, services: Map<string, Entry>): Entry[] {
  const found = new Set<Entry>();
  if (route.kind === 'VirtualService') {
    const gateways = Array.isArray(route.spec.gateways) ? route.spec.gateways : [];
    if (gateways.length > 0 && !gateways.includes('mesh')) return [];
    const registry = HostRegistry.of(ctx.inventory);
    for (const host of Array.isArray(route.spec.hosts) ? route.spec.hosts : []) {
      if (typeof host !== 'string' || host.includes('*')) continue;
      const target = registry.find(host, route.namespace, route.spec.exportTo);
      const service = target && services.get(`${target.namespace}/${target.name}`);
      if (service === target && service) found.add(service);
    }
  } else {
    for (const ref of Array.isArray(route.spec.parentRefs) ? route.spec.parentRefs : []) {
      if (!isRecord(ref) || ref.kind !== 'Service' || ref.group !== '') continue;
      const service = services.get(`${textOf(ref.namespace) || route.namespace}/${textOf(ref.name)}`);
      if (service) found.add(service);
    }
  }
  return [...found];
}

/**
 * CKI0016: a mesh route (a GAMMA HTTPRoute or GRPCRoute whose parent is a Service, or a
 * VirtualService without `gateways` or with `mesh`) for a Service in an ambient namespace that no
 * waypoint serves. In ambient mode ztunnel only does L4: Istio converts GAMMA routes to mesh
 * VirtualServices (pilot/pkg/config/kube/gateway route_collections.go) and applies them only in the
 * waypoint of the Service (getVirtualServiceForWaypoint in pilot/pkg/networking/core/listener_waypoint.go),
 * so splits, mirrors, timeouts and retries do nothing. Only when the app defines the Service's
 * Namespace (otherwise its mode is unknown). Limit: the rule looks at the destination Service only;
 * sidecar clients (pods injected in another namespace) do apply the route for their own requests.
 */
function checkMeshRoutes(ctx: AnalysisContext, namespaces: Map<string, Entry>): void {
  const waypoints = new Map(ctx.inventory.ofGroup(GATEWAY_GROUP, 'Gateway')
    .filter((g) => textOf(g.spec.gatewayClassName) === WAYPOINT_CLASS).map((g) => [`${g.namespace}/${g.name}`, g]));
  const services = new Map(ctx.inventory.ofGroup('', 'Service').map((s) => [`${s.namespace}/${s.name}`, s]));
  const routes = [...ctx.inventory.ofGroup(GATEWAY_GROUP, 'HTTPRoute'), ...ctx.inventory.ofGroup(GATEWAY_GROUP, 'GRPCRoute'),
    ...ctx.inventory.of('VirtualService')];
  for (const route of routes) {
    if (isIgnoredNamespace(route.namespace)) continue;
    for (const service of routedServices(ctx, route, services)) {
      const namespace = namespaces.get(service.namespace);
      if (!namespace || !namespaceInAmbient(namespace)) continue;
      const reason = noWaypointReason(service, namespace, waypoints);
      if (reason === undefined) continue;
      ctx.report(route, 'CKI0016', AnalysisLevel.ERROR,
        `${route.kind} ${route.namespace}/${route.name} routes Service ${service.namespace}/${service.name} in ambient namespace ${service.namespace}, `
        + `and no waypoint serves it (${reason}): ztunnel ignores L7 routes, so the route's splits, mirrors, timeouts and retries do nothing; `
        + "add a waypoint for the Service (new Waypoint(chart, 'waypoint').useFor(meshNamespace), or .useFor(service)), "
        + 'or put the namespace in sidecar mode');
    }
  }
}

/**
 * Ambient-mode checks: L7 AuthorizationPolicies ztunnel would enforce (CKI0014), waypoint
 * bindings to waypoints the app does not define (CKI0015) and mesh routes for Services no waypoint
 * serves (CKI0016). A Sidecar in ambient mode is Istio's IST0167 (checkSidecarSelectors), not
 * repeated here.
 */
export function checkAmbient(ctx: AnalysisContext): void {
  const namespaces = new Map(ctx.inventory.of('Namespace').map((n) => [n.name, n]));
  checkL7Policies(ctx, namespaces);
  checkWaypointReferences(ctx, namespaces);
  checkMeshRoutes(ctx, namespaces);
}
