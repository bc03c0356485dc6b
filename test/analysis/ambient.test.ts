import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { AuthorizationPolicy, CanaryService, DataplaneMode, MeshNamespace, RouteNamespaces, TrafficApi, Waypoint, WaypointTrafficType } from '../../src';
import { AnalysisFinding } from '../../src/analysis/finding';
import { analyzeYaml, reported } from '../support/analyze-yaml';
import { synthAppError, synthAppValid } from '../support/schema';

// CKI0014 (L7 AuthorizationPolicy enforced by ztunnel: Istio's convertAuthorizationPolicy in
// pilot/pkg/serviceregistry/ambient/authorization.go drops HTTP rules) and CKI0015 (use-waypoint
// naming a waypoint the app does not define: Istio's fetchWaypointForTarget reports it not ready).
// A Sidecar in ambient mode is Istio's IST0167 (sidecar.SelectorAnalyzer), checked here to stay so.


const analyze = (...documents: string[]) => analyzeYaml(documents);


const namespace = (name: string, labels: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: { ${labels} } }`;

const policy = (extra: string, rules: string, ns = 'shop') => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: ${ns} }
spec:
  ${extra}
  rules: ${rules}`;

const deployment = (labels: string, ns = 'shop') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { app: reviews, ${labels} } }
    spec: { containers: [{ name: app, image: example/reviews:1 }] }`;

const waypoint = (ns = 'shop', name = 'waypoint') => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${ns}, labels: { istio.io/waypoint-for: service } }
spec:
  gatewayClassName: istio-waypoint
  listeners: [{ name: mesh, port: 15008, protocol: HBONE, allowedRoutes: { namespaces: { from: All } } }]`;

const service = (labels: string, ns = 'shop') => `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: ${ns}, labels: { ${labels} } }
spec: { selector: { app: reviews }, ports: [{ port: 80 }] }`;

const ambientNs = namespace('shop', 'istio.io/dataplane-mode: ambient');

describe('CKI0014: L7 AuthorizationPolicy that ztunnel would enforce', () => {
  test.each([
    ['to.operation methods', '[{ to: [{ operation: { methods: [GET] } }] }]', 'methods'],
    ['to.operation notPaths', '[{ to: [{ operation: { notPaths: [/admin] } }] }]', 'notPaths'],
    ['from.source requestPrincipals', '[{ from: [{ source: { requestPrincipals: ["*"] } }] }]', 'requestPrincipals'],
    ['from.source remoteIpBlocks', '[{ from: [{ source: { remoteIpBlocks: [10.0.0.0/8] } }] }]', 'remoteIpBlocks'],
    ['when request.headers', '[{ when: [{ key: "request.headers[x-user]", values: [a] }] }]', 'request.headers[x-user]'],
  ])('namespace-wide in an ambient namespace: %s', (_, rules, attribute) => {
    const findings = analyze(ambientNs, policy('action: ALLOW', rules));
    expect(reported(findings, 'CKI0014')).toEqual(['Error AuthorizationPolicy/shop/p']);
    expect(findings.find((f) => f.code === 'CKI0014')!.message).toContain(`(${attribute})`);
  });

  test('DENY with a selector of ambient pods is reported (it denies more)', () => {
    const findings = analyze(ambientNs, deployment('x: y'), policy('action: DENY\n  selector: { matchLabels: { app: reviews } }',
      '[{ to: [{ operation: { paths: [/admin] } }] }]'));
    expect(findings.find((f) => f.code === 'CKI0014')!.message).toContain('denies more than asked');
  });

  test('not reported: L4-only rules, targetRefs, a non-ambient namespace, or selected pods that opt out', () => {
    const l7 = '[{ to: [{ operation: { methods: [GET] } }] }]';
    expect(reported(analyze(ambientNs, policy('', '[{ from: [{ source: { principals: [a] } }], to: [{ operation: { ports: ["80"] } }], '
      + 'when: [{ key: source.ip, values: [10.0.0.1] }] }]')), 'CKI0014')).toEqual([]);
    expect(reported(analyze(ambientNs, waypoint(), policy('targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: waypoint }]', l7)),
      'CKI0014')).toEqual([]);
    expect(reported(analyze(namespace('shop', 'istio-injection: enabled'), policy('', l7)), 'CKI0014')).toEqual([]);
    expect(reported(analyze(ambientNs, deployment('istio.io/dataplane-mode: none'),
      policy('selector: { matchLabels: { app: reviews } }', l7)), 'CKI0014')).toEqual([]);
  });
});

