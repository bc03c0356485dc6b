import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { parseAllDocuments } from 'yaml';
import { AuthorizationPolicy, DataplaneMode, MeshNamespace, RouteNamespaces, Waypoint } from '../../src';
import { analyzeObjects, AnalyzeSettings } from '../../src/analysis/analyze';
import { AnalysisFinding } from '../../src/analysis/finding';
import { synthAppError, synthAppValid } from '../support/schema';

// CKI0014 (L7 AuthorizationPolicy enforced by ztunnel: Istio's convertAuthorizationPolicy in
// pilot/pkg/serviceregistry/ambient/authorization.go drops HTTP rules) and CKI0015 (use-waypoint
// naming a waypoint the app does not define: Istio's fetchWaypointForTarget reports it not ready).
// A Sidecar in ambient mode is Istio's IST0167 (sidecar.SelectorAnalyzer), checked here to stay so.

const settings: AnalyzeSettings = {
  defaultNamespace: 'default', rootNamespace: 'istio-system', externalGateways: new Set(), ignore: new Set(), clusterDomain: 'cluster.local',
};

function analyze(...documents: string[]): AnalysisFinding[] {
  const manifests = documents.flatMap((d) => parseAllDocuments(d).map((doc) => doc.toJS())).filter((m) => m);
  return analyzeObjects(manifests.map((manifest, i) => ({ manifest, source: `app.yaml#${i}` })), settings);
}

function reported(findings: AnalysisFinding[], code: string): string[] {
  return findings.filter((f) => f.code === code).map((f) => `${f.level} ${f.kind}/${f.namespace}/${f.name}`);
}

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
