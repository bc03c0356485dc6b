import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { BackendRef, HttpRoute, KubernetesGateway, ListenerProtocol, ParentRef, ReferenceGrant, RouteNamespaces } from '../../src';
import { runCli } from '../../src/cli/run';
import { analyzeYaml, reported } from '../support/analyze-yaml';

// CKI0008 (a route's Gateway parent it cannot attach to: Istio's referenceAllowed in
// pilot/pkg/config/kube/gateway — NoMatchingParent, NoMatchingListenerHostname,
// NotAllowedByListeners) and CKI0009 (a route's Service references: BackendNotFound,
// RefNotPermitted, GAMMA parent not found).

const analyze = (documents: string[], external: string[] = []) => analyzeYaml(documents, external);

const gateway = (listeners: string, ns = 'edge') => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: ${ns} }
spec: { gatewayClassName: istio, listeners: [${listeners}] }`;

const HTTP_ALL = '{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }';
const SHOP_ONLY = '{ name: shop, port: 80, protocol: HTTP, hostname: "*.shop.example.com", allowedRoutes: { namespaces: { from: All } } }';

const route = (parent: string, extra = '', ns = 'team-a', kind = 'HTTPRoute') => `
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: { name: r, namespace: ${ns} }
spec:
  parentRefs: [${parent}]
  ${extra}`;

const namespace = (name: string, labels = '{}') => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: ${labels} }`;