describe('CKI0015: istio.io/use-waypoint names a waypoint the app does not define', () => {
  test('a Service and a Namespace naming a missing waypoint, in a namespace the app defines', () => {
    const findings = analyze(namespace('shop', 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp'), service('istio.io/use-waypoint: other'));
    expect(reported(findings, 'CKI0015')).toEqual(['Error Namespace/default/shop', 'Error Service/shop/reviews']);
  });

  test('across namespaces: the waypoint namespace label is followed', () => {
    const missing = analyze(waypoint('mesh', 'other'), service('istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: mesh'));
    expect(findingsMessage(missing)).toContain('waypoint mesh/waypoint');
    expect(reported(analyze(waypoint('mesh'), service('istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: mesh')), 'CKI0015')).toEqual([]);
  });

  test('not reported: the waypoint is defined, opted out with none, or deployed by others (no Gateway nor Namespace of the app there)', () => {
    expect(reported(analyze(ambientNs, waypoint(), service('istio.io/use-waypoint: waypoint')), 'CKI0015')).toEqual([]);
    expect(reported(analyze(ambientNs, service('istio.io/use-waypoint: none')), 'CKI0015')).toEqual([]);
    expect(reported(analyze(service('istio.io/use-waypoint: waypoint')), 'CKI0015')).toEqual([]);
  });

  function findingsMessage(findings: AnalysisFinding[]): string {
    return findings.filter((f) => f.code === 'CKI0015').map((f) => f.message).join('\n');
  }
});

test('a Sidecar in an ambient namespace stays IST0167 (Istio sidecar.SelectorAnalyzer), no CKI code', () => {
  const sidecar = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: shop }
spec: { egress: [{ hosts: ["./*"] }] }`;
  expect(reported(analyze(ambientNs, sidecar), 'IST0167')).toEqual(['Warning Sidecar/shop/default']);
});

describe('at synth: a multi-namespace ambient app', () => {
  function app(withWaypoint: boolean, l7OnWaypoint: boolean): App {
    const a = Testing.app();
    const mesh = new Chart(a, 'mesh', { namespace: 'mesh' });
    new MeshNamespace(mesh, 'ns', { name: 'mesh', dataplane: DataplaneMode.ambient(), denyByDefault: false });
    const wp = withWaypoint ? new Waypoint(mesh, 'wp', { allowedNamespaces: RouteNamespaces.ALL }) : undefined;
    const shop = new Chart(a, 'shop', { namespace: 'shop' });
    const ns = new MeshNamespace(shop, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient(), denyByDefault: false });
    const reviews = new kplus.Deployment(shop, 'reviews', { containers: [{ image: 'example/reviews:1', portNumber: 9080 }] });
    const svc = reviews.exposeViaService({ name: 'reviews', ports: [{ port: 9080 }] });
    if (wp) {
      wp.useFor(ns).useFor(svc);
    } else {
      ns.namespace.metadata.addLabel('istio.io/use-waypoint', 'waypoint');
      ns.namespace.metadata.addLabel('istio.io/use-waypoint-namespace', 'mesh');
    }
    new AuthorizationPolicy(shop, 'get-only', l7OnWaypoint && wp
      ? { targetRefs: [wp.policyTarget()], rules: [{ to: [{ methods: ['GET'] }] }] }
      : { rules: [{ to: [{ methods: ['GET'] }] }] });
    return a;
  }

  test('valid: waypoint in mesh, services in shop, L7 policy on the waypoint', () => {
    const out = synthAppValid(app(true, true));
    const svc = out.find((m) => m.kind === 'Service');
    expect(svc.metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'mesh' });
  });

  test('an L7 policy on ztunnel fails synthesis (CKI0014)', () => {
    expect(synthAppError(app(true, false))).toContain('CKI0014');
  });

  test('a namespace bound to a waypoint the app does not define fails synthesis (CKI0015)', () => {
    expect(synthAppError(app(false, false))).toContain('CKI0015');
  });
});

// CKI0016: mesh routes for a Service in an ambient namespace that no waypoint serves. Istio turns
// GAMMA routes into mesh VirtualServices (pilot/pkg/config/kube/gateway/route_collections.go) and
// applies them only in the Service's waypoint (getVirtualServiceForWaypoint in
// pilot/pkg/networking/core/listener_waypoint.go); the binding follows fetchWaypointForService
// (pilot/pkg/serviceregistry/ambient/waypoints.go): Service label over Namespace label, `none`
// opts out, waypoint-for service or all.
describe('CKI0016: a mesh route for an ambient Service without a waypoint', () => {
  const httpRoute = (parent: string, ns = 'shop', kind = 'HTTPRoute') => `
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: split, namespace: ${ns} }
spec:
  parentRefs: [${parent}]
  rules: [{ backendRefs: [{ name: reviews, port: 80 }] }]`;
  const virtualService = (extra: string, ns = 'shop', host = 'reviews') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: ${ns} }
spec:
  hosts: [${host}]
  ${extra}
  http: [{ route: [{ destination: { host: reviews } }], timeout: 2s }]`;
  const gammaParent = '{ group: "", kind: Service, name: reviews }';
  const waypointFor = (trafficType: string) => waypoint().replace('waypoint-for: service', `waypoint-for: ${trafficType}`);

  test.each([
    ['a GAMMA HTTPRoute', httpRoute(gammaParent), 'HTTPRoute/shop/split'],
    ['a GAMMA GRPCRoute', httpRoute(gammaParent, 'shop', 'GRPCRoute'), 'GRPCRoute/shop/split'],
    ['a GAMMA HTTPRoute from another namespace', httpRoute('{ group: "", kind: Service, name: reviews, namespace: shop }', 'front'), 'HTTPRoute/front/split'],
    ['a VirtualService without gateways', virtualService(''), 'VirtualService/shop/reviews'],
    ['a VirtualService bound to mesh and a gateway', virtualService('gateways: [mesh, edge/gw]'), 'VirtualService/shop/reviews'],
    ['a VirtualService by FQDN from another namespace', virtualService('', 'front', 'reviews.shop.svc.cluster.local'), 'VirtualService/front/reviews'],
  ])('%s', (_, route, expected) => {
    const findings = analyze(ambientNs, service(''), route);
    expect(reported(findings, 'CKI0016')).toEqual([`Error ${expected}`]);
    const message = findings.find((f) => f.code === 'CKI0016')!.message;
    expect(message).toContain('Service shop/reviews in ambient namespace shop');
    expect(message).toContain('neither the Service nor Namespace shop has istio.io/use-waypoint');
    expect(message).toContain('.useFor(meshNamespace)');
  });

  test('reported: use-waypoint none on the Service (it wins over the Namespace), or a waypoint for workload traffic only', () => {
    const nsWithWaypoint = namespace('shop', 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint');
    const optOut = analyze(nsWithWaypoint, waypoint(), service('istio.io/use-waypoint: none'), httpRoute(gammaParent));
    expect(optOut.find((f) => f.code === 'CKI0016')!.message).toContain('Service shop/reviews opts out with istio.io/use-waypoint: none');
    const workload = analyze(nsWithWaypoint, waypointFor('workload'), service(''), httpRoute(gammaParent));
    expect(workload.find((f) => f.code === 'CKI0016')!.message).toContain('whose istio.io/waypoint-for: workload does not take Service traffic');
    expect(reported(analyze(ambientNs, waypointFor('none'), service('istio.io/use-waypoint: waypoint'), virtualService('')), 'CKI0016'))
      .toEqual(['Error VirtualService/shop/reviews']);
  });

  test('not reported: a waypoint for service or all traffic on the Service or its Namespace, or one the app does not define', () => {
    const route = httpRoute(gammaParent);
    expect(reported(analyze(ambientNs, waypoint(), service('istio.io/use-waypoint: waypoint'), route), 'CKI0016')).toEqual([]);
    expect(reported(analyze(ambientNs, waypointFor('all'), service('istio.io/use-waypoint: waypoint'), route), 'CKI0016')).toEqual([]);
    expect(reported(analyze(namespace('shop', 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint'), waypoint(), service(''), route),
      'CKI0016')).toEqual([]);
    expect(reported(analyze(ambientNs, waypoint('mesh'), service('istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: mesh'),
      virtualService('')), 'CKI0016')).toEqual([]);
    // A waypoint the app does not define is CKI0015's concern, not this rule's.
    expect(reported(analyze(ambientNs, service('istio.io/use-waypoint: elsewhere'), route), 'CKI0016')).toEqual([]);
  });

  test('not reported: sidecar namespaces, a Namespace the app does not define, Gateway parents, gateway-only VirtualServices, other hosts', () => {
    const route = httpRoute(gammaParent);
    expect(reported(analyze(namespace('shop', 'istio-injection: enabled'), service(''), route), 'CKI0016')).toEqual([]);
    expect(reported(analyze(namespace('shop', 'istio.io/dataplane-mode: ambient, istio-injection: enabled'), service(''), route), 'CKI0016')).toEqual([]);
    expect(reported(analyze(service(''), route, virtualService('')), 'CKI0016')).toEqual([]);
    expect(reported(analyze(ambientNs, service(''), httpRoute('{ name: edge, namespace: istio-system }')), 'CKI0016')).toEqual([]);
    expect(reported(analyze(ambientNs, service(''), httpRoute('{ kind: Service, name: reviews }')), 'CKI0016')).toEqual([]); // group defaults to Gateway API's
    expect(reported(analyze(ambientNs, service(''), virtualService('gateways: [edge/gw]')), 'CKI0016')).toEqual([]);
    expect(reported(analyze(ambientNs, service(''), virtualService('', 'shop', 'ratings.example.com')), 'CKI0016')).toEqual([]);
  });

  describe('at synth: CanaryService in an ambient MeshNamespace', () => {
    function app(trafficApi: TrafficApi, bind?: 'namespace' | 'service', dataplane = DataplaneMode.ambient(), withNamespace = true) {
      const a = Testing.app();
      const chart = new Chart(a, 'shop', { namespace: 'shop' });
      const ns = withNamespace ? new MeshNamespace(chart, 'ns', { name: 'shop', dataplane, denyByDefault: false }) : undefined;
      const canary = new CanaryService(chart, 'reviews', {
        port: 9080, trafficApi, versions: [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 10 }],
      });
      if (bind === 'namespace') new Waypoint(chart, 'waypoint').useFor(ns!);
      if (bind === 'service') new Waypoint(chart, 'waypoint').useFor(canary.service);
      return a;
    }

    test.each([
      ['Gateway API (its GAMMA HTTPRoute)', TrafficApi.GATEWAY_API, 'HTTPRoute shop/reviews', 'shop/reviews/HttpRoute'],
      ['Istio API (its VirtualService)', TrafficApi.ISTIO, 'VirtualService shop/reviews', 'shop/reviews/VirtualService'],
    ])('%s without a waypoint fails synthesis under the construct path', (_, api, route, path) => {
      const error = synthAppError(app(api));
      expect(error).toContain(`[${path}] CKI0016: ${route} routes Service shop/reviews in ambient namespace shop`);
    });

    test.each([
      ['useFor(meshNamespace)', 'namespace' as const], ['useFor(service)', 'service' as const],
    ])('valid with a Waypoint %s, in both APIs', (_, bind) => {
      for (const api of [TrafficApi.GATEWAY_API, TrafficApi.ISTIO]) expect(() => synthAppValid(app(api, bind))).not.toThrow();
    });

    test('valid in sidecar mode, or when the app does not define the Namespace', () => {
      expect(() => synthAppValid(app(TrafficApi.GATEWAY_API, undefined, DataplaneMode.sidecar()))).not.toThrow();
      expect(() => synthAppValid(app(TrafficApi.ISTIO, undefined, DataplaneMode.ambient(), false))).not.toThrow();
    });

    test('a workload-only Waypoint does not serve the Service (CKI0016)', () => {
      const a = Testing.app();
      const chart = new Chart(a, 'shop', { namespace: 'shop' });
      const ns = new MeshNamespace(chart, 'ns', { name: 'shop', dataplane: DataplaneMode.ambient(), denyByDefault: false });
      new CanaryService(chart, 'reviews', {
        port: 9080, trafficApi: TrafficApi.GATEWAY_API, versions: [{ name: 'v1', image: 'reviews:1' }, { name: 'v2', image: 'reviews:2', weight: 10 }],
      });
      new Waypoint(chart, 'waypoint', { trafficType: WaypointTrafficType.WORKLOAD }).useFor(ns);
      expect(synthAppError(a)).toContain('waypoint-for: workload does not take Service traffic');
    });
  });
});
