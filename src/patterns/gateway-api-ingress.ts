import { ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ServicePolicy } from './gateway-routes';
import { SecureGatewayRouteOptions } from './secure-gateway-route';
import { CertificateRef, GatewayListener, KubernetesGateway, ListenerProtocol, ListenerTlsMode, RouteNamespaces } from '../gateway-api/gateway';
import { HttpCors, HttpRoute, HttpRouteFilter, HttpRouteRule } from '../gateway-api/http-route';
import { ReferenceGrant } from '../gateway-api/reference-grant';
import { BackendRef, ParentRef } from '../gateway-api/route-types';
import { CorsPolicy } from '../networking/cors';
import { Headers } from '../networking/headers';
import { RedirectScheme } from '../networking/http-route';
import { StringMatch } from '../networking/string-match';
import { routeMatch } from '../private/gateway-api-matches';
import { invalid } from '../private/invalid';
import { keepOnIstio } from '../private/traffic-api-choice';

/** At most this many hostnames per HTTPRoute (the CRD's limit). */
const MAX_ROUTE_HOSTNAMES = 16;

/** The option Istio reads on a Gateway API TLS listener to require client certificates. */
const TLS_TERMINATE_MODE = 'gateway.istio.io/tls-terminate-mode';

/** What a SecureGateway needs to write its Gateway API objects. */
export interface GatewayApiIngressProps {
  readonly hosts: string[];
  /** Namespace of the Gateway, of its routes, and of the gateway workload Istio deploys. */
  readonly namespace: string;
  readonly metadata?: ApiObjectMetadata;
  readonly gatewayClassName: string;
  readonly credentialName: string;
  readonly credentialNamespace: string;
  readonly mutual: boolean;
  readonly httpsRedirect: boolean;
  readonly clusterDomain: string;
}

/** At most this many rules per HTTPRoute, and targets per ReferenceGrant (the CRDs' limits). */
const MAX_RULES = 16;
const MAX_GRANT_TARGETS = 16;

/**
 * Names from hosts for listeners and routes: `shop-example-com`, `wildcard-example-com`; a
 * host whose name another host already took (`shop.example.com`, `shop-example.com`) gets its
 * position appended.
 */
function hostSlugs(hosts: string[]): Map<string, string> {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  hosts.forEach((host, i) => {
    let slug = host.replace(/^\*\./, 'wildcard.').replace(/\*/g, 'wildcard').replace(/\./g, '-');
    if (taken.has(slug)) slug = `${slug}-${i + 1}`;
    taken.add(slug);
    slugs.set(host, slug);
  });
  return slugs;
}

/**
 * The Gateway API rendering of a SecureGateway: a Gateway with an HTTPS listener per host (and
 * an HTTP listener whose only route redirects to HTTPS), one HTTPRoute per host in the
 * Gateway's namespace, and ReferenceGrants for what the routes and listeners reach in other
 * namespaces. Listeners admit routes of their own namespace only, so no other namespace can
 * attach a route to these hosts.
 */
export class GatewayApiIngress {
  public readonly gateway: KubernetesGateway;
  /** The HTTP listener's routes that redirect to HTTPS, 16 hosts each (the CRD's limit). */
  public readonly redirectRoutes: HttpRoute[] = [];
  private readonly routes = new Map<string, HttpRoute>();
  private readonly backendGrants = new Map<string, Array<{ grant: ReferenceGrant; names: Set<string> }>>();
  private readonly slugs: Map<string, string>;
  private readonly ruleCounts = new Map<string, number>();
  private routeCount = 0;

  public constructor(private readonly scope: Construct, private readonly props: GatewayApiIngressProps) {
    this.slugs = hostSlugs(props.hosts);
    const ownRoutes = { namespaces: RouteNamespaces.SAME, kinds: [{ kind: 'HTTPRoute' }] };
    const sameNamespace = props.credentialNamespace === props.namespace;
    const listeners: GatewayListener[] = props.hosts.map((host) => ({
      name: this.listenerName(host),
      port: 443,
      protocol: ListenerProtocol.HTTPS,
      hostname: host === '*' ? undefined : host,
      tls: {
        mode: ListenerTlsMode.TERMINATE,
        certificateRefs: [CertificateRef.of({ name: props.credentialName, namespace: sameNamespace ? undefined : props.credentialNamespace })],
        options: props.mutual ? { [TLS_TERMINATE_MODE]: 'MUTUAL' } : undefined,
      },
      allowedRoutes: ownRoutes,
    }));
    if (props.httpsRedirect) listeners.push({ name: 'http', port: 80, protocol: ListenerProtocol.HTTP, allowedRoutes: ownRoutes });
    this.gateway = new KubernetesGateway(scope, 'Gateway', {
      metadata: { ...props.metadata, namespace: props.namespace },
      gatewayClassName: props.gatewayClassName,
      listeners,
    });
    if (!sameNamespace) {
      ReferenceGrant.allowGatewaySecrets(scope, 'CertificateGrant', {
        gatewayNamespace: props.namespace,
        secretNames: [props.credentialName],
        metadata: { name: `${this.gateway.name}-certificates`, namespace: props.credentialNamespace },
      });
    }
    for (let i = 0; props.httpsRedirect && i < props.hosts.length; i += MAX_ROUTE_HOSTNAMES) {
      const n = i / MAX_ROUTE_HOSTNAMES;
      this.redirectRoutes.push(new HttpRoute(scope, n === 0 ? 'HttpsRedirect' : `HttpsRedirect${n + 1}`, {
        metadata: { name: `${this.gateway.name}-https-redirect${n === 0 ? '' : `-${n + 1}`}`, namespace: props.namespace },
        parentRefs: [ParentRef.of(this.gateway, 'http')],
        hostnames: this.hostnames(props.hosts.slice(i, i + MAX_ROUTE_HOSTNAMES)),
        rules: [{ filters: [HttpRouteFilter.requestRedirect({ scheme: RedirectScheme.HTTPS, statusCode: 301 })] }],
      }));
    }
  }

