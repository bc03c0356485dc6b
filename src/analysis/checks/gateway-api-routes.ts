import { isRecord, textOf } from '../../validation/shape';
import { AnalysisContext } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry } from '../model';
import { grants } from './reference-grants';

/** The API group of the Gateway API. */
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The route kinds these checks read. */
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];

/** The label every namespace has (Kubernetes 1.22+), which allowedRoutes selectors may match. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The route kinds a listener supports by protocol, as Istio's generateSupportedKinds: HTTP and
 * HTTPS listeners (Istio terminates TLS) take HTTPRoute and GRPCRoute; TCP takes TCPRoute; TLS
 * takes TLSRoute (and TCPRoute when it terminates); other protocols take none.
 */
function supportedKinds(listener: any): string[] {
  switch (textOf(listener?.protocol)) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute'];
    case 'TCP':
      return ['TCPRoute'];
    case 'TLS':
      return textOf(listener?.tls?.mode) === 'Terminate' ? ['TLSRoute', 'TCPRoute'] : ['TLSRoute'];
    default:
      return [];
  }
}

/** The route kinds a listener admits: its protocol's, narrowed by `allowedRoutes.kinds` (group defaults to the Gateway API's). */
function admittedKinds(listener: any): string[] {
  const supported = supportedKinds(listener);
  const kinds = Array.isArray(listener?.allowedRoutes?.kinds) ? listener.allowedRoutes.kinds : [];
  if (kinds.length === 0) return supported;
  return supported.filter((s) => kinds.some((k: any) => textOf(k?.kind) === s && textOf(k?.group, GATEWAY_GROUP) === GATEWAY_GROUP));
}

/**
 * Whether two hostnames match, as Istio's host.Name.Matches (which route attachment uses): equal,
 * `*` matches everything, and a wildcard `*.example.com` matches the names (or narrower
 * wildcards) ending in `.example.com`, in both directions; `*.example.com` does not match
 * `example.com`.
 */
