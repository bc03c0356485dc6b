import { Chart, Duration, Testing, Yaml } from 'cdk8s';
import { CanaryService, ConnectionPoolOptions, MeshSettings, ResilientRoute, ResilientRouteProps, RetryOn, StringMatch, TrafficApi } from '../../src';
import { synthError, synthValid } from '../support/schema';

function route(props: Partial<ResilientRouteProps> = {}, namespace: string | undefined = 'shop') {
  const chart = new Chart(Testing.app(), 'c', { namespace });
  const rr = new ResilientRoute(chart, 'ratings', { host: 'ratings', port: 9080, trafficApi: TrafficApi.GATEWAY_API, ...props });
  return { chart, rr };
}
const of = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);
const pool: ConnectionPoolOptions = { tcp: { maxConnections: 100 } };

describe('ResilientRoute with TrafficApi.GATEWAY_API', () => {
  test('the timeout goes into a GAMMA HTTPRoute; the pool, outlier detection and mTLS stay in a DestinationRule', () => {
    const { chart, rr } = route({ timeout: Duration.seconds(4), connectionPool: pool, outlierDetection: { consecutive5xxErrors: 5 } });
    const manifests = synthValid(chart);
    expect(manifests.map((m) => m.kind)).toEqual(['HTTPRoute', 'DestinationRule']);
    const [httpRoute] = of(manifests, 'HTTPRoute');
    expect(httpRoute.spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'ratings', port: 9080 }],
      rules: [{
        name: 'resilient',
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'ratings', port: 9080 }],
        timeouts: { request: '4s' },
      }],
    });
    const [dr] = of(manifests, 'DestinationRule');
    expect(dr.spec.host).toBe('ratings');
    expect(dr.spec.trafficPolicy).toMatchObject({ connectionPool: pool, tls: { mode: 'ISTIO_MUTUAL' } });
    expect(rr.httpRoute.name).toBe(httpRoute.metadata.name);
    // Istio's own default retry policy applies, and is what the construct reports.
    expect(rr.retries.attempts).toBe(2);
    expect(rr.retries.perTryTimeout).toBeUndefined();
    expect(manifests).toMatchSnapshot();
  });

  test("a Service in another namespace by its FQDN: a producer route in the Service's namespace, applying to every caller", () => {
    const { chart } = route({ host: 'ratings.data.svc.cluster.local' });
    const manifests = synthValid(chart);
    const [httpRoute] = of(manifests, 'HTTPRoute');
    expect(httpRoute.metadata.namespace).toBe('data');
    expect(httpRoute.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'ratings', port: 9080 }]);
    expect(httpRoute.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'ratings', port: 9080 }]);
    expect(of(manifests, 'ReferenceGrant')).toEqual([]);
  });

  test('a route placed in its own namespace on purpose is a consumer route: no ReferenceGrant, the mesh does not enforce them', () => {
    const { chart } = route({ host: 'ratings.data.svc.cluster.local', metadata: { namespace: 'shop' } });
    const manifests = synthValid(chart);
    const [httpRoute] = of(manifests, 'HTTPRoute');
    // A GAMMA consumer route (Gateway API spec, HTTPRoute parentRefs): meant for callers in
    // namespace shop only, unlike the Istio-mode VirtualService, exported to every namespace.
    // Istio 1.30.3 checks ReferenceGrants only for Gateway parents (route_collections.go
    // convertHTTPRoute(..., !mesh)), so the backend in data is not refused (CKI0009 agrees).
    expect(httpRoute.metadata.namespace).toBe('shop');
    expect(httpRoute.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'ratings', namespace: 'data', port: 9080 }]);
    expect(httpRoute.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'ratings', namespace: 'data', port: 9080 }]);
    expect(of(manifests, 'ReferenceGrant')).toEqual([]);
  });

  test('a chart without a namespace, with the App-wide switch', () => {
    const app = Testing.app();
    MeshSettings.setTrafficApi(app, TrafficApi.GATEWAY_API);
    const chart = new Chart(app, 'c');
    new ResilientRoute(chart, 'ratings', { host: 'ratings', port: 9080 });
    const [httpRoute] = of(synthValid(chart), 'HTTPRoute');
    expect(httpRoute.metadata.namespace).toBeUndefined();
    expect(httpRoute.spec.rules[0].timeouts).toEqual({ request: '10s' });
  });

  test('Istio mode is unchanged by the switch being set to ISTIO', () => {
    const build = (set: boolean) => {
      const app = Testing.app();
      if (set) MeshSettings.setTrafficApi(app, TrafficApi.ISTIO);
      const chart = new Chart(app, 'c', { namespace: 'shop' });
      new ResilientRoute(chart, 'ratings', { host: 'ratings', connectionPool: pool });
      return Yaml.stringify(...Testing.synth(chart));
    };
    expect(build(true)).toBe(build(false));
    expect(build(true)).toContain('kind: VirtualService');
  });

  test.each([
    ['fault injection', { fault: { abort: { httpStatus: 503, percentage: 100 } }, faultMatch: { headers: { 'x-chaos': StringMatch.exact('1') } } },
      /'fault' .* has no Gateway API equivalent .*TrafficApi.ISTIO/],
    ['retries', { retries: { attempts: 3, retryOn: [RetryOn.CONNECT_FAILURE] } }, /'retries' \(3\) is not in the Gateway API standard channel/],
    ['a missing port', { port: undefined }, /'port' \(unset\) is required with TrafficApi.GATEWAY_API/],
    ['a port out of range (named as the prop, not the generated parentRef)', { port: 70000 }, /\[c\/ratings\] 'port' \(70000\) must be a port number/],
    ['an external host', { host: 'api.partner.com' }, /'host' \(api.partner.com\) is not a Service of the cluster/],
    ['a dotted name that is not a Service FQDN', { host: 'ratings.svc.cluster.local' }, /'host' \(ratings.svc.cluster.local\) is not a Service of the cluster/],
  ])('refuses %s, naming the alternative', (_name, props, message) => {
    expect(() => route(props as any)).toThrow(message);
  });

  test('the Istio-only member names its counterpart', () => {
    expect(() => route().rr.virtualService).toThrow(/'virtualService' \(GATEWAY_API\) does not exist.*use 'httpRoute' instead/);
    expect(() => route({ trafficApi: TrafficApi.ISTIO }).rr.httpRoute).toThrow(/use 'virtualService' instead/);
  });

  test('a CanaryService for the same host is still a conflict in Gateway API mode', () => {
    const { chart } = route();
    new CanaryService(chart, 'ratings-canary', {
      serviceName: 'ratings',
      port: 9080,
      trafficApi: TrafficApi.GATEWAY_API,
      versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2' }],
    });
    expect(synthError(chart)).toMatch(/'host' \(ratings\) is also the host of CanaryService c\/ratings-canary, and two routes for one Service conflict; remove/);
  });
});
