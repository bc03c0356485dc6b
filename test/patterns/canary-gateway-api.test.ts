import { App, Chart, Duration, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as kplus33 from 'cdk8s-plus-33';
import { CanaryService, CanaryServiceProps, LoadBalancerAlgorithm, MeshSettings, RetryOn, StringMatch, TrafficApi } from '../../src';
import { synthError, synthValid } from '../support/schema';

function canary(props: Partial<CanaryServiceProps> = {}, namespace = 'shop') {
  const chart = new Chart(Testing.app(), 'shop', { namespace });
  const service = new CanaryService(chart, 'reviews', {
    port: 9080,
    trafficApi: TrafficApi.GATEWAY_API,
    versions: [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 10 }],
    ...props,
  });
  return { chart, service };
}
const of = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);
const versionsOf3 = () => [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 10 }, { name: 'v3', image: 'reviews:3' }];

describe('CanaryService with TrafficApi.GATEWAY_API', () => {
  test('a Service per version, a GAMMA HTTPRoute with the weighted split, a DestinationRule per version', () => {
    const { chart, service } = canary();
    const manifests = synthValid(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/reviews', 'Deployment/reviews-v1', 'Deployment/reviews-v2', 'Service/reviews',
      'Service/reviews-v1', 'DestinationRule/reviews-v1', 'Service/reviews-v2', 'DestinationRule/reviews-v2',
      'HTTPRoute/reviews', 'PeerAuthentication/reviews',
    ]);
    // Version Services select one version's pods, on the service's port.
    const v2 = of(manifests, 'Service').find((s) => s.metadata.name === 'reviews-v2');
    expect(v2.spec.selector).toEqual({ app: 'reviews', version: 'v2' });
    expect(v2.spec.ports).toEqual([{ name: 'http', appProtocol: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }]);
    const [route] = of(manifests, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.namespace).toBe('shop');
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
    expect(route.spec.rules).toEqual([{
      name: 'split',
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v1', port: 9080, weight: 90 }, { group: '', kind: 'Service', name: 'reviews-v2', port: 9080, weight: 10 }],
    }]);
    expect(of(manifests, 'DestinationRule').map((d) => [d.spec.host, d.spec.trafficPolicy.tls.mode])).toEqual([['reviews-v1', 'ISTIO_MUTUAL'], ['reviews-v2', 'ISTIO_MUTUAL']]);
    expect(of(manifests, 'VirtualService')).toEqual([]);
    expect(service.versionServices.map((s) => s.name)).toEqual(['reviews-v1', 'reviews-v2']);
    expect(service.subsets).toEqual([]);
    expect(service.httpRoute.name).toBe('reviews');
    expect(manifests).toMatchSnapshot();
  });

  test('a rollout step changes the two weights and nothing else', () => {
    const yaml = (weight: number) => Yaml.stringify(...synthValid(canary({ versions: [{ name: 'v1', image: 'r:1' }, { name: 'v2', image: 'r:2', weight }] }).chart))
      .split('\n');
    const before = yaml(10);
    const after = yaml(20);
    const changed = before.filter((line, i) => line !== after[i]);
    expect(before.length).toBe(after.length);
    expect(changed).toEqual(['          weight: 90', '          weight: 10']);
    expect(after.filter((line, i) => line !== before[i])).toEqual(['          weight: 80', '          weight: 20']);
  });

  test('dark launch (headers, cookie, query), mirror, timeout and the pool become HTTPRoute rules and DestinationRules', () => {
    const { chart } = canary({
      matchRoutes: [{ version: 'v2', headers: { 'x-dark': StringMatch.exact('1'), 'x-team': StringMatch.prefix('qa') }, cookie: 'user=jason', queryParams: { beta: StringMatch.regex('y.*') } }],
      mirror: { version: 'v2', percentage: 5 },
      resilience: { timeout: Duration.seconds(4), connectionPool: { http: { http1MaxPendingRequests: 10 } } },
      versions: [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 0, trafficPolicy: { loadBalancer: { algorithm: LoadBalancerAlgorithm.ROUND_ROBIN } } }],
    });
    const manifests = synthValid(chart);
    const [route] = of(manifests, 'HTTPRoute');
    expect(route.spec.rules[0]).toEqual({
      name: 'v2-match',
      matches: [{
        path: { type: 'PathPrefix', value: '/' },
        headers: [
          { name: 'x-dark', value: '1' },
          { name: 'x-team', type: 'RegularExpression', value: 'qa.*' },
          { name: 'cookie', type: 'RegularExpression', value: '^(.*?;\\s*)?(user=jason)(;.*)?$' },
        ],
        queryParams: [{ name: 'beta', type: 'RegularExpression', value: 'y.*' }],
      }],
      backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v2', port: 9080 }],
      timeouts: { request: '4s' },
    });
    expect(route.spec.rules[1].filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'reviews-v2', port: 9080 }, percent: 5 } }]);
    expect(route.spec.rules[1].timeouts).toEqual({ request: '4s' });
    for (const dr of of(manifests, 'DestinationRule')) expect(dr.spec.trafficPolicy.connectionPool).toEqual({ http: { http1MaxPendingRequests: 10 } });
    // The version's own policy applies to its Service only.
    expect(of(manifests, 'DestinationRule').map((d) => d.spec.trafficPolicy.loadBalancer)).toEqual([undefined, { simple: 'ROUND_ROBIN' }]);
  });

  test('a fractional mirror share is written as a fraction', () => {
    const [route] = of(synthValid(canary({ mirror: { version: 'v2', percentage: 0.5 } }).chart), 'HTTPRoute');
    expect(route.spec.rules[0].filters[0].requestMirror.fraction).toEqual({ numerator: 5000, denominator: 1000000 });
  });

  test('the App-wide switch applies to every CanaryService, and a construct can override it', () => {
    const app = Testing.app();
    MeshSettings.setTrafficApi(app, TrafficApi.GATEWAY_API);
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    const versions = [{ name: 'v1', image: 'a:1' }, { name: 'v2', image: 'a:2', weight: 50 }];
    const a = new CanaryService(chart, 'a', { versions });
    const b = new CanaryService(chart, 'b', { versions, trafficApi: TrafficApi.ISTIO });
    expect(a.trafficApi).toBe(TrafficApi.GATEWAY_API);
    expect(b.trafficApi).toBe(TrafficApi.ISTIO);
    const kinds = synthValid(chart).map((m) => `${m.kind}/${m.metadata.name}`);
    expect(kinds).toContain('HTTPRoute/a');
    expect(kinds).toContain('VirtualService/b');
    expect(kinds).not.toContain('VirtualService/a');
    expect(kinds).not.toContain('HTTPRoute/b');
  });

  test('Istio mode stays byte-identical whether the switch is unset or set to ISTIO', () => {
    const build = (set: boolean) => {
      const app = new App();
      if (set) MeshSettings.setTrafficApi(app, TrafficApi.ISTIO);
      const chart = new Chart(app, 'c', { namespace: 'shop' });
      new CanaryService(chart, 'reviews', { versions: [{ name: 'v1', image: 'a:1' }, { name: 'v2', image: 'a:2', weight: 5 }], mirror: { version: 'v2', percentage: 1 } });
      return Yaml.stringify(...Testing.synth(chart));
    };
    expect(build(true)).toBe(build(false));
  });

  test('a chart without a namespace and an existing cdk8s-plus-33 workload', () => {
    const chart = new Chart(Testing.app(), 'c');
    const deployment = new kplus33.Deployment(chart, 'legacy', { containers: [{ image: 'reviews:1', portNumber: 9080 }] });
    new CanaryService(chart, 'reviews', {
      trafficApi: TrafficApi.GATEWAY_API,
      port: 9080,
      versions: [{ name: 'v1', deployment }, { name: 'v2', image: 'reviews:2', weight: 25 }],
    });
    const manifests = synthValid(chart);
    const [route] = of(manifests, 'HTTPRoute');
    expect(route.metadata.namespace).toBeUndefined();
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
    expect(route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['reviews-v1', 75], ['reviews-v2', 25]]);
    const v1 = of(manifests, 'Service').find((s) => s.metadata.name === 'reviews-v1');
    expect(v1.spec.selector).toEqual({ app: 'reviews', version: 'v1' });
    // The existing workload's pods carry the labels the version Service selects.
    const legacy = of(manifests, 'Deployment').find((d) => d.spec.template.spec.containers[0].image === 'reviews:1');
    expect(legacy.spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
  });

  test.each([
    ['gateways', { gateways: [{ gatewayName: 'gw' } as any] }, /'gateways' \(1\) binds Istio Gateways.*GatewayRouteTarget.fromCanary/],
    ['hosts', { hosts: ['reviews.example.com'] }, /'hosts' \(\["reviews.example.com"\]\) are ignored by a mesh route attached to a Service/],
    ['retries', { resilience: { retries: { attempts: 3, retryOn: [RetryOn.CONNECT_FAILURE] } } }, /'resilience.retries' \(3\) is not in the Gateway API standard channel.*TrafficApi.ISTIO/],
    ['long names', { serviceName: 'r'.repeat(61) }, /longer than 63 characters/],
    // Found by the fuzzer: Istio accepts an empty header value, the HTTPRoute CRD does not.
    ['an empty header value', { matchRoutes: [{ version: 'v2', headers: { 'x-beta': StringMatch.exact('') } }] },
      /'matchRoutes\[0\].headers.x-beta' \(""\) must not be empty with the Gateway API.*TrafficApi.ISTIO/],
  ])('refuses what the Gateway API cannot express: %s', (_name, props, message) => {
    expect(() => canary(props as any)).toThrow(message);
  });

  test('dark launches in the order the Gateway API tries them are accepted; one listed after a rule it outranks is refused', () => {
    const v3 = [...versionsOf3()];
    expect(() => canary({ versions: v3, matchRoutes: [{ version: 'v2', headers: { a: StringMatch.exact('1'), b: StringMatch.exact('2') } }, { version: 'v3', cookie: 'u=1' }] }))
      .not.toThrow();
    // Istio's sortHTTPRoutes (pilot/pkg/config/kube/gateway/conversion.go): more headers first, then more query parameters.
    expect(() => canary({ versions: v3, matchRoutes: [{ version: 'v2', queryParams: { beta: StringMatch.exact('1') } }, { version: 'v3', cookie: 'u=1' }] }))
      .toThrow(/'matchRoutes\[1\]' \(v3\) has more conditions than matchRoutes\[0\] \(1 headers and 0 query parameters against 0 and 1\).*list it before matchRoutes\[0\]/);
    // The Istio API tries them in order: no such refusal there.
    expect(() => canary({ trafficApi: TrafficApi.ISTIO, versions: v3, matchRoutes: [{ version: 'v2', queryParams: { beta: StringMatch.exact('1') } }, { version: 'v3', cookie: 'u=1' }] }))
      .not.toThrow();
  });

  test('two dark launches of one version get distinct rule names; a prefix match on the empty string matches any value', () => {
    const { chart } = canary({ matchRoutes: [{ version: 'v2', headers: { 'x-a': StringMatch.prefix('') } }, { version: 'v2', headers: { 'x-b': StringMatch.exact('1') } }] });
    const [route] = of(synthValid(chart), 'HTTPRoute');
    expect(route.spec.rules.map((r: any) => r.name)).toEqual(['v2-match', 'v2-match-2', 'split']);
    expect(route.spec.rules[0].matches[0].headers).toEqual([{ name: 'x-a', type: 'RegularExpression', value: '.*' }]);
  });

  test('Istio mode too: a dark launch keeps the conditions of the route it narrows (headers and query parameters)', () => {
    const { chart, service } = canary({ trafficApi: TrafficApi.ISTIO, matchRoutes: [{ version: 'v2', headers: { 'x-u': StringMatch.exact('b') }, queryParams: { q: StringMatch.exact('1') } }] });
    const routes = service._httpRoutes([{ queryParams: { tenant: StringMatch.exact('t') } }, { headers: { 'X-U': StringMatch.exact('a') } }]);
    // The second match names x-u twice with two values: it can never hold, so the dark launch keeps only the first.
    expect(routes[0].match!.map((m) => ({ headers: Object.keys(m.headers ?? {}), query: Object.keys(m.queryParams ?? {}) }))).toEqual([
      { headers: ['x-u'], query: ['tenant', 'q'] },
    ]);
    expect(synthValid(chart).length).toBeGreaterThan(0);
  });

  test('the Istio-only members name their Gateway API counterparts', () => {
    const { service } = canary();
    expect(() => service.virtualService).toThrow(/\[shop\/reviews\] 'virtualService' \(GATEWAY_API\) does not exist: this CanaryService writes TrafficApi.GATEWAY_API; use 'httpRoute' instead/);
    expect(() => service.destinationRule).toThrow(/use 'destinationRules' instead/);
    expect(service.destinationRules.map((d) => d.resource.toJson().spec.host)).toEqual(['reviews-v1', 'reviews-v2']);
    const istio = canary({ trafficApi: TrafficApi.ISTIO }).service;
    expect(() => istio.httpRoute).toThrow(/use 'virtualService' instead/);
    expect(istio.versionServices).toEqual([]);
    expect(istio.destinationRules).toEqual([istio.destinationRule]);
  });

  test('an unknown context value is refused', () => {
    const app = Testing.app();
    app.node.setContext(MeshSettings.TRAFFIC_API_CONTEXT, 'GAMMA');
    const chart = new Chart(app, 'c');
    expect(() => new CanaryService(chart, 'r', { versions: [{ name: 'v1', image: 'a' }, { name: 'v2', image: 'b' }] }))
      .toThrow(/'context 'cdk8s-istio:trafficApi'' \(GAMMA\) must be ISTIO or GATEWAY_API/);
  });

  test('the analyzer still runs: a hand patch that breaks the split fails synth', () => {
    const { chart, service } = canary();
    service.httpRoute.resource.addJsonPatch(JsonPatch.replace('/spec/rules/0/backendRefs/0/weight', -1));
    expect(synthError(chart)).toMatch(/weight/);
  });
});
