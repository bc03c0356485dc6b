import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CanaryService, GatewayRouteTarget, HttpMethod, ResilientRoute, RetryOn, SecureGateway, SecureGatewayTlsMode, StringMatch,
} from '../../src';
import { MeshRouter } from '../support/mesh-router';
import { synthAppError, synthAppValid } from '../support/schema';

const HOST = 'shop.example.com';
const INGRESS = { namespace: 'istio-system', gateway: 'edge/public' };

/** An app with a shop namespace of services and an edge namespace with the gateway. */
function shopApp() {
  const app = Testing.app();
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const edge = new Chart(app, 'edge', { namespace: 'edge' });
  const service = (name: string, ports: number[] = [9080]) => {
    const deployment = new kplus.Deployment(shop, name, {
      metadata: { name }, podMetadata: { labels: { app: name } }, containers: [{ image: `example/${name}:1`, ports: ports.map((number) => ({ number })) }],
    });
    return deployment.exposeViaService({ name, ports: ports.map((port) => ({ name: `http-${port}`, port, targetPort: port })) });
  };
  const gateway = new SecureGateway(edge, 'gw', { metadata: { name: 'public' }, hosts: [HOST], credentialName: 'cert' });
  return { app, shop, edge, service, gateway, manifests: () => synthAppValid(app), router: () => new MeshRouter(synthAppValid(app)) };
}

const canaryProps = {
  port: 9080,
  versions: [{ name: 'v1', image: 'example/reviews:1' }, { name: 'v2', image: 'example/reviews:2', weight: 10 }],
};

describe('the same behaviour through the gateway as inside the mesh', () => {
  test('a ResilientRoute for the host reaches gateway routes to it, even when defined after the route', () => {
    const { app, shop, service, gateway, router } = shopApp();
    gateway.addRoute({ destination: GatewayRouteTarget.fromService(service('ratings')) });
    new ResilientRoute(shop, 'ratings-resilience', {
      host: 'ratings', timeout: Duration.seconds(6), retries: { attempts: 2, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR] },
    });
    const routed = router().route(INGRESS, { host: HOST });
    expect(routed.destinations.map((d) => d.workloads)).toEqual([['shop/ratings']]);
    expect(routed.http).toMatchObject({ timeout: '6s', retries: { attempts: 2, perTryTimeout: '2s', retryOn: 'gateway-error' } });
    // The mesh callers get the same policy from the ResilientRoute's own VirtualService.
    expect(router().route({ namespace: 'shop' }, { host: 'ratings.shop.svc.cluster.local' }).http).toMatchObject({ timeout: '6s' });
    expect(app).toBeDefined();
  });

  test('a route can override the policy; an override that breaks the retry budget is refused, naming both sides', () => {
    const { app, shop, service, gateway } = shopApp();
    new ResilientRoute(shop, 'ratings-resilience', { host: 'ratings', timeout: Duration.seconds(10), retries: { attempts: 2, perTryTimeout: Duration.seconds(3) } });
    gateway.addRoute({ destination: GatewayRouteTarget.fromService(service('ratings')), timeout: Duration.seconds(3) });
    expect(synthAppError(app)).toContain("[edge/gw] 'timeout' (3s) of the route for shop.example.com must be at least (attempts + 1) × perTryTimeout = 3 × 3s = 9s, "
      + "or the later retries never run (with the retries of ResilientRoute shop/ratings-resilience); raise the route's 'timeout', or give the route its own 'retries'");
  });

  test("a gateway route timeout shorter than a CanaryService's retry budget is refused", () => {
    const { app, shop, gateway } = shopApp();
    const reviews = new CanaryService(shop, 'reviews', {
      ...canaryProps, resilience: { timeout: Duration.seconds(10), retries: { attempts: 2, perTryTimeout: Duration.seconds(2) } },
    });
    gateway.addRoute({ destination: GatewayRouteTarget.fromCanary(reviews), timeout: Duration.seconds(3) });
    expect(synthAppError(app)).toContain("'timeout' (3s) of the route for shop.example.com must be at least (attempts + 1) × perTryTimeout = 3 × 2s = 6s");
    expect(synthAppError(app)).toContain("with the retries of CanaryService shop/reviews 'resilience'");
  });

  test('explicit route retries replace the inherited ones', () => {
    const { shop, gateway, router } = shopApp();
    const reviews = new CanaryService(shop, 'reviews', { ...canaryProps, resilience: { timeout: Duration.seconds(10), retries: { attempts: 2 } } });
    gateway.addRoute({ destination: GatewayRouteTarget.fromCanary(reviews), retries: { attempts: 0 } });
    const routed = router().route(INGRESS, { host: HOST });
    expect(routed.http).toMatchObject({ timeout: '10s', retries: { attempts: 0 } });
  });

  test("a CanaryService's mirror reaches ingress traffic too", () => {
    const { shop, gateway, router } = shopApp();
    const reviews = new CanaryService(shop, 'reviews', { ...canaryProps, mirror: { version: 'v2', percentage: 25 } });
    gateway.addRoute({ destination: GatewayRouteTarget.fromCanary(reviews) });
    const routed = router().route(INGRESS, { host: HOST });
    expect(routed.mirrors).toEqual([{ host: 'reviews.shop.svc.cluster.local', subset: 'v2', workloads: ['shop/reviews-v2'] }]);
    expect(routed.http.mirrorPercentage).toEqual({ value: 25 });
    // and the mesh route has the same mirror
    expect(router().route({ namespace: 'shop' }, { host: 'reviews.shop.svc.cluster.local' }).mirrors.map((m) => m.workloads)).toEqual([['shop/reviews-v2']]);
  });
});

