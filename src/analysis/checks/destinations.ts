import { textOf } from '../../validation/shape';
import { AnalysisContext, routeDestinations } from '../context';
import { AnalysisLevel } from '../finding';
import { addTo, Entry, Inventory, suffixWildcards } from '../model';

const EVERYWHERE = '*';
const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

/** `exportTo` as a list of namespaces (`.` is the object's own; empty means everywhere). */
function exportList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string') : [];
}

/**
 * The hosts of the mesh's registry (Services and ServiceEntries) by the namespaces they are
 * visible in, as Istio's analyzers look them up (util.InitServiceEntryHostMap and
 * GetDestinationHost): `scope|fqdn`, the scope being `*` or a namespace.
 */
export class HostRegistry {
  /** One registry per inventory: several checks look hosts up. */
  public static of(inventory: Inventory): HostRegistry {
    let registry = HostRegistry.cache.get(inventory);
    if (!registry) {
      registry = new HostRegistry(inventory);
      HostRegistry.cache.set(inventory, registry);
    }
    return registry;
  }

  private static readonly cache = new WeakMap<Inventory, HostRegistry>();

  private readonly byScopedHost = new Map<string, Entry>();
  /** Every host by its FQDN, whatever namespaces it is visible in. */
  private readonly byHost = new Map<string, Entry>();

  private constructor(private readonly inventory: Inventory) {
    for (const se of inventory.of('ServiceEntry')) {
      const exportTo = exportList(se.spec.exportTo);
      const scopes = exportTo.length === 0 || exportTo.includes(EVERYWHERE) ? [EVERYWHERE] : exportTo.map((e) => (e === '.' ? se.namespace : e));
      for (const h of Array.isArray(se.spec.hosts) ? se.spec.hosts : []) {
        if (typeof h !== 'string') continue;
        for (const scope of scopes) this.byScopedHost.set(`${scope}|${inventory.fqdn(h, se.namespace)}`, se);
        this.byHost.set(inventory.fqdn(h, se.namespace), se);
      }
    }
    // Services after ServiceEntries: for the same host and scope, the Service is what Istio finds.
    for (const service of inventory.of('Service')) {
      const annotation = textOf(service.manifest.metadata?.annotations?.[EXPORT_TO_ANNOTATION]);
      const scopes = annotation === '' ? [EVERYWHERE] : annotation.split(',').map((e) => e.trim()).map((e) => (e === '.' ? service.namespace : e));
      for (const scope of scopes) this.byScopedHost.set(`${scope}|${inventory.fqdn(service.name, service.namespace)}`, service);
      this.byHost.set(inventory.fqdn(service.name, service.namespace), service);
    }
  }

  /**
   * The Service or ServiceEntry that `host`, written in an object of `namespace` exported to
   * `exportTo`, names: first by its FQDN among hosts visible everywhere, then in the namespaces the
   * object is exported to (its own when it has no exportTo), then among wildcard ServiceEntry hosts
   * visible everywhere or in `namespace` (the most specific first).
   */
  public find(host: string, namespace: string, exportTo: unknown): Entry | undefined {
    const fqdn = this.inventory.fqdn(host, namespace);
    const exports = exportList(exportTo);
    const scopes = [EVERYWHERE, ...(exports.length === 0 ? [namespace] : exports.map((e) => (e === '.' ? namespace : e)))];
    for (const scope of scopes) {
      const found = this.byScopedHost.get(`${scope}|${fqdn}`);
      if (found) return found;
    }
    for (const wildcard of suffixWildcards(host)) {
      const found = this.byScopedHost.get(`${EVERYWHERE}|${wildcard}`) ?? this.byScopedHost.get(`${namespace}|${wildcard}`);
      if (found) return found;
    }
    return undefined;
  }

  /** The Service or ServiceEntry that defines `host` (written in `namespace`), visible there or not. */
  public definedAnywhere(host: string, namespace: string): Entry | undefined {
    const fqdn = this.inventory.fqdn(host, namespace);
    for (const h of [fqdn, ...suffixWildcards(host)]) {
      const found = this.byHost.get(h);
      if (found) return found;
    }
    return undefined;
  }
}

/** The port numbers a Service or ServiceEntry exposes. */
export function portsOf(entry: Entry): number[] {
  const ports = Array.isArray(entry.spec.ports) ? entry.spec.ports : [];
  return ports.map((p: any) => (entry.kind === 'Service' ? p?.port : p?.number)).filter((n: unknown) => typeof n === 'number');
}

/**
 * IST0101 (host+subset): a route or mirror names a subset that no DestinationRule for its host
 * defines (requests get 503). Like Istio's analyzer, DestinationRules of every namespace count.
 * When the subset exists for the same short name in another namespace, the message says that
 * the host resolves in the VirtualService's namespace and names the FQDN to write instead.
 */
