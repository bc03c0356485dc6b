import { App, Chart, Duration, Testing, Yaml } from 'cdk8s';
import * as kplus33 from 'cdk8s-plus-33';
import {
  CanaryService, DataplaneMode, GatewayRouteTarget, HttpMethod, MeshNamespace, MeshSettings, ResilientRoute, SecureGateway, SecureGatewayProps,
  SecureGatewayTlsMode, StringMatch, TlsProtocolVersion, TrafficApi,
} from '../../src';
import { synthError, synthValid } from '../support/schema';

/** An edge chart with the gateway and a team chart in `shop`, as users lay them out. */
function app(props: Partial<SecureGatewayProps> = {}) {
  const root = new App();
  const edge = new Chart(root, 'edge', { namespace: 'edge' });
  const shop = new Chart(root, 'shop', { namespace: 'shop' });
  const gw = new SecureGateway(edge, 'ingress', {
    trafficApi: TrafficApi.GATEWAY_API, hosts: ['shop.example.com'], credentialName: 'shop-cert', metadata: { name: 'shop-gateway' }, ...props,
  });
  return { root, edge, shop, gw };
}
const of = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);
const named = (manifests: any[], kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const all = (root: App) => root.charts.flatMap((c) => synthValid(c));
const versions = [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 20 }];