describe('gateway routes beyond paths', () => {
  test('header, method and query matches, each to its own service, then the default', () => {
    const { service, gateway, router } = shopApp();
    const [v1, v2, admin] = [service('api-v1'), service('api-v2'), service('admin')];
    gateway
      .addRoute({ path: StringMatch.prefix('/api'), matchHeaders: { 'x-api-version': StringMatch.exact('2') }, destination: GatewayRouteTarget.fromService(v2) })
      .addRoute({ path: StringMatch.prefix('/api'), queryParams: { version: StringMatch.exact('2') }, destination: GatewayRouteTarget.fromService(v2) })
      .addRoute({ path: StringMatch.prefix('/admin'), method: StringMatch.exact('GET'), destination: GatewayRouteTarget.fromService(admin) })
      .addRoute({ path: StringMatch.prefix('/admin'), directResponse: { status: 405, body: 'read only' } })
      .addRoute({ path: StringMatch.prefix('/api'), destination: GatewayRouteTarget.fromService(v1) });
    const r = router();
    const reached = (request: any) => r.route(INGRESS, { host: HOST, ...request }).destinations.map((d) => d.workloads[0]);
    expect(reached({ path: '/api/x', headers: { 'x-api-version': '2' } })).toEqual(['shop/api-v2']);
    expect(reached({ path: '/api/x?version=2' })).toEqual(['shop/api-v2']);
    expect(reached({ path: '/api/x' })).toEqual(['shop/api-v1']);
    expect(reached({ path: '/admin', method: 'GET' })).toEqual(['shop/admin']);
    expect(r.route(INGRESS, { host: HOST, path: '/admin', method: 'POST' }).http.directResponse).toEqual({ status: 405, body: { string: 'read only' } });
  });

  test('a redirect, CORS and header changes', () => {
    const { service, gateway, manifests } = shopApp();
    gateway
      .addRoute({ path: StringMatch.exact('/old'), redirect: { uri: '/new', redirectCode: 301 } })
      .addRoute({
        destination: GatewayRouteTarget.fromService(service('web')),
        corsPolicy: { allowOrigins: [StringMatch.exact('https://app.example.com')], allowMethods: [HttpMethod.GET] },
        headers: { response: { set: { 'strict-transport-security': 'max-age=31536000' } } },
      });
    const vs = manifests().find((m) => m.kind === 'VirtualService');
    expect(vs.spec.http[0]).toEqual({ match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new', redirectCode: 301 } });
    expect(vs.spec.http[1].corsPolicy).toEqual({ allowOrigins: [{ exact: 'https://app.example.com' }], allowMethods: ['GET'] });
    expect(vs.spec.http[1].headers).toEqual({ response: { set: { 'strict-transport-security': 'max-age=31536000' } } });
  });

  test('a blue/green split across two whole services, and a port other than the first', () => {
    const { service, gateway, router } = shopApp();
    const blue = service('blue', [8080, 9090]);
    const green = service('green', [8080, 9090]);
    gateway.addRoute({
      destinations: [
        { target: GatewayRouteTarget.fromService(blue, 9090), weight: 90 },
        { target: GatewayRouteTarget.fromService(green, 9090), weight: 10 },
      ],
    });
    const routed = router().route(INGRESS, { host: HOST });
    expect(routed.destinations.map((d) => [d.workloads[0], d.weight])).toEqual([['shop/blue', 90], ['shop/green', 10]]);
    expect(routed.http.route.map((r: any) => r.destination.port)).toEqual([{ number: 9090 }, { number: 9090 }]);
  });

  test('splits must sum to 100, in whole percentages, without CanaryServices', () => {
    const { shop, service, gateway } = shopApp();
    const [a, b] = [GatewayRouteTarget.fromService(service('a')), GatewayRouteTarget.fromService(service('b'))];
    expect(() => gateway.addRoute({ destinations: [{ target: a, weight: 50 }, { target: b, weight: 40 }] })).toThrow("'destinations[*].weight' (90) must sum to 100");
    expect(() => gateway.addRoute({ destinations: [{ target: a, weight: 50.5 }, { target: b, weight: 49.5 }] })).toThrow("'destinations[0].weight' (50.5) must be a whole percentage");
    const canary = GatewayRouteTarget.fromCanary(new CanaryService(shop, 'reviews', canaryProps));
    expect(() => gateway.addRoute({ destinations: [{ target: canary, weight: 50 }, { target: b, weight: 50 }] }))
      .toThrow("'destinations[0].target' (reviews) must not be a CanaryService: it has a split of its own");
  });

  test('a route does exactly one thing', () => {
    const { service, gateway } = shopApp();
    expect(() => gateway.addRoute({})).toThrow("'addRoute()' ([]) must set exactly one of destination, destinations, redirect and directResponse");
    expect(() => gateway.addRoute({ destination: GatewayRouteTarget.fromService(service('a')), redirect: { uri: '/x' } }))
      .toThrow("'addRoute()' ([\"destination\",\"redirect\"]) must set exactly one of");
    expect(() => gateway.addRoute({ redirect: { uri: '/x' }, timeout: Duration.seconds(1) })).toThrow('answers at the gateway, so rewrites, timeouts and retries do not apply');
  });

  test('PASSTHROUGH routes only by host', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'c' });
    const gw = new SecureGateway(chart, 'gw', { hosts: [HOST], tlsMode: SecureGatewayTlsMode.PASSTHROUGH });
    expect(() => gw.addRoute({ destination: GatewayRouteTarget.fromHost('web', 443), matchHeaders: { a: StringMatch.exact('b') } }))
      .toThrow("'matchHeaders' ([\"matchHeaders\"]) is not available with PASSTHROUGH");
    expect(() => gw.addRoute({ directResponse: { status: 200 } })).toThrow('is not available with PASSTHROUGH');
  });
});