export function hostnamesIntersect(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) return a.length >= b.length ? a.endsWith(b.slice(1)) : b.endsWith(a.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/** Whether a label selector (matchLabels and matchExpressions) selects `labels`. */
function selectorMatches(selector: any, labels: { [key: string]: string }): boolean {
  if (!isRecord(selector)) return true;
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return expressions.every((e: any) => {
    const key = textOf(e?.key);
    const values: string[] = Array.isArray(e?.values) ? e.values : [];
    switch (textOf(e?.operator)) {
      case 'In': return key in labels && values.includes(labels[key]);
      case 'NotIn': return !(key in labels) || !values.includes(labels[key]);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
}

/**
 * Whether a listener's `allowedRoutes.namespaces` admits routes of `namespace` (Istio's
 * namespacesFromSelector): `Same` (the default) the Gateway's namespace, `All` every one,
 * `Selector` the namespaces whose labels (with `kubernetes.io/metadata.name`) it selects.
 * Undefined when it cannot be told: a Selector, and the app does not define that Namespace.
 */
function namespaceAdmitted(listener: any, gateway: Entry, namespace: string, namespaces: Map<string, Entry>): boolean | undefined {
  const from = textOf(listener?.allowedRoutes?.namespaces?.from, 'Same');
  if (from === 'All') return true;
  if (from === 'Selector') {
    const ns = namespaces.get(namespace);
    if (!ns) return undefined;
    const labels = { ...(isRecord(ns.manifest.metadata?.labels) ? ns.manifest.metadata.labels : {}), [NAMESPACE_NAME_LABEL]: namespace };
    return selectorMatches(listener.allowedRoutes.namespaces.selector, labels);
  }
  return namespace === gateway.namespace;
}

/** `listeners [a (port 80, HTTP, hostname x)]`, for messages. */
function describeListeners(listeners: any[]): string {
  if (listeners.length === 0) return 'no listeners';
  return `listeners [${listeners.map((l) => `${textOf(l?.name)} (port ${l?.port}, ${textOf(l?.protocol)}${l?.hostname ? `, hostname ${l.hostname}` : ''})`).join(', ')}]`;
}

const entriesOf = (list: unknown): any[] => (Array.isArray(list) ? list : []);

/** The routes (HTTPRoute and GRPCRoute, any version) of the analyzed objects. */
function routesOf(ctx: AnalysisContext): Entry[] {
  return ROUTE_KINDS.flatMap((kind) => ctx.inventory.ofGroup(GATEWAY_GROUP, kind));
}

/**
 * CKI0008: an HTTPRoute or GRPCRoute parentRef to a Gateway API Gateway the route cannot attach
 * to, as Istio's route attachment (pilot/pkg/config/kube/gateway referenceAllowed) decides it:
 *
 * - the Gateway is not among the analyzed objects. As IST0101 treats a VirtualService's
 *   `gateways`: reported unless it is listed in the analysis' external gateways (`namespace/name`;
 *   the routes' `ParentRef.gateway()` registers its Gateways so, as `Gateway.fromGatewayName()`
 *   does for VirtualServices);
 * - its `sectionName` names no listener, or its `port` is no listener's (NoMatchingParent);
 * - no listener (of those named) has a hostname that intersects the route's `hostnames`
 *   (NoMatchingListenerHostname; a listener without hostname, or a route without hostnames, matches all);
 * - no such listener admits routes of the route's namespace (`allowedRoutes.namespaces`; a
 *   Selector on a Namespace the app does not define is taken as admitting), or the route's kind
 *   (`allowedRoutes.kinds`, else the listener protocol's kinds) (NotAllowedByListeners).
 *
 * The route is not attached there: its requests get 404 from that Gateway.
 */
export function checkRouteParents(ctx: AnalysisContext, external: Set<string>): void {
  const routes = routesOf(ctx);
  if (routes.length === 0) return;
  const gateways = new Map(ctx.inventory.ofGroup(GATEWAY_GROUP, 'Gateway').map((g) => [`${g.namespace}/${g.name}`, g]));
  const namespaces = new Map(ctx.inventory.of('Namespace').map((n) => [n.name, n]));
  for (const route of routes) {
    const hostnames: string[] = entriesOf(route.spec.hostnames).map((h) => textOf(h)).filter((h) => h !== '');
    entriesOf(route.spec.parentRefs).forEach((ref, i) => {
      if (textOf(ref?.group, GATEWAY_GROUP) !== GATEWAY_GROUP || textOf(ref?.kind, 'Gateway') !== 'Gateway') return;
      const key = `${textOf(ref?.namespace, route.namespace)}/${textOf(ref?.name)}`;
      const field = `parentRefs[${i}] (Gateway ${key}${ref?.sectionName ? `, sectionName ${ref.sectionName}` : ''}${ref?.port ? `, port ${ref.port}` : ''})`;
      const report = (problem: string, fix: string) => ctx.report(route, 'CKI0008', AnalysisLevel.ERROR,
        `${route.kind} ${route.namespace}/${route.name} ${field}: ${problem}; the route is not attached to that Gateway and its requests get 404 there — ${fix}`);
      const gateway = gateways.get(key);
      if (!gateway) {
        if (!external.has(key)) {
          report('the Gateway is not defined', 'define the Gateway, fix the reference, or use ParentRef.gateway() (or list '
            + `${key} in externalGateways / --external) for a Gateway defined outside this app`);
        }
        return;
      }
      const all = entriesOf(gateway.spec.listeners);
      let listeners = all;
      if (ref?.sectionName !== undefined) {
        listeners = listeners.filter((l) => textOf(l?.name) === textOf(ref.sectionName));
        if (listeners.length === 0) {
          return report(`sectionName names no listener of the Gateway (it has ${describeListeners(all)})`, 'name one of its listeners, or leave sectionName out');
        }
      }
      if (ref?.port !== undefined) {
        const named = listeners;
        listeners = listeners.filter((l) => l?.port === ref.port);
        if (listeners.length === 0) {
          return report(`no listener has port ${ref.port} (considered ${describeListeners(named)})`, 'give a port of one of these listeners, or leave port out');
        }
      }
      const considered = listeners;
      listeners = listeners.filter((l) => !l?.hostname || (hostnames.length === 0 ? ['*'] : hostnames).some((h) => hostnamesIntersect(textOf(l.hostname), h)));
      if (listeners.length === 0) {
        return report(`no listener hostname intersects the route's hostnames [${hostnames.join(', ')}] (NoMatchingListenerHostname; considered ${describeListeners(considered)})`,
          'add a listener for these hostnames, or fix the route hostnames');
      }
      const hostMatched = listeners;
      listeners = listeners.filter((l) => namespaceAdmitted(l, gateway, route.namespace, namespaces) !== false);
      if (listeners.length === 0) {
        return report(`no listener admits routes of namespace ${route.namespace} (NotAllowedByListeners; considered ${describeListeners(hostMatched)}, `
          + `allowedRoutes.namespaces.from ${hostMatched.map((l) => textOf(l?.allowedRoutes?.namespaces?.from, 'Same')).join('/')})`,
        `set allowedRoutes.namespaces on the listener to All, or to a Selector matching namespace ${route.namespace}'s labels `
          + `(RouteNamespaces.ALL / SELECTOR on KubernetesGateway listeners), or move the route to namespace ${gateway.namespace}`);
      }
      if (!listeners.some((l) => admittedKinds(l).includes(route.kind))) {
        return report(`no listener admits kind ${route.kind} (NotAllowedByListeners; considered ${describeListeners(listeners)}, `
          + `admitting [${[...new Set(listeners.flatMap(admittedKinds))].join(', ')}])`,
        `attach to an HTTP or HTTPS listener, or add ${route.kind} to its allowedRoutes.kinds`);
      }
      return undefined;
    });
  }
}

/** A reference to a core Service, with where it was written. */
interface ServiceReference {
  readonly field: string;
  readonly ref: any;
}

/** The backendRefs of a route: each rule's, their RequestMirror filters', and its rules' RequestMirror filters'. */
function backendReferences(spec: any): ServiceReference[] {
  const refs: ServiceReference[] = [];
  const mirrors = (filters: unknown, field: string) => entriesOf(filters).forEach((f, k) => {
    if (textOf(f?.type) === 'RequestMirror' && isRecord(f?.requestMirror?.backendRef)) {
      refs.push({ field: `${field}.filters[${k}].requestMirror.backendRef`, ref: f.requestMirror.backendRef });
    }
  });
  entriesOf(spec.rules).forEach((rule, i) => {
    mirrors(rule?.filters, `rules[${i}]`);
    entriesOf(rule?.backendRefs).forEach((b, j) => {
      refs.push({ field: `rules[${i}].backendRefs[${j}]`, ref: b });
      mirrors(b?.filters, `rules[${i}].backendRefs[${j}]`);
    });
  });
  return refs;
}

/** The ports a Service exposes; undefined when it has none to compare with (ExternalName, or no ports). */
function servicePorts(service: Entry): number[] | undefined {
  if (textOf(service.spec.type) === 'ExternalName') return undefined;
  const ports = entriesOf(service.spec.ports).map((p) => p?.port).filter((p) => typeof p === 'number');
  return ports.length > 0 ? ports : undefined;
}

/**
 * CKI0009: an HTTPRoute or GRPCRoute reference to a core Service that does not resolve:
 *
 * - a backendRef (rule, per-backend RequestMirror and rule RequestMirror filters) to a Service
 *   in another namespace that no ReferenceGrant of that namespace allows (from routes of this
 *   kind in the route's namespace, to that Service or every Service): RefNotPermitted. Only for
 *   a route with a Gateway parent: Istio converts a route once for its mesh parents (Service,
 *   ServiceEntry) and once for its Gateway parents, and enforces ReferenceGrants only in the
 *   Gateway conversion (pilot/pkg/config/kube/gateway route_collections.go calls
 *   convertHTTPRoute(..., !mesh); conversion.go buildDestination checks grants only when
 *   enforceRefGrant). A route with both kinds of parents is refused for its Gateway parents, so
 *   it is reported; a mesh-only (GAMMA) route is not;
 * - a backendRef, or a GAMMA parentRef (kind Service), to a Service the app defines without its
 *   `port`;
 * - a backendRef or GAMMA parentRef to a Service the app does not define, in a namespace whose
 *   Services the app defines. As IST0101 treats VirtualService destination hosts, a namespace
 *   the analyzed objects define no Service in is not judged (they are often part of a cluster);
 *   unlike IST0101 (an Error), this is a Warning: `BackendRef.of()` names Services defined
 *   outside the app, which may share a namespace with the app's own.
 *
 * Istio answers with 500 for the backend (ResolvedRefs false: BackendNotFound, RefNotPermitted),
 * or does not apply the mesh route (parent service not found).
 */
export function checkRouteBackends(ctx: AnalysisContext): void {
  const routes = routesOf(ctx);
  if (routes.length === 0) return;
  const services = new Map(ctx.inventory.of('Service').map((s) => [`${s.namespace}/${s.name}`, s]));
  const serviceNamespaces = new Set(ctx.inventory.of('Service').map((s) => s.namespace));
  const grantsByNamespace = new Map<string, Entry[]>();
  for (const grant of ctx.inventory.ofGroup(GATEWAY_GROUP, 'ReferenceGrant')) addTo(grantsByNamespace, grant.namespace, grant);
  for (const route of routes) {
    const report = (field: string, problem: string, level = AnalysisLevel.ERROR) =>
      ctx.report(route, 'CKI0009', level, `${route.kind} ${route.namespace}/${route.name} ${field}: ${problem}`);
    const checkService = (field: string, namespace: string, name: string, port: unknown, what: string) => {
      const service = services.get(`${namespace}/${name}`);
      if (!service) {
        if (serviceNamespaces.has(namespace)) {
          report(field, `Service ${namespace}/${name} is not defined, though this app defines the Services of namespace ${namespace}; ${what} — `
            + 'define the Service, or fix the name (and namespace)', AnalysisLevel.WARNING);
        }
        return;
      }
      const ports = servicePorts(service);
      if (typeof port === 'number' && ports && !ports.includes(port)) {
        report(field, `Service ${namespace}/${name} has no port ${port} (it exposes [${ports.join(', ')}]); ${what} — use one of its ports, or add the port to the Service`);
      }
    };
    entriesOf(route.spec.parentRefs).forEach((ref, i) => {
      if (textOf(ref?.group, GATEWAY_GROUP) !== '' || textOf(ref?.kind, 'Gateway') !== 'Service') return;
      const namespace = textOf(ref?.namespace, route.namespace);
      checkService(`parentRefs[${i}] (Service ${namespace}/${textOf(ref?.name)})`, namespace, textOf(ref?.name), ref?.port,
        'the mesh (GAMMA) route does not apply');
    });
    // Istio's mesh parents (routeParentReference.IsMesh): core Services and ServiceEntries; every other parent is a Gateway one.
    const gatewayParent = entriesOf(route.spec.parentRefs).some((ref) => {
      const group = textOf(ref?.group, GATEWAY_GROUP);
      const kind = textOf(ref?.kind, 'Gateway');
      return !(group === '' && kind === 'Service') && !(group === 'networking.istio.io' && kind === 'ServiceEntry');
    });
    for (const { field, ref } of backendReferences(route.spec)) {
      if (textOf(ref?.group) !== '' || textOf(ref?.kind, 'Service') !== 'Service') continue;
      const name = textOf(ref?.name);
      const namespace = textOf(ref?.namespace, route.namespace);
      const at = `${field} (Service ${namespace}/${name}${ref?.port !== undefined ? `:${ref.port}` : ''})`;
      if (gatewayParent && namespace !== route.namespace) {
        const from = { group: GATEWAY_GROUP, kind: route.kind, namespace: route.namespace };
        if (!(grantsByNamespace.get(namespace) ?? []).some((g) => grants(g, from, { group: '', kind: 'Service', name }))) {
          report(at, `the Service is in another namespace, and no ReferenceGrant in ${namespace} allows it: the reference is refused (RefNotPermitted) `
            + `and requests to this backend through the route's Gateway parents get 500 — add a ReferenceGrant in namespace ${namespace} from { group: ${GATEWAY_GROUP}, kind: ${route.kind}, `
            + `namespace: ${route.namespace} } to { group: "", kind: Service, name: ${name} } (the ReferenceGrant construct)`);
        }
      }
      checkService(at, namespace, name, ref?.port, 'requests to this backend get 500 (BackendNotFound)');
    }
  }
}