describe('SecureGateway with TrafficApi.GATEWAY_API', () => {
  test('a Gateway with an HTTPS listener per host, an HTTP listener whose only route redirects, one HTTPRoute per host', () => {
    const { root, shop, gw } = app({ hosts: ['shop.example.com', 'api.example.com'] });
    const frontend = new kplus33.Service(shop, 'frontend', { metadata: { name: 'frontend' }, ports: [{ port: 8080 }] });
    gw.addRoute({ destination: GatewayRouteTarget.fromService(frontend) });
    const manifests = all(root);
    const gateway = named(manifests, 'Gateway', 'shop-gateway');
    expect(gateway.apiVersion).toBe('gateway.networking.k8s.io/v1');
    // Istio deploys the workload of a Gateway API Gateway in the Gateway's namespace.
    expect(gateway.metadata.namespace).toBe('istio-system');
    expect(gateway.spec.gatewayClassName).toBe('istio');
    const own = { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] };
    expect(gateway.spec.listeners).toEqual([
      { name: 'https-shop-example-com', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-cert' }] }, allowedRoutes: own },
      { name: 'https-api-example-com', port: 443, protocol: 'HTTPS', hostname: 'api.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: 'shop-cert' }] }, allowedRoutes: own },
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: own },
    ].map((l) => expect.objectContaining(l)));
    const redirect = named(manifests, 'HTTPRoute', 'shop-gateway-https-redirect');
    expect(redirect.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gateway', sectionName: 'http' }]);
    expect(redirect.spec.hostnames).toEqual(['shop.example.com', 'api.example.com']);
    expect(redirect.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
    }]);
    const routes = of(manifests, 'HTTPRoute').filter((r) => r !== redirect);
    expect(routes.map((r) => [r.metadata.namespace, r.spec.hostnames, r.spec.parentRefs[0].sectionName])).toEqual([
      ['istio-system', ['shop.example.com'], 'https-shop-example-com'],
      ['istio-system', ['api.example.com'], 'https-api-example-com'],
    ]);
    expect(routes[0].spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'frontend', namespace: 'shop', port: 8080 }],
    }]);
    // The backend is in another namespace: a ReferenceGrant there lets the routes reach it.
    const [grant] = of(manifests, 'ReferenceGrant');
    expect(grant.metadata).toEqual({ name: 'shop-gateway-backends', namespace: 'shop' });
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-system' }],
      to: [{ group: '', kind: 'Service', name: 'frontend' }],
    });
    expect(gw.httpRoutes.map((r) => r.name)).toEqual([...routes.map((r) => r.metadata.name), 'shop-gateway-https-redirect']);
    expect(gw.kubernetesGateway.name).toBe('shop-gateway');
    expect(manifests).toMatchSnapshot();
  });

  test('a CanaryService: its split, dark launch and mirror on the version Services, the path prefix stripped', () => {
    const { root, shop, gw } = app();
    const reviews = new CanaryService(shop, 'reviews', {
      trafficApi: TrafficApi.GATEWAY_API,
      port: 9080,
      versions,
      matchRoutes: [{ version: 'v2', headers: { 'x-beta': StringMatch.exact('1') } }],
      mirror: { version: 'v2', percentage: 10 },
      resilience: { timeout: Duration.seconds(3) },
    });
    gw.addRoute({ path: StringMatch.prefix('/reviews'), stripPathPrefix: true, destination: GatewayRouteTarget.fromCanary(reviews) });
    const manifests = all(root);
    const route = of(manifests, 'HTTPRoute').find((r) => r.spec.hostnames?.[0] === 'shop.example.com' && r.spec.parentRefs[0].sectionName !== 'http');
    const strip = { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } };
    const backend = (v: string, weight?: number) => ({ group: '', kind: 'Service', name: `reviews-${v}`, namespace: 'shop', port: 9080, ...(weight === undefined ? {} : { weight }) });
    expect(route.spec.rules).toEqual([
      {
        name: 'route1-v2-match',
        matches: [{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'x-beta', value: '1' }] }],
        filters: [strip],
        backendRefs: [backend('v2')],
        timeouts: { request: '3s' },
      },
      {
        name: 'route1-split',
        matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }],
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: backend('v2'), percent: 10 } }, strip],
        backendRefs: [backend('v1', 80), backend('v2', 20)],
        timeouts: { request: '3s' },
      },
    ]);
    const [grant] = of(manifests, 'ReferenceGrant');
    expect(grant.spec.to.map((t: any) => t.name)).toEqual(['reviews-v1', 'reviews-v2']);
  });

  test('a weighted split across Services, redirects, header and CORS filters, rewrites and matches', () => {
    const { root, shop, gw } = app();
    const blue = new kplus33.Service(shop, 'blue', { metadata: { name: 'blue' }, ports: [{ port: 80 }] });
    const green = new kplus33.Service(shop, 'green', { metadata: { name: 'green' }, ports: [{ port: 80 }] });
    gw.addRoute({
      path: StringMatch.exact('/old'), redirect: { uri: '/new', authority: 'www.example.com', redirectCode: 302 },
    });
    gw.addRoute({
      path: StringMatch.prefix('/api'),
      method: StringMatch.exact('GET'),
      queryParams: { v: StringMatch.exact('2') },
      rewriteUri: '/v2',
      headers: { request: { set: { 'x-edge': 'yes' } }, response: { remove: ['server'] } },
      corsPolicy: { allowOrigins: [StringMatch.exact('https://shop.example.com')], allowMethods: [HttpMethod.GET], maxAge: Duration.hours(1) },
      destinations: [{ target: GatewayRouteTarget.fromService(blue), weight: 90 }, { target: GatewayRouteTarget.fromService(green), weight: 10 }],
    });
    gw.addRoute({ path: StringMatch.exact('/health'), rewriteUri: '/healthz', destination: GatewayRouteTarget.fromHost('blue.shop.svc.cluster.local', 80) });
    const manifests = all(root);
    const route = of(manifests, 'HTTPRoute').find((r) => r.spec.parentRefs[0].sectionName === 'https-shop-example-com');
    const [redirect, api, health] = route.spec.rules;
    expect(redirect).toEqual({
      matches: [{ path: { type: 'Exact', value: '/old' } }],
      filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'www.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 302 } }],
    });
    expect(api.matches).toEqual([{ path: { type: 'PathPrefix', value: '/api' }, queryParams: [{ name: 'v', value: '2' }], method: 'GET' }]);
    expect(api.filters).toEqual([
      { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-edge', value: 'yes' }] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
      { type: 'CORS', cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET'], maxAge: 3600 } },
    ]);
    expect(api.backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['blue', 90], ['green', 10]]);
    // An exact path is replaced in full.
    expect(health.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/healthz' } } }]);
    expect(health.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'blue', namespace: 'shop', port: 80 }]);
  });

  test('a route takes the timeout of a ResilientRoute defined after it', () => {
    const { root, shop, gw } = app();
    new kplus33.Service(shop, 'ratings-svc', { metadata: { name: 'ratings' }, ports: [{ port: 9080 }] });
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('ratings.shop.svc.cluster.local', 9080) });
    new ResilientRoute(shop, 'ratings', { host: 'ratings', port: 9080, timeout: Duration.seconds(6), trafficApi: TrafficApi.GATEWAY_API });
    const route = of(all(root), 'HTTPRoute').find((r) => r.spec.parentRefs[0].sectionName === 'https-shop-example-com');
    expect(route.spec.rules[0].timeouts).toEqual({ request: '6s' });
  });

  test('MUTUAL TLS uses Istio\'s listener option; a Secret in another namespace gets a ReferenceGrant there', () => {
    const { root, gw } = app({ tlsMode: SecureGatewayTlsMode.MUTUAL, credentialNamespace: 'certs' });
    const manifests = all(root);
    const [listener] = named(manifests, 'Gateway', 'shop-gateway').spec.listeners;
    expect(listener.tls).toEqual({
      mode: 'Terminate', certificateRefs: [{ name: 'shop-cert', namespace: 'certs' }], options: { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' },
    });
    const grant = named(manifests, 'ReferenceGrant', 'shop-gateway-certificates');
    expect(grant.metadata.namespace).toBe('certs');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'istio-system' }],
      to: [{ group: '', kind: 'Secret', name: 'shop-cert' }],
    });
    expect(gw.gatewayNamespace).toBe('istio-system');
  });

  test('policies attach to the Gateway with targetRefs, on the listener ports; the identity is the account Istio creates', () => {
    const root = new App();
    const edge = new Chart(root, 'edge', { namespace: 'edge' });
    new MeshNamespace(edge, 'shop-ns', { name: 'shop', dataplane: DataplaneMode.sidecar() });
    const shop = new Chart(root, 'shop', { namespace: 'shop' });
    const reviews = new CanaryService(shop, 'reviews', { trafficApi: TrafficApi.GATEWAY_API, port: 9080, versions });
    const gw = new SecureGateway(edge, 'ingress', {
      trafficApi: TrafficApi.GATEWAY_API,
      hosts: ['shop.example.com'],
      credentialName: 'shop-cert',
      gatewayNamespace: 'edge',
      metadata: { name: 'public' },
      allowedSourceCidrs: ['203.0.113.0/24'],
    });
    gw.addRoute({ destination: GatewayRouteTarget.fromCanary(reviews) });
    gw.requireJwt({ issuer: 'https://id.example.com', jwksUri: 'https://id.example.com/jwks', paths: ['/api/*'] });
    const manifests = all(root);
    const target = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }];
    const allowList = named(manifests, 'AuthorizationPolicy', 'public-source-allow-list');
    expect(allowList.metadata.namespace).toBe('edge');
    expect(allowList.spec.targetRefs).toEqual(target);
    expect(allowList.spec.selector).toBeUndefined();
    expect(allowList.spec.rules[0].to[0].operation.ports).toEqual(['80', '443']);
    expect(named(manifests, 'RequestAuthentication', 'public-jwt').spec.targetRefs).toEqual(target);
    expect(named(manifests, 'AuthorizationPolicy', 'public-require-jwt').spec.rules[0].to[0].operation.ports).toEqual(['443']);
    expect(gw.selector).toEqual({ 'gateway.networking.k8s.io/gateway-name': 'public' });
    expect(gw.gatewayServiceAccount).toBe('public-istio');
    // The deny-by-default namespace grants the gateway's identity.
    const grant = of(manifests, 'AuthorizationPolicy').find((p) => p.metadata.namespace === 'shop' && p.metadata.name === 'reviews');
    expect(grant.spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/edge/sa/public-istio'] } }] }]);
  });

  test('without the redirect: no HTTP listener and no redirect route; wildcard hosts get their own listener', () => {
    const { root, gw } = app({ httpsRedirect: false, hosts: ['*.example.com'], allowWildcardHosts: true });
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('web', 80) });
    const manifests = all(root);
    const gateway = named(manifests, 'Gateway', 'shop-gateway');
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.hostname])).toEqual([['https-wildcard-example-com', '*.example.com']]);
    expect(of(manifests, 'HTTPRoute').map((r) => r.spec.hostnames)).toEqual([['*.example.com']]);
  });

  test('more than 16 hosts: the redirect is split over routes of 16 hostnames (the HTTPRoute limit); over 63 hosts is refused', () => {
    const hosts = Array.from({ length: 40 }, (_, i) => `h${i}.example.com`);
    const { root, gw } = app({ hosts });
    const manifests = all(root);
    expect(named(manifests, 'Gateway', 'shop-gateway').spec.listeners).toHaveLength(41);
    const redirects = of(manifests, 'HTTPRoute').filter((r) => r.spec.parentRefs[0].sectionName === 'http');
    expect(redirects.map((r) => [r.metadata.name, r.spec.hostnames.length])).toEqual([
      ['shop-gateway-https-redirect', 16], ['shop-gateway-https-redirect-2', 16], ['shop-gateway-https-redirect-3', 8],
    ]);
    expect(redirects.flatMap((r) => r.spec.hostnames)).toEqual(hosts);
    expect(gw.httpRoutes).toHaveLength(3);
    const many = Array.from({ length: 64 }, (_, i) => `h${i}.example.com`);
    expect(() => app({ hosts: many })).toThrow(/'hosts' \(64\) need 65 listeners with the Gateway API .* at most 64; split the hosts across several SecureGateways/);
    expect(() => app({ hosts: many, httpsRedirect: false })).not.toThrow();
  });

  test('the gateway identity is the account Istio names after the Gateway and its class, or the annotation', () => {
    expect(app({ gatewayClassName: 'corp' }).gw.gatewayServiceAccount).toBe('shop-gateway-corp');
    expect(app({ gatewayClassName: 'istio-east-west' }).gw.gatewayServiceAccount).toBe('shop-gateway');
    const annotated = app({ metadata: { name: 'shop-gateway', annotations: { 'gateway.istio.io/service-account': 'edge-sa' } } });
    expect(annotated.gw.gatewayServiceAccount).toBe('edge-sa');
  });

  test('hosts whose names would collide get listener and route names of their own', () => {
    const { root, gw } = app({ hosts: ['shop.example.com', 'shop-example.com'] });
    gw.addRoute({ destination: GatewayRouteTarget.fromHost('web', 80) });
    const manifests = all(root);
    expect(named(manifests, 'Gateway', 'shop-gateway').spec.listeners.map((l: any) => l.name)).toEqual(['https-shop-example-com', 'https-shop-example-com-2', 'http']);
    expect(of(manifests, 'HTTPRoute').map((r) => r.metadata.name).sort()).toEqual([
      'shop-gateway-https-redirect', 'shop-gateway-shop-example-com', 'shop-gateway-shop-example-com-2',
    ]);
  });

  test('backends beyond 16 Services in one namespace get a second ReferenceGrant (the CRD lists at most 16)', () => {
    const { root, shop, gw } = app({ hosts: ['a.example.com', 'b.example.com'] });
    for (let i = 0; i < 18; i++) {
      const svc = new kplus33.Service(shop, `s${i}`, { metadata: { name: `s${String(i).padStart(2, '0')}` }, ports: [{ name: 'http', port: 80 }] });
      gw.addRoute({ host: i < 9 ? 'a.example.com' : 'b.example.com', path: StringMatch.exact(`/s${i}`), destination: GatewayRouteTarget.fromService(svc) });
    }
    const grants = of(all(root), 'ReferenceGrant');
    expect(grants.map((g) => [g.metadata.name, g.spec.to.length])).toEqual([['shop-gateway-backends', 16], ['shop-gateway-backends-2', 2]]);
    expect(grants.flatMap((g) => g.spec.to.map((t: any) => t.name))).toEqual(Array.from({ length: 18 }, (_, i) => `s${String(i).padStart(2, '0')}`));
  });

  test('a host with more than 16 rules is refused at addRoute, naming the limit', () => {
    const { gw } = app();
    for (let i = 0; i < 16; i++) gw.addRoute({ path: StringMatch.exact(`/p${i}`), destination: GatewayRouteTarget.fromHost('web', 80) });
    expect(() => gw.addRoute({ path: StringMatch.exact('/p16'), destination: GatewayRouteTarget.fromHost('web', 80) }))
      .toThrow(/'addRoute\(\)' \(shop.example.com\) brings the HTTPRoute of shop.example.com to 17 rules, over the Gateway API's 16 per route/);
  });

  test("a route's own conditions and a canary's dark launch must both hold; conflicting ones leave only the split", () => {
    const { root, shop, gw } = app();
    const reviews = new CanaryService(shop, 'reviews', {
      trafficApi: TrafficApi.GATEWAY_API,
      port: 9080,
      versions,
      matchRoutes: [{ version: 'v2', headers: { 'x-user': StringMatch.exact('b') }, queryParams: { q: StringMatch.exact('1') } }],
    });
    gw.addRoute({ path: StringMatch.prefix('/r'), queryParams: { tenant: StringMatch.exact('t') }, destination: GatewayRouteTarget.fromCanary(reviews) });
    gw.addRoute({ path: StringMatch.prefix('/a'), matchHeaders: { 'X-User': StringMatch.exact('a') }, destination: GatewayRouteTarget.fromCanary(reviews) });
    const route = of(all(root), 'HTTPRoute').find((r) => r.spec.parentRefs[0].sectionName === 'https-shop-example-com');
    expect(route.spec.rules.map((r: any) => r.name)).toEqual(['route1-v2-match', 'route1-split', 'route2-split']);
    expect(route.spec.rules[0].matches[0].queryParams).toEqual([{ name: 'tenant', value: 't' }, { name: 'q', value: '1' }]);
  });

  test('the App-wide switch applies to every pattern; Istio output is unchanged when it says ISTIO', () => {
    const build = (api?: TrafficApi) => {
      const root = Testing.app();
      if (api) MeshSettings.setTrafficApi(root, api);
      const chart = new Chart(root, 'c', { namespace: 'shop' });
      const reviews = new CanaryService(chart, 'reviews', { port: 9080, versions });
      new SecureGateway(chart, 'gw', { hosts: ['shop.example.com'], credentialName: 'cert', gatewayNamespace: 'shop' })
        .addRoute({ destination: GatewayRouteTarget.fromCanary(reviews) });
      return synthValid(chart);
    };
    expect(Yaml.stringify(...build(TrafficApi.ISTIO))).toBe(Yaml.stringify(...build()));
    const kinds = (manifests: any[]) => [...new Set(manifests.map((m) => `${m.apiVersion.split('/')[0]}/${m.kind}`))].sort();
    expect(kinds(build(TrafficApi.GATEWAY_API))).toEqual([
      'apps/Deployment', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/HTTPRoute', 'networking.istio.io/DestinationRule',
      'security.istio.io/PeerAuthentication', 'v1/Service', 'v1/ServiceAccount',
    ]);
  });

  test.each([
    ['PASSTHROUGH', { tlsMode: SecureGatewayTlsMode.PASSTHROUGH, credentialName: undefined }, /'tlsMode' \(PASSTHROUGH\) needs a TLSRoute.*TrafficApi.ISTIO/],
    ['a container port (the deployed gateway listens on the listener ports)', { httpsContainerPort: 8443 },
      /'httpsContainerPort' \(8443\) is not used: the gateway Istio deploys for a Gateway API Gateway listens on the listener ports/],
    ['a selector', { selector: { istio: 'ingressgateway' } }, /'selector' .* is not used: Istio deploys the workload of a Gateway API Gateway/],
    ['subjectAltNames', { tlsMode: SecureGatewayTlsMode.MUTUAL, subjectAltNames: ['spiffe://x'] }, /'subjectAltNames' .* are not implemented by Istio for Gateway API listeners/],
    ['TLS 1.3 as the minimum', { minProtocolVersion: TlsProtocolVersion.TLSV1_3 }, /'minProtocolVersion' \(TLSV1_3\) cannot be set on a Gateway API listener/],
    // Found by the fuzzer: Istio accepts an upper-case host; a Gateway API hostname must be lower case.
    ['an upper-case host', { hosts: ['Shop.example.com'] }, /'hosts\[0\]' \(Shop.example.com\) must be lower case with the Gateway API.*'shop.example.com'/],
    ['two namespaces for the Gateway', { gatewayNamespace: 'edge', metadata: { namespace: 'istio-system' } }, /'metadata.namespace' \(istio-system\) differs from 'gatewayNamespace' \(edge\)/],
  ])('refuses %s, naming the alternative', (_name, props, message) => {
    expect(() => app(props as any)).toThrow(message);
  });

  test.each([
    ['a direct response', { directResponse: { status: 503 } }, /'directResponse' \(503\) has no Gateway API equivalent/],
    ['route retries', { retries: { attempts: 2 }, destination: GatewayRouteTarget.fromHost('web', 80) }, /'retries' \(2\) is not in the Gateway API standard channel/],
    ['a regex CORS origin', { corsPolicy: { allowOrigins: [StringMatch.regex('.*')] }, destination: GatewayRouteTarget.fromHost('web', 80) }, /'corsPolicy.allowOrigins\[0\]' \(\.\*\) is a regex match/],
    ['an empty header value', { matchHeaders: { 'x-a': StringMatch.exact('') }, destination: GatewayRouteTarget.fromHost('web', 80) },
      /'matchHeaders.x-a' \(""\) must not be empty with the Gateway API/],
    ['a method regex', { method: StringMatch.regex('GET|HEAD'), destination: GatewayRouteTarget.fromHost('web', 80) }, /'method' \(GET\|HEAD\) must be an exact method/],
    ['an external host', { destination: GatewayRouteTarget.fromHost('api.partner.com', 443) }, /'destination' \(api.partner.com\) is not a Service of the cluster/],
  ])('refuses a route with %s', (_name, options, message) => {
    const { gw } = app();
    expect(() => gw.addRoute(options as any)).toThrow(message);
  });

  test('refuses mixing APIs between a gateway and the CanaryService it routes to, both ways', () => {
    const { shop, gw } = app();
    const istioCanary = new CanaryService(shop, 'reviews', { trafficApi: TrafficApi.ISTIO, port: 9080, versions });
    expect(() => gw.addRoute({ destination: GatewayRouteTarget.fromCanary(istioCanary) }))
      .toThrow(/'trafficApi' \(ISTIO\) must be TrafficApi.GATEWAY_API for a Gateway API route to this service/);
    const chart = new Chart(new App(), 'c', { namespace: 'shop' });
    const gatewayApiCanary = new CanaryService(chart, 'ratings', { trafficApi: TrafficApi.GATEWAY_API, port: 9080, versions });
    const istioGateway = new SecureGateway(chart, 'gw', { hosts: ['shop.example.com'], credentialName: 'cert' });
    istioGateway.addRoute({ destination: GatewayRouteTarget.fromCanary(gatewayApiCanary) });
    expect(synthError(chart)).toMatch(/'trafficApi' \(GATEWAY_API\) must be TrafficApi.ISTIO for an Istio VirtualService route to this service/);
  });

  test('refuses a backend whose chart has no namespace: the routes in the gateway namespace could not name it', () => {
    const { root, gw } = app();
    const loose = new Chart(root, 'loose');
    const web = new kplus33.Service(loose, 'web', { ports: [{ port: 80 }] });
    expect(() => gw.addRoute({ destination: GatewayRouteTarget.fromService(web) })).toThrow(/Service .* has no namespace, so the gateway's routes in namespace istio-system/);
  });

  test('Istio mode refuses the Gateway API-only options instead of ignoring them', () => {
    const chart = Testing.chart();
    expect(() => new SecureGateway(chart, 'a', { hosts: ['shop.example.com'], credentialName: 'c', gatewayClassName: 'istio' }))
      .toThrow(/'gatewayClassName' \(istio\) applies to a Gateway API Gateway only/);
    expect(() => new SecureGateway(chart, 'b', { hosts: ['shop.example.com'], credentialName: 'c', credentialNamespace: 'certs' }))
      .toThrow(/'credentialNamespace' \(certs\) must be the gateway workload's namespace \(istio-system\) with the Istio API/);
  });

  test('the Istio-only members name their Gateway API counterparts', () => {
    const { gw } = app();
    expect(() => gw.gateway).toThrow(/'gateway' \(GATEWAY_API\) does not exist: this SecureGateway writes TrafficApi.GATEWAY_API; use 'kubernetesGateway' instead/);
    const istio = new SecureGateway(Testing.chart(), 'gw', { hosts: ['shop.example.com'], credentialName: 'c' });
    expect(() => istio.kubernetesGateway).toThrow(/use 'gateway' instead/);
    expect(istio.httpRoutes).toEqual([]);
  });
});