describe('the prefix-rewrite trap', () => {
  test("prefix('/nginx') with rewriteUri '/' is refused: it would forward //index.html", () => {
    const { service, gateway } = shopApp();
    expect(() => gateway.addRoute({ path: StringMatch.prefix('/nginx'), rewriteUri: '/', destination: GatewayRouteTarget.fromService(service('nginx')) }))
      .toThrow("'rewriteUri' (/) turns /nginx/index.html into //index.html: Istio replaces only the matched prefix '/nginx'; set 'stripPathPrefix: true' instead");
  });

  test('stripPathPrefix forwards what users mean, and does not match a longer segment', () => {
    const { service, gateway, router } = shopApp();
    gateway
      .addRoute({ path: StringMatch.prefix('/nginx'), stripPathPrefix: true, destination: GatewayRouteTarget.fromService(service('nginx')) })
      .addRoute({ destination: GatewayRouteTarget.fromService(service('web')) });
    const r = router();
    expect(r.route(INGRESS, { host: HOST, path: '/nginx/index.html' })).toMatchObject({ forwardedPath: '/index.html' });
    expect(r.route(INGRESS, { host: HOST, path: '/nginx' })).toMatchObject({ forwardedPath: '/' });
    expect(r.route(INGRESS, { host: HOST, path: '/nginxfoo' }).destinations[0].workloads).toEqual(['shop/web']);
  });

  test('stripPathPrefix needs a prefix other than /', () => {
    const { service, gateway } = shopApp();
    const destination = GatewayRouteTarget.fromService(service('nginx'));
    expect(() => gateway.addRoute({ stripPathPrefix: true, destination })).toThrow("'stripPathPrefix' (/) needs a path prefix other than /");
    expect(() => gateway.addRoute({ path: StringMatch.prefix('/a'), stripPathPrefix: true, rewriteUri: '/b', destination }))
      .toThrow("'rewriteUri' (/b) cannot be combined with stripPathPrefix");
  });
});

describe('durations name the prop that was set', () => {
  test('a sub-millisecond gateway route timeout', () => {
    const { service, gateway } = shopApp();
    expect(() => gateway.addRoute({ destination: GatewayRouteTarget.fromService(service('a')), timeout: Duration.millis(0.5) }))
      .toThrow("[edge/gw] 'timeout' (0.0005s, written to the route's timeout) must be at least 1ms; give a whole number of milliseconds");
  });

  test("a CanaryService's resilience: 0.1 + 0.2 seconds is 300ms and accepted; 1.5ms is refused with the prop's name", () => {
    const app = new App();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new CanaryService(chart, 'reviews', { ...canaryProps, resilience: { timeout: Duration.seconds(0.1 + 0.2) } });
    expect(synthAppValid(app).find((m) => m.kind === 'VirtualService').spec.http[0].timeout).toBe('0.3s');
    expect(() => new CanaryService(chart, 'ratings', { ...canaryProps, resilience: { retries: { attempts: 1, perTryTimeout: Duration.millis(1.5) } } }))
      .toThrow("'resilience.retries.perTryTimeout' (0.0015s, written to the VirtualService rules' retries.perTryTimeout) must be a whole number of milliseconds");
  });
});