  /** The HTTPRoutes, one per host with routes, then the redirect. */
  public get httpRoutes(): HttpRoute[] {
    return [...this.routes.values(), ...this.redirectRoutes];
  }

  /**
   * Adds one route to the HTTPRoute of each host. Its timeout may come from a ResilientRoute
   * defined later, so the rules are produced again at synth.
   */
  public addRoute(options: SecureGatewayRouteOptions, hosts: string[], policy: () => ServicePolicy): void {
    const n = ++this.routeCount;
    for (const host of hosts) {
      const route = this.routeFor(host);
      const build = () => this.rules(options, policy(), `route${n}-`);
      const rules = build();
      const count = (this.ruleCounts.get(host) ?? 0) + rules.length;
      if (count > MAX_RULES) {
        invalid(this.scope, 'addRoute()', host, `brings the HTTPRoute of ${host} to ${count} rules, over the Gateway API's ${MAX_RULES} per route`,
          `combine routes (one path prefix for several), use fewer dark launches, ${keepOnIstio('gateway')}`);
      }
      this.ruleCounts.set(host, count);
      rules.forEach((rule, k) => {
        this.grantBackends(rule);
        route._addRuleProducer(() => build()[k]);
      });
    }
  }

  /** The rules of one route: the canary's (split, dark launch, mirror) or one rule. */
  private rules(options: SecureGatewayRouteOptions, policy: ServicePolicy, prefix: string): HttpRouteRule[] {
    const scope = this.scope;
    const match = routeMatch(scope, {
      path: options.path ?? StringMatch.prefix('/'), headers: options.matchHeaders, queryParams: options.queryParams, method: options.method,
    });
    if (options.directResponse) {
      invalid(scope, 'directResponse', options.directResponse.status, 'has no Gateway API equivalent (HTTPRoute cannot answer requests itself)',
        `route to a small service that answers, ${keepOnIstio('gateway')}`);
    }
    if (options.retries) {
      invalid(scope, 'retries', options.retries.attempts, 'is not in the Gateway API standard channel (HTTPRoute `retry` is Experimental in v1.6.1)',
        `leave it unset (Istio then retries twice on connection failures), ${keepOnIstio('gateway')}`);
    }
    const cors = options.corsPolicy ? [corsFilter(scope, options.corsPolicy)] : [];
    const filters = [...this.rewriteFilters(options), ...headerFilters(options.headers), ...cors];
    if (options.redirect) {
      const r = options.redirect;
      if (r.derivePort !== undefined) {
        invalid(scope, 'redirect.derivePort', r.derivePort, 'has no Gateway API equivalent', `give 'port', ${keepOnIstio('gateway')}`);
      }
      return [{
        matches: [match],
        filters: [HttpRouteFilter.requestRedirect({
          scheme: r.scheme, hostname: r.authority, replaceFullPath: r.uri, port: r.port, statusCode: r.redirectCode ?? 301,
        }), ...filters.filter((f) => f.type !== 'URLRewrite')],
      }];
    }
    const timeout = options.timeout ?? policy.timeout;
    const timeouts = timeout ? { request: timeout } : undefined;
    const canary = options.destination?._canary;
    if (canary) {
      return canary._gatewayApiRules([match], prefix).map((rule) => ({
        ...rule,
        filters: [...(rule.filters ?? []), ...filters],
        timeouts: timeouts ?? rule.timeouts,
      }));
    }
    const domain = this.props.clusterDomain;
    const backendRefs = options.destination
      ? [options.destination._backendRef(scope, 'destination', domain)]
      : (options.destinations ?? []).map((d, i) => d.target._backendRef(scope, `destinations[${i}].target`, domain, d.weight));
    return [{ matches: [match], filters: filters.length > 0 ? filters : undefined, backendRefs, timeouts }];
  }

