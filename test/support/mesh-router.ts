/**
 * A small model of how Istio routes one HTTP request, over synthesized manifests, so tests can
 * assert which workload a request reaches rather than which strings the YAML holds.
 *
 * It follows Istio 1.30's name resolution (pilot/pkg/model/config.go ResolveShortnameToFQDN,
 * resolveGatewayName; push_context.go destinationRule lookup order): short names resolve in
 * the namespace of the object that writes them; a gateway-bound VirtualService is found by the
 * `namespace/name` of its Gateway; a DestinationRule is looked up in the caller's namespace,
 * then the service's namespace, then the root namespace. Only what the tests need is modelled
 * (no ServiceEntries, no port matching, no sourceLabels).
 */

/** Where the request comes from: a sidecar in a namespace, or a gateway. */
export interface Caller {
  /** Namespace of the calling proxy (for a gateway: the gateway workload's namespace). */
  readonly namespace: string;
  /** For ingress: the Gateway object as `namespace/name`. */
  readonly gateway?: string;
}

/** The request. */
export interface Request {
  /** The host as the caller writes it (FQDN for mesh calls, the public host for ingress). */
  readonly host: string;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: { [name: string]: string };
}

/** Where a request goes: the workloads per weighted destination, and mirrored copies. */
export interface Routed {
  /** `namespace/name` of the workloads reached, with the route's weight. */
  readonly destinations: Array<{ workloads: string[]; weight: number; host: string; subset?: string }>;
  readonly mirrors: Array<{ workloads: string[]; host: string; subset?: string }>;
  /** The rule that matched: `namespace/vs-name` and its index. */
  readonly rule: string;
  /** The matched rule as written (timeout, retries, rewrite, redirect, ...). */
  readonly http: any;
  /** The path the destination sees, after Istio's rewrite (which replaces the matched prefix). */
  readonly forwardedPath: string;
}

const ROOT_NAMESPACE = 'istio-system';

export class MeshRouter {
  public constructor(private readonly manifests: any[], private readonly clusterDomain = 'cluster.local') {}

  /** Routes a request, or throws with the reason Istio would fail it (404 / 503). */
  public route(caller: Caller, request: Request): Routed {
    const vs = this.virtualServiceFor(caller, request.host);
    const rules: any[] = vs.spec.http ?? [];
    const index = rules.findIndex((rule) => !rule.match || rule.match.some((m: any) => this.matches(m, request)));
    if (index < 0) throw new Error(`404: no rule of VirtualService ${vs.metadata.namespace}/${vs.metadata.name} matches ${request.path}`);
    const rule = rules[index];
    const vsNamespace = vs.metadata.namespace;
    const reach = (d: any) => ({ ...this.workloadsOf(caller, d, vsNamespace), host: this.fqdn(d.host, vsNamespace), subset: d.subset });
    const destinations = (rule.route ?? []).map((r: any) => ({ ...reach(r.destination), weight: r.weight ?? 100 }));
    const mirrorList = rule.mirror ? [rule.mirror] : (rule.mirrors ?? []).map((m: any) => m.destination);
    const path = (request.path ?? '/').split('?')[0];
    const matched = (rule.match ?? []).find((m: any) => this.matches(m, request));
    let forwardedPath = path;
    if (rule.rewrite?.uri !== undefined) {
      forwardedPath = matched?.uri?.prefix !== undefined ? rule.rewrite.uri + path.slice(matched.uri.prefix.length)
        : matched?.uri?.exact !== undefined ? rule.rewrite.uri : path;
    }
    return { destinations, mirrors: mirrorList.map(reach), rule: `${vsNamespace}/${vs.metadata.name}#${index}`, http: rule, forwardedPath };
  }

  private fqdn(host: string, namespace: string): string {
    return host.includes('.') || host === '*' ? host : `${host}.${namespace}.svc.${this.clusterDomain}`;
  }

  private of(kind: string): any[] {
    return this.manifests.filter((m) => m.kind === kind);
  }