export function checkDestinationSubsets(ctx: AnalysisContext): void {
  const subsets = new Set<string>();
  const namespacesByShortSubset = new Map<string, string[]>();
  for (const dr of ctx.inventory.of('DestinationRule')) {
    const host: string = dr.spec.host ?? '';
    for (const s of dr.spec.subsets ?? []) {
      subsets.add(`${ctx.inventory.fqdn(host, dr.namespace)}+${s?.name}`);
      if (!host.includes('.')) addTo(namespacesByShortSubset, `${host}+${s?.name}`, dr.namespace);
    }
  }
  for (const vs of ctx.inventory.of('VirtualService')) {
    for (const { field, destination, mirror } of routeDestinations(vs.spec)) {
      if (!destination.subset) continue;
      const host: string = destination.host ?? '';
      const resolved = ctx.inventory.fqdn(host, vs.namespace);
      if (subsets.has(`${resolved}+${destination.subset}`)) continue;
      const elsewhere = host.includes('.') ? [] : namespacesByShortSubset.get(`${host}+${destination.subset}`) ?? [];
      const fix = elsewhere.length > 0
        ? `the DestinationRule in namespace ${elsewhere[0]} defines it for ${ctx.inventory.fqdn(host, elsewhere[0])}, but "${host}" in this VirtualService resolves in its own `
          + `namespace to ${resolved}; write the host as ${ctx.inventory.fqdn(host, elsewhere[0])} (Destination.toSubset() does this for a DestinationRule construct)`
        : `add subset "${destination.subset}" to the DestinationRule for ${host}, or fix the subset name`;
      ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced ${mirror ? 'mirror' : 'host'}+subset in destinationrule not found: "${host}+${destination.subset}" `
        + `(${field}); requests get 503 — ${fix}`);
    }
  }
}

/**
 * As Istio's DestinationHostAnalyzer, for every route and mirror destination of a VirtualService:
 * IST0101 (host) when no Service or ServiceEntry visible where the VirtualService is exported
 * defines the host; IST0112 when the destination has no port and the service exposes several;
 * IST0101 (host:port) when its port is not one the service exposes.
 *
 * Unlike `istioctl analyze`, which sees the whole cluster, the analyzed objects are often part of
 * it: a host they know nothing about is reported only when they should know it — a Service or
 * ServiceEntry defines it but is not visible where the VirtualService is exported; a Service of
 * that short name is in another namespace (the message names the FQDN to write); or it is a
 * cluster name (`name` or `name.namespace.svc.<domain>`) in a namespace whose Services the
 * analyzed objects define.
 */
export function checkDestinationHosts(ctx: AnalysisContext): void {
  const registry = HostRegistry.of(ctx.inventory);
  const namespacesByName = new Map<string, string[]>();
  for (const service of ctx.inventory.of('Service')) addTo(namespacesByName, service.name, service.namespace);
  const known: KnownHosts = {
    registry,
    namespacesByName,
    serviceNamespaces: new Set(ctx.inventory.of('Service').map((s) => s.namespace)),
    clusterHost: new RegExp(`^[^.]+\\.([^.]+)\\.svc\\.${ctx.inventory.clusterDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  };
  for (const vs of ctx.inventory.of('VirtualService')) {
    for (const { field, destination, mirror } of routeDestinations(vs.spec)) {
      const host = textOf(destination.host);
      const service = registry.find(host, vs.namespace, vs.spec.exportTo);
      if (!service) {
        const fix = unknownHostFix(ctx, known, vs, host);
        if (fix) ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced ${mirror ? 'mirror host' : 'host'} not found: "${host}" (${field}); ${fix}`);
        continue;
      }
      const ports = portsOf(service);
      const port = destination.port?.number;
      if (port === undefined) {
        if (ports.length > 1) {
          ctx.report(vs, 'IST0112', AnalysisLevel.ERROR, `This VirtualService routes to a service "${host}" that exposes multiple ports [${ports.join(' ')}]. `
            + `Specifying a port in the destination is required to disambiguate; give ${field} a port`);
        }
      } else if (!ports.includes(port)) {
        ctx.report(vs, 'IST0101', AnalysisLevel.ERROR, `Referenced host:port not found: "${host}:${port}" (${field}); `
          + `${service.kind} ${service.namespace}/${service.name} exposes [${ports.join(' ')}]`);
      }
    }
  }
}

/** What the analyzed objects say about hosts, for judging a host the registry does not resolve. */
interface KnownHosts {
  readonly registry: HostRegistry;
  /** Namespaces of the Services of each name. */
  readonly namespacesByName: Map<string, string[]>;
  /** Namespaces in which the analyzed objects define Services. */
  readonly serviceNamespaces: Set<string>;
  /** `name.<namespace>.svc.<cluster domain>`, capturing the namespace. */
  readonly clusterHost: RegExp;
}

/** Why a host the registry does not resolve is wrong, and how to fix it; undefined when it may be defined outside the analyzed objects. */
function unknownHostFix(ctx: AnalysisContext, known: KnownHosts, vs: Entry, host: string): string | undefined {
  const fqdn = ctx.inventory.fqdn(host, vs.namespace);
  const hidden = known.registry.definedAnywhere(host, vs.namespace);
  if (hidden) {
    return `${hidden.kind} ${hidden.namespace}/${hidden.name} defines it, but is not exported to where this VirtualService is `
      + `(${vs.spec.exportTo ? `its exportTo ${JSON.stringify(vs.spec.exportTo)}` : `namespace ${vs.namespace}`}); export it there (exportTo, or the `
      + `${EXPORT_TO_ANNOTATION} annotation of a Service), or fix the VirtualService's exportTo`;
  }
  const elsewhere = host.includes('.') ? [] : (known.namespacesByName.get(host) ?? []).filter((ns) => ns !== vs.namespace);
  if (elsewhere.length > 0) {
    return `it resolves in the VirtualService's namespace to ${fqdn}, but the Service ${host} is in namespace ${elsewhere.join(', ')}; `
      + `write ${ctx.inventory.fqdn(host, elsewhere[0])}`;
  }
  const namespace = known.clusterHost.exec(fqdn)?.[1];
  if (namespace !== undefined && known.serviceNamespaces.has(namespace)) {
    return `no Service ${fqdn} is among the Services of namespace ${namespace}; fix the host, or define the Service`;
  }
  return undefined;
}

/** Whether a VirtualService applies to sidecars (no gateways, or `mesh` among them). */
function appliesToMesh(vs: Entry): boolean {
  const gateways = Array.isArray(vs.spec.gateways) ? vs.spec.gateways : [];
  return gateways.length === 0 || gateways.includes('mesh');
}

/**
 * IST0140 (IngressRouteRulesNotAffected), as Istio's DestinationHostAnalyzer: a VirtualService
 * bound to a gateway routes to a host without a subset, while a mesh VirtualService for that host
 * splits its traffic by subset. The gateway sends to the host directly, so the mesh
 * VirtualService's subset routing does not apply to requests from the gateway. Hosts are
 * compared as FQDNs, each resolved in its VirtualService's namespace.
 */
export function checkIngressSubsetRoutes(ctx: AnalysisContext): void {
  // FQDN of a host → mesh VirtualServices for that host that route it to a subset.
  const subsetRoutes = new Map<string, Entry[]>();
  const virtualServices = ctx.inventory.of('VirtualService');
  for (const vs of virtualServices) {
    if (!appliesToMesh(vs)) continue;
    const hosts = new Set((Array.isArray(vs.spec.hosts) ? vs.spec.hosts : []).map((h: unknown) => ctx.inventory.fqdn(textOf(h), vs.namespace)));
    const split = new Set<string>();
    for (const rule of Array.isArray(vs.spec.http) ? vs.spec.http : []) {
      for (const r of Array.isArray(rule?.route) ? rule.route : []) {
        const host = ctx.inventory.fqdn(textOf(r?.destination?.host), vs.namespace);
        if (r?.destination?.subset && hosts.has(host)) split.add(host);
      }
    }
    for (const host of split) addTo(subsetRoutes, host, vs);
  }
  for (const vs of virtualServices) {
    const gateways = Array.isArray(vs.spec.gateways) ? vs.spec.gateways : [];
    if (!gateways.some((g: unknown) => g !== 'mesh')) continue;
    const reported = new Set<string>();
    for (const rule of Array.isArray(vs.spec.http) ? vs.spec.http : []) {
      for (const r of Array.isArray(rule?.route) ? rule.route : []) {
        if (!r?.destination || r.destination.subset) continue;
        const host = ctx.inventory.fqdn(textOf(r.destination.host), vs.namespace);
        for (const meshRoute of subsetRoutes.get(host) ?? []) {
          const key = `${meshRoute.namespace}/${meshRoute.name}|${host}`;
          if (meshRoute === vs || reported.has(key)) continue;
          reported.add(key);
          ctx.report(vs, 'IST0140', AnalysisLevel.WARNING, `Subset in virtual service ${meshRoute.namespace}/${meshRoute.name} has no effect on ingress gateway `
            + `${vs.namespace}/${vs.name} requests (it routes ${host} without a subset, and the gateway does not apply the mesh VirtualService's routes); `
            + 'route to the subsets in this VirtualService too, if gateway traffic must follow them');
        }
      }
    }
  }
}