  /** `stripPathPrefix` and `rewriteUri`: a prefix is replaced segment by segment, other paths in full. */
  private rewriteFilters(options: SecureGatewayRouteOptions): HttpRouteFilter[] {
    if (options.stripPathPrefix) return [HttpRouteFilter.urlRewrite({ replacePrefixMatch: '/' })];
    if (options.rewriteUri === undefined) return [];
    const prefix = (options.path ?? StringMatch.prefix('/')).kind === 'prefix';
    return [HttpRouteFilter.urlRewrite(prefix ? { replacePrefixMatch: options.rewriteUri } : { replaceFullPath: options.rewriteUri })];
  }

  /** Backends in another namespace need a ReferenceGrant there: one per namespace, naming the Services. */
  private grantBackends(rule: HttpRouteRule): void {
    const mirrors = (rule.filters ?? []).flatMap((f) => f._mirrorBackend ? [f._mirrorBackend] : []);
    const backends: BackendRef[] = [...(rule.backendRefs ?? []), ...mirrors];
    for (const backend of backends) {
      const namespace = backend.namespace;
      if (!namespace && backend._path) {
        invalid(this.scope, 'addRoute()', `Service ${backend.name}`, `has no namespace, so the gateway's routes in namespace ${this.props.namespace} would look for it there`,
          `give the chart of ${backend._path} a namespace`);
      }
      if (!namespace || namespace === this.props.namespace) continue;
      const grants = this.backendGrants.get(namespace) ?? [];
      this.backendGrants.set(namespace, grants);
      if (grants.some((g) => g.names.has(backend.name))) continue;
      let last = grants[grants.length - 1];
      // A ReferenceGrant lists at most 16 targets: the next Services go into `-backends-2`, ...
      if (!last || last.names.size === MAX_GRANT_TARGETS) {
        const k = grants.length + 1;
        const grant = ReferenceGrant.allowRouteBackends(this.scope, k === 1 ? `BackendGrant-${namespace}` : `BackendGrant-${namespace}-${k}`, {
          routeNamespace: this.props.namespace,
          routeKinds: ['HTTPRoute'],
          serviceNames: [backend.name],
          metadata: { name: `${this.gateway.name}-backends${k === 1 ? '' : `-${k}`}`, namespace },
        });
        grants.push(last = { grant, names: new Set() });
      }
      last.names.add(backend.name);
      last.grant._addTo({ group: '', kind: 'Service', name: backend.name });
    }
  }

  private routeFor(host: string): HttpRoute {
    let route = this.routes.get(host);
    if (!route) {
      const slug = this.slugs.get(host)!;
      route = new HttpRoute(this.scope, `HttpRoutes-${slug}`, {
        metadata: { name: `${this.gateway.name}-${slug}`, namespace: this.props.namespace },
        parentRefs: [ParentRef.of(this.gateway, this.listenerName(host))],
        hostnames: this.hostnames([host]),
      });
      this.routes.set(host, route);
    }
    return route;
  }

  /** The HTTPS listener of a host: `https-<slug>`, or `https` for `*`. */
  private listenerName(host: string): string {
    return host === '*' ? 'https' : `https-${this.slugs.get(host)}`;
  }

  /** Route hostnames: `*` (every host) is written as no hostnames. */
  private hostnames(hosts: string[]): string[] | undefined {
    const named = hosts.filter((h) => h !== '*');
    return named.length > 0 && named.length === hosts.length ? named : undefined;
  }
}

/** Istio header operations as Gateway API header modifier filters. */
function headerFilters(headers: Headers | undefined): HttpRouteFilter[] {
  if (!headers) return [];
  const filters: HttpRouteFilter[] = [];
  if (headers.request) filters.push(HttpRouteFilter.requestHeaders({ ...headers.request }));
  if (headers.response) filters.push(HttpRouteFilter.responseHeaders({ ...headers.response }));
  return filters;
}

/** An Istio CORS policy as a Gateway API CORS filter, which matches origins exactly (or with `*`). */
function corsFilter(scope: IConstruct, cors: CorsPolicy): HttpRouteFilter {
  cors.allowOrigins.forEach((origin, i) => {
    if (origin.kind !== 'exact') {
      invalid(scope, `corsPolicy.allowOrigins[${i}]`, origin.value, `is a ${origin.kind} match, and Gateway API CORS origins are exact strings (with * wildcards)`,
        `give StringMatch.exact('https://shop.example.com') or 'https://*.example.com', ${keepOnIstio('gateway')}`);
    }
  });
  if (cors.unmatchedPreflights !== undefined) {
    invalid(scope, 'corsPolicy.unmatchedPreflights', cors.unmatchedPreflights, 'has no Gateway API equivalent', 'remove it');
  }
  const filter: HttpCors = {
    allowOrigins: cors.allowOrigins.map((o) => o.value),
    allowMethods: cors.allowMethods,
    allowHeaders: cors.allowHeaders,
    exposeHeaders: cors.exposeHeaders,
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge,
  };
  return HttpRouteFilter.cors(filter);
}
