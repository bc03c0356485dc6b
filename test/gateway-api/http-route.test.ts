import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  BackendRef, HttpMethod, HttpPathMatch, HttpRoute, HttpRouteFilter, ParentRef, RedirectScheme, RouteMatchType,
} from '../../src';
import { only, synthValid } from '../support/schema';

function service(chart: Chart, name: string, ports: number[] = [8080], namespace?: string): kplus.Service {
  return new kplus.Service(chart, name, {
    metadata: { name, namespace },
    ports: ports.map((port) => ({ port, name: `http-${port}` })),
  });
}

function gatewayObject(chart: Chart, name: string, namespace?: string): ApiObject {
  return new ApiObject(chart, `gw-${name}`, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } }] },
  });
}

function route(build: (chart: Chart) => void): () => void {
  return () => build(Testing.chart());
}

describe('HttpRoute', () => {
  test('renders hostnames, matches, every standard filter, weighted backends and timeouts', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const v1 = service(chart, 'cart-v1');
    const v2 = service(chart, 'cart-v2', [8080, 9090]);
    const mirror = service(chart, 'shadow', [80], 'lab');
    // CKI0009: the cross-namespace backends need ReferenceGrants there.
    new ApiObject(chart, 'grant-lab', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ReferenceGrant',
      metadata: { name: 'routes', namespace: 'lab' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] },
    });
    new ApiObject(chart, 'grant-catalog', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ReferenceGrant',
      metadata: { name: 'routes', namespace: 'catalog' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] },
    });
    new HttpRoute(chart, 'route', {
      metadata: { name: 'cart' },
      parentRefs: [ParentRef.gateway('edge', 'infra', 'https')],
      hostnames: ['shop.example.com', '*.shop.example.com'],
      rules: [{
        name: 'cart-api',
        matches: [{
          path: HttpPathMatch.prefix('/cart'),
          headers: [{ name: 'x-canary', value: 'true' }, { name: 'x-user', value: '^a.*', type: RouteMatchType.REGULAR_EXPRESSION }],
          queryParams: [{ name: 'debug', value: '1' }],
          method: HttpMethod.GET,
        }],
        filters: [
          HttpRouteFilter.requestHeaders({ set: { 'x-route': 'cart' }, remove: ['x-internal'] }),
          HttpRouteFilter.responseHeaders({ add: { 'x-served-by': 'gateway' } }),
          HttpRouteFilter.urlRewrite({ replacePrefixMatch: '/api/cart' }),
          HttpRouteFilter.requestMirror(BackendRef.service(mirror), { fraction: { numerator: 1, denominator: 1000 } }),
          HttpRouteFilter.cors({ allowOrigins: ['https://shop.example.com'], allowMethods: [HttpMethod.GET, HttpMethod.POST], maxAge: Duration.hours(1) }),
        ],
        backendRefs: [BackendRef.service(v1, undefined, 90), BackendRef.service(v2, 9090, 10)],
        backendFilters: { 1: [HttpRouteFilter.requestHeaders({ set: { 'x-version': 'v2' } })] },
        timeouts: { request: Duration.seconds(10), backendRequest: Duration.millis(2500) },
      }, {
        matches: [{ path: HttpPathMatch.exact('/old') }],
        filters: [HttpRouteFilter.requestRedirect({ scheme: RedirectScheme.HTTPS, replaceFullPath: '/new', statusCode: 301 })],
      }, {
        matches: [{ path: HttpPathMatch.regex('/items/[0-9]+') }],
        backendRefs: [BackendRef.of('items', 80, 'catalog')],
        filters: [HttpRouteFilter.requestMirror(BackendRef.of('shadow', 80), { percent: 5 })],
      }],
    });
    const spec = only(synthValid(chart), 'HTTPRoute').spec;
    expect(spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'infra', sectionName: 'https' }]);
    expect(spec.hostnames).toEqual(['shop.example.com', '*.shop.example.com']);
    expect(spec.rules[0].matches).toEqual([{
      path: { type: 'PathPrefix', value: '/cart' },
      headers: [{ name: 'x-canary', value: 'true' }, { name: 'x-user', value: '^a.*', type: 'RegularExpression' }],
      queryParams: [{ name: 'debug', value: '1' }],
      method: 'GET',
    }]);
    expect(spec.rules[0].filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'cart' }], remove: ['x-internal'] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'gateway' }] } },
      { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/api/cart' } } },
      { type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'shadow', namespace: 'lab', port: 80 }, fraction: { numerator: 1, denominator: 1000 } } },
      { type: 'CORS', cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET', 'POST'], maxAge: 3600 } },
    ]);
    expect(spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'cart-v1', port: 8080, weight: 90 },
      { group: '', kind: 'Service', name: 'cart-v2', port: 9090, weight: 10, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-version', value: 'v2' }] } }] },
    ]);
    expect(spec.rules[0].timeouts).toEqual({ request: '10s', backendRequest: '2s500ms' });
    expect(spec.rules[0].name).toBe('cart-api');
    expect(spec.rules[1]).toEqual({
      matches: [{ path: { type: 'Exact', value: '/old' } }],
      filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 301 } }],
    });
    expect(spec.rules[2].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'items', namespace: 'catalog', port: 80 }]);
    expect(spec.rules[2].filters[0].requestMirror.percent).toBe(5);
  });

  test('ParentRef.of reads a Gateway ApiObject or a Service; namespaces written only when they differ', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const gw = gatewayObject(chart, 'edge');
    const other = gatewayObject(chart, 'shared', 'infra');
    const svc = service(chart, 'reviews', [9080]);
    new HttpRoute(chart, 'north', {
      metadata: { name: 'north' },
      parentRefs: [ParentRef.of(gw, 'http'), ParentRef.of(other)],
      rules: [{ backendRefs: [BackendRef.service(svc)] }],
    });
    new HttpRoute(chart, 'mesh', {
      metadata: { name: 'mesh' },
      parentRefs: [ParentRef.service(svc, 9080)],
      rules: [{ backendRefs: [BackendRef.service(svc)] }],
    });
    const manifests = synthValid(chart).filter((m) => m.kind === 'HTTPRoute');
    expect(manifests[0].spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', sectionName: 'http' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'infra' },
    ]);
    expect(manifests[1].spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews', port: 9080 }]);
    expect(manifests[1].spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews', port: 9080 }]);
  });

  test('refuses what the CRD or the Gateway API refuses, at construction', () => {
    const cases: Array<[(chart: Chart) => void, string]> = [
      [(c) => new HttpRoute(c, 'r', { hostnames: ['Shop.example.com'] }),
        "[test/r] 'hostnames[0]' (Shop.example.com) must be a lower-case DNS name, optionally prefixed with \"*.\" (no IP, port or upper case); "
        + 'give a name such as shop.example.com or *.example.com'],
      [(c) => new HttpRoute(c, 'r', { rules: [{ backendRefs: [BackendRef.of('a', 80).withWeight(0), BackendRef.of('b', 80).withWeight(0)] }] }),
        "[test/r] 'rules[0].backendRefs' ([0,0]) all have weight 0, so every request fails with a 500; give at least one backend a positive weight, or remove the rule"],
      [(c) => new HttpRoute(c, 'r', { rules: [{ backendRefs: [BackendRef.of('a', 80).withWeight(1_000_001)] }] }),
        "[test/r] 'rules[0].backendRefs[0].weight' (1000001) must be an integer from 0 to 1000000; give a relative weight, e.g. 90 and 10"],
      [(c) => new HttpRoute(c, 'r', { rules: [{ backendRefs: Array.from({ length: 17 }, (_, i) => BackendRef.of(`b${i}`, 80)) }] }),
        "[test/r] 'rules[0].backendRefs' (17) must have at most 16 backends; split the traffic over fewer Services"],
      [(c) => new HttpRoute(c, 'r', {
        rules: [{ backendRefs: [BackendRef.of('a', 80)], timeouts: { request: Duration.seconds(5), backendRequest: Duration.seconds(10) } }],
      }), "[test/r] 'rules[0].timeouts.backendRequest' (10s) is longer than the request timeout (5s); make backendRequest at most request"],
      [(c) => new HttpRoute(c, 'r', {
        rules: [{ backendRefs: [BackendRef.of('a', 80)], filters: [HttpRouteFilter.requestRedirect({ hostname: 'x.example.com' })] }],
      }), "[test/r] 'rules[0].backendRefs' ([\"a\"]) are given with a RequestRedirect filter, which answers every request itself; remove the backends, or the redirect"],
      [(c) => new HttpRoute(c, 'r', {
        rules: [{ matches: [{ path: HttpPathMatch.exact('/a') }], backendRefs: [BackendRef.of('a', 80)], filters: [HttpRouteFilter.urlRewrite({ replacePrefixMatch: '/b' })] }],
      }), "[test/r] 'rules[0].matches' (1) must be exactly one PathPrefix match when a filter uses replacePrefixMatch; match one path prefix in this rule"],
      [(c) => new HttpRoute(c, 'r', {
        rules: [{ backendRefs: [BackendRef.of('a', 80)], filters: [HttpRouteFilter.requestMirror(BackendRef.of('m', 80), { percent: 5, fraction: { numerator: 1 } })] }],
      }), "[test/r] 'rules[0].filters[0].requestMirror' ({\"percent\":5,\"fraction\":{\"numerator\":1}}) has both percent and fraction; give one of them"],
      [(c) => new HttpRoute(c, 'r', {
        rules: [{ backendRefs: [BackendRef.of('a', 80)], filters: [HttpRouteFilter.cors({ allowOrigins: ['*', 'https://a.example.com'] })] }],
      }), "[test/r] 'rules[0].filters[0].cors.allowOrigins' ([\"*\",\"https://a.example.com\"]) has '*' alongside other values; give '*' alone, or only the values"],
      [(c) => new HttpRoute(c, 'r', { rules: [{ matches: [{ path: HttpPathMatch.prefix('/a//b') }], backendRefs: [BackendRef.of('a', 80)] }] }),
        "[test/r] 'rules[0].matches[0].path.value' (/a//b) must not contain //, /./, /../, %2f or #; give a normalized absolute path such as /api/v1"],
      [(c) => new HttpRoute(c, 'r', { rules: [{ backendRefs: [BackendRef.service(service(c, 'two', [80, 81]))] }] }),
        "[test/r] 'rules[0].backendRefs[0].port' (unset) must be given: Service two exposes ports 80, 81; pass the Service port to BackendRef.service()"],
      [(c) => new HttpRoute(c, 'r', { rules: [{ backendRefs: [BackendRef.service(service(c, 'one', [80]), 81)] }] }),
        "[test/r] 'rules[0].backendRefs[0].port' (81) is not a port of Service one (80); use one of the ports the Service exposes"],
      [(c) => new HttpRoute(c, 'r', { rules: [{}] }),
        "[test/r] 'rules[0].backendRefs' ([]) are empty, so every request is answered with a 500; give backendRefs, or a RequestRedirect filter"],
      [(c) => new HttpRoute(c, 'r', { parentRefs: [ParentRef.gateway('gw'), ParentRef.gateway('gw')] }),
        "[test/r] 'parentRefs[1]' (Gateway gw) refers to the same parent as parentRefs[0] without a distinct sectionName; "
        + 'give each reference to one parent its own sectionName, or attach once'],
      [(c) => new HttpRoute(c, 'r', {
        rules: [{ backendRefs: [BackendRef.of('a', 80)], filters: [HttpRouteFilter.requestHeaders({ set: { a: '1' } }), HttpRouteFilter.requestHeaders({ add: { b: '1' } })] }],
      }), "[test/r] 'rules[0].filters[1]' (RequestHeaderModifier) filter is given twice (at most one RequestHeaderModifier filter per list); merge them into one filter"],
      [(c) => ParentRef.of(service(c, 'x').node.scope!),
        "[test] 'parentRef' (construct test (no Kubernetes object)) must be a gateway.networking.k8s.io Gateway or Service; "
        + 'pass the Gateway API Gateway construct, or a Service for mesh routes'],
    ];
    for (const [build, message] of cases) expect(route(build)).toThrow(message);
  });

  test('addRule refuses a 17th rule', () => {
    const chart = Testing.chart();
    const r = new HttpRoute(chart, 'r');
    for (let i = 0; i < 16; i++) r.addRule({ backendRefs: [BackendRef.of('a', 80)] });
    expect(() => r.addRule({ backendRefs: [BackendRef.of('a', 80)] }))
      .toThrow("[test/r] 'rules' (17) must have at most 16 rules; merge rules with the same backends, or split the route");
  });
});