  private visible(object: any, namespace: string): boolean {
    const exportTo: string[] | undefined = object.spec?.exportTo;
    return !exportTo || exportTo.some((e) => e === '*' || e === namespace || (e === '.' && object.metadata.namespace === namespace));
  }

  private virtualServiceFor(caller: Caller, host: string): any {
    const candidates = this.of('VirtualService').filter((vs) => {
      const ns = vs.metadata.namespace;
      const gateways: string[] = (vs.spec.gateways ?? ['mesh']).map((g: string) => (g === 'mesh' || g.includes('/') ? g : `${ns}/${g}`));
      const bound = caller.gateway ? gateways.includes(caller.gateway) : gateways.includes('mesh');
      const hosts: string[] = (vs.spec.hosts ?? []).map((h: string) => this.fqdn(h, ns));
      return bound && this.visible(vs, caller.namespace) && hosts.some((h) => h === host || (h.startsWith('*') && host.endsWith(h.slice(1))));
    });
    if (candidates.length === 0) throw new Error(`404: no VirtualService for ${host} bound to ${caller.gateway ?? 'mesh'} visible from ${caller.namespace}`);
    if (candidates.length > 1) throw new Error(`conflict: ${candidates.length} VirtualServices for ${host}`);
    return candidates[0];
  }

  private matches(match: any, request: Request): boolean {
    const path = request.path ?? '/';
    const str = (m: any, value: string | undefined) => value !== undefined && (m.exact !== undefined ? value === m.exact
      : m.prefix !== undefined ? value.startsWith(m.prefix) : new RegExp(`^(?:${m.regex})$`).test(value));
    if (match.uri && !str(match.uri, path.split('?')[0])) return false;
    if (match.method && !str(match.method, request.method ?? 'GET')) return false;
    const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
    if (!Object.entries<any>(match.queryParams ?? {}).every(([name, m]) => str(m, query.get(name) ?? undefined))) return false;
    return Object.entries<any>(match.headers ?? {}).every(([name, m]) => str(m, request.headers?.[name.toLowerCase()]));
  }

  /** The workloads behind a destination, with the subset found the way a proxy in `caller` finds it. */
  private workloadsOf(caller: Caller, destination: any, vsNamespace: string): { workloads: string[] } {
    const host = this.fqdn(destination.host, vsNamespace);
    const service = this.of('Service').find((s) => this.fqdn(s.metadata.name, s.metadata.namespace) === host);
    if (!service) throw new Error(`503: no Service ${host}`);
    const serviceNamespace = service.metadata.namespace;
    let labels: { [key: string]: string } = { ...service.spec.selector };
    if (destination.subset) {
      const rule = this.destinationRuleFor(caller.namespace, host, serviceNamespace);
      const subset = rule?.spec.subsets?.find((s: any) => s.name === destination.subset);
      if (!subset) throw new Error(`503: no subset ${destination.subset} for ${host} seen from ${caller.namespace}`);
      labels = { ...labels, ...subset.labels };
    }
    const workloads = this.of('Deployment')
      .filter((d) => d.metadata.namespace === serviceNamespace)
      .filter((d) => Object.entries(labels).every(([k, v]) => d.spec.template.metadata?.labels?.[k] === v))
      .map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
    if (workloads.length === 0) throw new Error(`503: no pods of ${host} carry ${JSON.stringify(labels)}`);
    return { workloads };
  }

  /** Istio's lookup order: the caller's namespace, then the service's, then the root namespace. */
  private destinationRuleFor(callerNamespace: string, host: string, serviceNamespace: string): any {
    for (const ns of [callerNamespace, serviceNamespace, ROOT_NAMESPACE]) {
      const found = this.of('DestinationRule').find((dr) => dr.metadata.namespace === ns
        && this.fqdn(dr.spec.host, ns) === host && (ns === callerNamespace || this.visible(dr, callerNamespace)));
      if (found) return found;
    }
    return undefined;
  }
}