const service = (name: string, ns: string, port = 8080) => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { selector: { app: ${name} }, ports: [{ port: ${port} }] }`;

const TO_GW = '{ name: gw, namespace: edge }';

describe('CKI0008: a route parent Gateway it cannot attach to', () => {
  test('a Gateway not defined is reported, as IST0101 for VirtualService gateways', () => {
    const findings = analyze([route('{ name: missing, namespace: edge }')]);
    expect(reported(findings, 'CKI0008')).toEqual(['Error HTTPRoute/team-a/r']);
    expect(findings.find((f) => f.code === 'CKI0008')!.message).toContain('parentRefs[0] (Gateway edge/missing): the Gateway is not defined');
  });

  test.each([
    ['listed in externalGateways', [route('{ name: missing, namespace: edge }')], ['edge/missing']],
    ['a Service parent (GAMMA)', [route('{ group: "", kind: Service, name: x }')], []],
    ['another kind of parent', [route('{ group: example.com, kind: Mesh, name: x }')], []],
  ])('not reported when %s', (_, docs, external) => {
    expect(reported(analyze(docs, external), 'CKI0008')).toEqual([]);
  });

  test.each([
    ['sectionName naming no listener', '{ name: gw, namespace: edge, sectionName: https }', 'sectionName names no listener'],
    ['a port no listener has', '{ name: gw, namespace: edge, port: 8080 }', 'no listener has port 8080'],
  ])('reported for %s (NoMatchingParent)', (_, parent, text) => {
    const findings = analyze([gateway(HTTP_ALL), route(parent)]);
    expect(reported(findings, 'CKI0008')).toEqual(['Error HTTPRoute/team-a/r']);
    expect(findings.find((f) => f.code === 'CKI0008')!.message).toContain(text);
    expect(findings.find((f) => f.code === 'CKI0008')!.message).toContain('listeners [http (port 80, HTTP)]');
  });

  test.each([
    ['the listener by sectionName', '{ name: gw, namespace: edge, sectionName: http }'],
    ['the listener by port', '{ name: gw, namespace: edge, port: 80 }'],
  ])('not reported for %s', (_, parent) => {
    expect(reported(analyze([gateway(HTTP_ALL), route(parent)]), 'CKI0008')).toEqual([]);
  });

  test.each([
    ['foo.example.com', true],
    ['a.shop.example.com', false],
    ['*.shop.example.com', false],
    ['*.example.com', false], // Istio matches wildcards as suffixes, both ways
    ['shop.example.com', true], // *.shop.example.com does not match shop.example.com
  ])('route hostname %s against listener *.shop.example.com: reported %s (NoMatchingListenerHostname)', (hostname, bad) => {
    const findings = analyze([gateway(SHOP_ONLY), route(TO_GW, `hostnames: ["${hostname}"]`)]);
    expect(reported(findings, 'CKI0008')).toEqual(bad ? ['Error HTTPRoute/team-a/r'] : []);
    if (bad) expect(findings.find((f) => f.code === 'CKI0008')!.message).toContain('NoMatchingListenerHostname');
  });

  test('a route without hostnames matches any listener hostname; a listener without hostname admits any', () => {
    expect(reported(analyze([gateway(SHOP_ONLY), route(TO_GW)]), 'CKI0008')).toEqual([]);
    expect(reported(analyze([gateway(HTTP_ALL), route(TO_GW, 'hostnames: [x.example.org]')]), 'CKI0008')).toEqual([]);
  });

  test('allowedRoutes Same (the default): reported for a route of another namespace, not for one of the Gateway\'s', () => {
    const same = '{ name: http, port: 80, protocol: HTTP }';
    const findings = analyze([gateway(same), route(TO_GW)]);
    expect(reported(findings, 'CKI0008')).toEqual(['Error HTTPRoute/team-a/r']);
    expect(findings.find((f) => f.code === 'CKI0008')!.message).toContain('no listener admits routes of namespace team-a (NotAllowedByListeners');
    expect(reported(analyze([gateway(same), route('{ name: gw }', '', 'edge')]), 'CKI0008')).toEqual([]);
  });

  const SELECTOR = '{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { shared-gateway: "true" } } } } }';
  test.each([
    ['labelled', [namespace('team-a', '{ shared-gateway: "true" }')], []],
    ['not labelled', [namespace('team-a')], ['Error HTTPRoute/team-a/r']],
    ['not defined in the app', [], []],
  ])('allowedRoutes Selector, the route namespace %s', (_, namespaces, expected) => {
    expect(reported(analyze([gateway(SELECTOR), ...namespaces, route(TO_GW)]), 'CKI0008')).toEqual(expected);
  });

  test('allowedRoutes Selector with matchExpressions and the kubernetes.io/metadata.name label', () => {
    const byName = '{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: Selector, selector: '
      + '{ matchExpressions: [{ key: kubernetes.io/metadata.name, operator: In, values: [team-a] }] } } } }';
    expect(reported(analyze([gateway(byName), namespace('team-a'), route(TO_GW)]), 'CKI0008')).toEqual([]);
    expect(reported(analyze([gateway(byName), namespace('team-b'), route(TO_GW, '', 'team-b')]), 'CKI0008')).toEqual(['Error HTTPRoute/team-b/r']);
  });

  test.each([
    ['a TCP listener', '{ name: tcp, port: 80, protocol: TCP, allowedRoutes: { namespaces: { from: All } } }', 'HTTPRoute', true],
    ['allowedRoutes.kinds without the kind', '{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All }, kinds: [{ kind: GRPCRoute }] } }',
      'HTTPRoute', true],
    ['a GRPCRoute on an HTTPS listener (Istio admits HTTPRoute and GRPCRoute)',
      '{ name: https, port: 443, protocol: HTTPS, tls: { certificateRefs: [{ name: c }] }, allowedRoutes: { namespaces: { from: All } } }', 'GRPCRoute', false],
    ['allowedRoutes.kinds with the kind', '{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All }, kinds: [{ kind: HTTPRoute }] } }',
      'HTTPRoute', false],
  ])('kind: %s', (_, listener, kind, bad) => {
    const findings = analyze([gateway(listener), route(TO_GW, '', 'team-a', kind)]);
    expect(reported(findings, 'CKI0008')).toEqual(bad ? [`Error ${kind}/team-a/r`] : []);
    if (bad) expect(findings.find((f) => f.code === 'CKI0008')!.message).toContain(`no listener admits kind ${kind}`);
  });
});

const backend = (ref: string, ns = 'team-a') => route(TO_GW, `rules: [{ backendRefs: [${ref}] }]`, ns);
const grant = (ns: string, from: string, to = '{ group: "", kind: Service }') => `
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata: { name: g, namespace: ${ns} }
spec: { from: [${from}], to: [${to}] }`;
const FROM_TEAM_A = '{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: team-a }';

describe('CKI0009: a route reference to a Service', () => {
  const base = [gateway(HTTP_ALL), service('cart', 'team-a')];

  test.each([
    ['a port the Service has', '{ name: cart, port: 8080 }', [], []],
    ['a port the Service lacks', '{ name: cart, port: 9090 }', [], ['Error HTTPRoute/team-a/r']],
    ['a Service not defined in a namespace the app defines Services in', '{ name: other, port: 80 }', [], ['Warning HTTPRoute/team-a/r']],
    ['a Service of a namespace the app defines no Service in', '{ name: other, namespace: team-b, port: 80 }',
      [grant('team-b', FROM_TEAM_A)], []],
    ['a Service in another namespace without a ReferenceGrant', '{ name: api, namespace: team-b, port: 80 }',
      [service('api', 'team-b', 80)], ['Error HTTPRoute/team-a/r']],
    ['a grant for that Service', '{ name: api, namespace: team-b, port: 80 }',
      [service('api', 'team-b', 80), grant('team-b', FROM_TEAM_A, '{ group: "", kind: Service, name: api }')], []],
    ['a grant for another Service', '{ name: api, namespace: team-b, port: 80 }',
      [service('api', 'team-b', 80), grant('team-b', FROM_TEAM_A, '{ group: "", kind: Service, name: web }')], ['Error HTTPRoute/team-a/r']],
    ['a grant from GRPCRoutes only', '{ name: api, namespace: team-b, port: 80 }',
      [service('api', 'team-b', 80), grant('team-b', '{ group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: team-a }')], ['Error HTTPRoute/team-a/r']],
    ['another backend kind', '{ group: example.com, kind: Bucket, name: b }', [], []],
  ])('backendRef to %s', (_, ref, extra, expected) => {
    expect(reported(analyze([...base, ...extra, backend(ref)]), 'CKI0009')).toEqual(expected);
  });

  test('the RefNotPermitted message names the grant to add', () => {
    const findings = analyze([...base, service('api', 'team-b', 80), backend('{ name: api, namespace: team-b, port: 80 }')]);
    expect(findings.find((f) => f.code === 'CKI0009')!.message).toContain('add a ReferenceGrant in namespace team-b from { group: gateway.networking.k8s.io, '
      + 'kind: HTTPRoute, namespace: team-a } to { group: "", kind: Service, name: api }');
  });

  test.each([
    ['a rule RequestMirror', 'rules: [{ filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: cart, port: 1 } } }], backendRefs: [{ name: cart, port: 8080 }] }]',
      'rules[0].filters[0].requestMirror.backendRef'],
    ['a backend RequestMirror', 'rules: [{ backendRefs: [{ name: cart, port: 8080, filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: cart, port: 1 } } }] }] }]',
      'rules[0].backendRefs[0].filters[0].requestMirror.backendRef'],
  ])('%s backendRef is checked', (_, rules, field) => {
    const findings = analyze([...base, route(TO_GW, rules)]);
    expect(reported(findings, 'CKI0009')).toEqual(['Error HTTPRoute/team-a/r']);
    expect(findings.find((f) => f.code === 'CKI0009')!.message).toContain(`${field} (Service team-a/cart:1): Service team-a/cart has no port 1`);
  });

  // Istio 1.30.3 enforces ReferenceGrants only when it converts a route for its Gateway parents:
  // pilot/pkg/config/kube/gateway/route_collections.go passes enforceRefGrant = !mesh to
  // convertHTTPRoute, and conversion.go buildDestination checks grants only when it is set.
  const MESH_PARENT = '{ group: "", kind: Service, name: cart, port: 8080 }';
  test.each([
    ['a mesh (GAMMA) route: not refused', MESH_PARENT, []],
    ['a mesh route on a ServiceEntry parent: not refused', '{ group: networking.istio.io, kind: ServiceEntry, name: se }', []],
    ['a Gateway-parent route: refused', TO_GW, ['Error HTTPRoute/team-a/r']],
    ['a route with a Gateway and a Service parent: refused for the Gateway parent', `${TO_GW}, ${MESH_PARENT}`, ['Error HTTPRoute/team-a/r']],
  ])('a backend in another namespace without a ReferenceGrant, %s', (_, parents, expected) => {
    const findings = analyze([...base, service('api', 'team-b', 80), route(parents, 'rules: [{ backendRefs: [{ name: api, namespace: team-b, port: 80 }] }]')]);
    expect(reported(findings, 'CKI0009')).toEqual(expected);
  });

  test('a mesh route keeps the other backend rules: a port the cross-namespace Service lacks', () => {
    const findings = analyze([...base, service('api', 'team-b', 80), route(MESH_PARENT, 'rules: [{ backendRefs: [{ name: api, namespace: team-b, port: 81 }] }]')]);
    expect(reported(findings, 'CKI0009')).toEqual(['Error HTTPRoute/team-a/r']);
    expect(findings.find((f) => f.code === 'CKI0009')!.message).toContain('Service team-b/api has no port 81');
  });

  test.each([
    ['the Service with that port', '{ group: "", kind: Service, name: cart, port: 8080 }', []],
    ['the Service without that port', '{ group: "", kind: Service, name: cart, port: 9090 }', ['Error HTTPRoute/team-a/r']],
    ['a Service not defined', '{ group: "", kind: Service, name: nope }', ['Warning HTTPRoute/team-a/r']],
    ['a Service of a namespace the app defines none in', '{ group: "", kind: Service, name: nope, namespace: elsewhere }', []],
  ])('GAMMA parent: %s', (_, parent, expected) => {
    expect(reported(analyze([service('cart', 'team-a'), route(parent)]), 'CKI0009')).toEqual(expected);
  });
});

describe('CKI0006: the CRD rules of hand-written routes are reported once, not by CKI0008/CKI0009', () => {
  test.each([
    ['a weight above 1,000,000', 'rules: [{ backendRefs: [{ name: cart, port: 8080, weight: 1000001 }] }]'],
    ['17 backendRefs', `rules: [{ backendRefs: [${Array.from({ length: 17 }, () => '{ name: cart, port: 8080 }').join(', ')}] }]`],
    ['backendRequest above request', 'rules: [{ timeouts: { request: 1s, backendRequest: 2s }, backendRefs: [{ name: cart, port: 8080 }] }]'],
  ])('%s', (_, rules) => {
    const findings = analyze([gateway(HTTP_ALL), service('cart', 'team-a'), route(TO_GW, rules)]);
    expect(reported(findings, 'CKI0006')).toEqual(['Error HTTPRoute/team-a/r']);
  });
});

describe('at synth, with the L2 constructs', () => {
  function platform(app: App, from: RouteNamespaces): void {
    const edge = new Chart(app, 'edge', { namespace: 'edge' });
    new KubernetesGateway(edge, 'gw', {
      metadata: { name: 'public' },
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP, hostname: '*.example.com', allowedRoutes: { namespaces: from } }],
    });
  }

  test('a route of a team namespace to a Gateway admitting only its own namespace fails synthesis, under the construct path', () => {
    const app = Testing.app();
    platform(app, RouteNamespaces.SAME);
    const team = new Chart(app, 'team', { namespace: 'team-a' });
    const svc = new kplus.Service(team, 'cart', { metadata: { name: 'cart' }, ports: [{ port: 8080 }] });
    new HttpRoute(team, 'route', { parentRefs: [ParentRef.gateway('public', 'edge')], rules: [{ backendRefs: [BackendRef.service(svc)] }] });
    // ParentRef.gateway() names a Gateway outside the app; here the app defines it, so it is checked.
    expect(() => app.synth()).toThrow(/\[team\/route\] CKI0008: HTTPRoute team-a\/team-route-\w+ parentRefs\[0\] \(Gateway edge\/public\): no listener admits routes/);
  });

  test('allowedRoutes All, a ReferenceGrant construct and cdk8s-plus Services: synthesizes', () => {
    const app = Testing.app();
    platform(app, RouteNamespaces.ALL);
    const team = new Chart(app, 'team', { namespace: 'team-a' });
    const shared = new Chart(app, 'shared', { namespace: 'shared' });
    const api = new kplus.Service(shared, 'api', { metadata: { name: 'api' }, ports: [{ port: 80 }] });
    new ReferenceGrant(shared, 'grant', { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'team-a' }], to: [{ group: '', kind: 'Service' }] });
    new HttpRoute(team, 'route', {
      parentRefs: [ParentRef.gateway('public', 'edge')], hostnames: ['shop.example.com'], rules: [{ backendRefs: [BackendRef.service(api)] }],
    });
    expect(() => app.synth()).not.toThrow();
  });

  test('ParentRef.gateway() to a Gateway outside the app is not reported; a plain ApiObject route to a Gateway not defined is', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c'); // no namespace
    new HttpRoute(chart, 'route', { parentRefs: [ParentRef.gateway('platform', 'istio-system')] });
    expect(() => app.synth()).not.toThrow();
    const other = Testing.app();
    const c = new Chart(other, 'c');
    new HttpRoute(c, 'route', { parentRefs: [ParentRef.gateway('platform', 'istio-system')] });
    new ApiObject(c, 'raw', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'raw' },
      spec: { parentRefs: [{ name: 'platfrom', namespace: 'istio-system' }] },
    });
    expect(() => other.synth()).toThrow(/\[c\/raw\] CKI0008: HTTPRoute default\/raw parentRefs\[0\] \(Gateway istio-system\/platfrom\): the Gateway is not defined/);
  });
});

describe('cdk8s-istio analyze', () => {
  test('reports CKI0009 on files and exits 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-routes-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), [gateway(HTTP_ALL), service('cart', 'team-a'), backend('{ name: cart, port: 9090 }')].join('\n---\n'));
    const out: string[] = [];
    const code = runCli(['analyze', '--format', 'json', dir], { out: (l) => out.push(l), err: () => undefined });
    expect(JSON.parse(out.join('\n')).findings.map((f: any) => f.code)).toContain('CKI0009');
    expect(code).toBe(1);
  });
});
